"""The text of an exported document (minutes, texts), whatever its format, to look for
what it says."""

import io

from docx import Document as read_docx
from pypdf import PdfReader


def export_text(body: bytes, fmt: str) -> str:
    """DOCX paragraphs one a line; PDF pages with their white space made single spaces;
    HTML and Markdown as they are."""
    if fmt == "docx":
        return "\n".join(p.text for p in read_docx(io.BytesIO(body)).paragraphs)
    if fmt == "pdf":
        text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(body)).pages)
        return " ".join(text.split())
    return body.decode()
