"""The writing direction of a language, for ``dir`` in pages and for right-to-left
paragraphs in exports (DOCX, PDF)."""

RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ku", "sd", "ug"})


def is_right_to_left(language: str | None) -> bool:
    return (language or "").split("-")[0].split("_")[0].lower() in RIGHT_TO_LEFT


def direction(language: str | None) -> str:
    return "rtl" if is_right_to_left(language) else "ltr"
