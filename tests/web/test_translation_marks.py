"""Every text the pages show is marked for translation: the templates' text and shown
attributes, the strings the pages' modules put into the page, and the messages of the errors
the server raises to people. A failure names the file, the line and the text, so that
whoever added it marks it: ``{% translate %}`` or ``{% blocktranslate %}`` in templates,
``gettext()`` (from ``js/i18n.js``) in modules, ``_()`` (``gettext_lazy``) at a raise."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "frontend" / "templates"
MODULES = ROOT / "frontend" / "static" / "js"
SERVER = ROOT / "server"

# Words that stay as they are in every language: the product's name, file formats.
UNTRANSLATED = {"Plenary", "PDF", "DOCX", "HTML", "JSON", "UTC", "MT", "Markdown", "Akoma", "Ntoso"}
# Attributes whose values people read or hear.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label", "aria-description"}
# Elements whose content is not prose: code samples, scripts, styles.
NOT_PROSE = {"code", "script", "style"}
LETTER = re.compile(r"[^\W\d_]")
HOLE = "\x00"  # where a template tag or variable stood


def _prose(text: str) -> str:
    """What is left of a text once template holes, product names and spacing are gone."""
    words = text.replace(HOLE, " ").split()
    return " ".join(word for word in words if word.strip(".,:;()·") not in UNTRANSLATED)


class _Unmarked(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_PROSE:
            self.skipping.append(tag)
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value and LETTER.search(_prose(value)):
                self.found.append((self.getpos()[0], f'{name}="{value.replace(HOLE, "…")}"'))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        prose = _prose(data)
        if not self.skipping and LETTER.search(prose) and (letter := LETTER.search(data)):
            self.found.append((self.getpos()[0] + data.count("\n", 0, letter.start()), prose))


def _template_text(source: str) -> str:
    """The template with each tag and variable replaced by a hole (keeping its line breaks),
    and the text inside {% blocktranslate %} and {% comment %} dropped: marked, or unseen."""
    out, inside = [], None
    for token in Lexer(source).tokenize():
        breaks = "\n" * token.contents.count("\n")
        if token.token_type == TokenType.BLOCK:
            name = token.split_contents()[0]
            if name in ("blocktranslate", "blocktrans", "comment"):
                inside = "end" + name
            elif name == inside:
                inside = None
        if token.token_type == TokenType.TEXT and inside is None:
            out.append(token.contents)
        else:
            out.append(HOLE + breaks)
    return "".join(out)


def unmarked_in_template(path: Path) -> list[str]:
    parser = _Unmarked()
    parser.feed(_template_text(path.read_text()))
    parser.close()
    where = path.relative_to(ROOT)
    return [f"{where}:{line}: {text!r}" for line, text in parser.found]


# A JavaScript string literal: '…', "…" or `…` (a template literal's ${…} counts as a hole).
_LITERAL = re.compile(r"""(?P<q>["'`])(?P<body>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.S)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_MARKED = re.compile(r"(?:\b[np]?gettext|gettext_noop)\(\s*$")
_NOT_SHOWN = re.compile(
    r"^\s*import\b|\bfrom\s*$|console\.\w+\(\s*$|\bclass(?:Name)?\s*[:=]\s*$"
    r"|(?:querySelector(?:All)?|closest|matches|createElement|getElementById|byId|\$"
    r"|addEventListener|dispatchEvent|Event|getAttribute|setAttribute|removeAttribute"
    r"|get|getItem|setItem|toggle|contains)\(\s*$"
    r"|\.(?:key|code)\s*[!=]==?\s*$"  # a key's name: event.key === "Enter"
)
# Words a person reads: two words with a space between, or one capitalised word ("Live").
_PROSE = re.compile(r"[^\W\d_]{2,}.*\s.*[^\W\d_]{2,}|^[A-Z][a-z]+[.…!?]?$", re.S)
_CODE = re.compile(r"[\[\]#=/<>{}|$]|\b\w+\(")


def _code_without_comments(source: str) -> str:
    """Comments blanked out (keeping line breaks), string literals left alone."""
    out, at = [], 0
    for match in re.finditer(_TOKENS, source):
        out.append(source[at : match.start()])
        text = match.group()
        out.append(re.sub(r"[^\n]", " ", text) if text.startswith("/") else text)
        at = match.end()
    out.append(source[at:])
    return "".join(out)


_TOKENS = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`", re.S
)


def unmarked_in_module(path: Path) -> list[str]:
    """String literals that read as words to a person, not passed to gettext (or ngettext:
    its plural follows the singular) and not a selector, an event or element name, a storage
    key or an import."""
    code = _code_without_comments(path.read_text())
    found, marked_end = [], -1
    for match in _LITERAL.finditer(code):
        before = code[: match.start()]
        if _MARKED.search(before[-40:]) or (
            marked_end >= 0 and not code[marked_end : match.start()].strip(", \n")
        ):
            marked_end = match.end()
            continue
        marked_end = -1
        if _NOT_SHOWN.search(before[before.rfind("\n") + 1 :]) or _NOT_SHOWN.search(before[-60:]):
            continue
        text = _prose(re.sub(r"\$\{[^}]*\}", HOLE, match.group("body")))
        if _PROSE.search(text) and not _CODE.search(text):
            line = code.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {match.group()[:80]!r}")
    return found


# The errors whose messages reach people (``server/common/errors.py``), and the two whose
# messages the services pass on in one (bad markup, a bad receipt).
TOLD_ERRORS = {"PlenaryError", "ContentError", "ReceiptError"}
_CODE_NAME = re.compile(r"[a-z_]+")  # ProtocolError's first argument: a code, not words


def told_errors(sources: list[Path], roots: set[str] = TOLD_ERRORS) -> set[str]:
    """``roots`` and every class deriving from one of them, however indirectly."""
    bases = {
        node.name: {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
        for path in sources
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
    }
    found = set(roots)
    while grown := {name for name, of in bases.items() if of & found} - found:
        found |= grown
    return found


def unmarked_raises(path: Path, errors: set[str]) -> list[str]:
    """``raise Forbidden("…")`` or ``raise NotFound(f"…")`` (or such an error made to be
    raised elsewhere): a literal message, unmarked."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        called = node.func
        name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
        if name not in errors:
            continue
        for arg in node.args:
            words = (
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and not _CODE_NAME.fullmatch(arg.value)
            )
            if words or isinstance(arg, ast.JoinedStr):
                where = path.relative_to(ROOT)
                found.append(f"{where}:{arg.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_every_error_message_raised_is_marked_for_translation() -> None:
    sources = sorted(SERVER.rglob("*.py"))
    errors = told_errors(sources)
    assert {"Forbidden", "ProtocolError", "StaleVersion", "ContentError"} <= errors
    unmarked = [problem for path in sources for problem in unmarked_raises(path, errors)]
    assert not unmarked, "Error messages not marked for translation:\n" + "\n".join(unmarked)


def test_every_template_text_is_marked_for_translation() -> None:
    unmarked = [
        problem
        for path in sorted(TEMPLATES.rglob("*.html"))
        for problem in unmarked_in_template(path)
    ]
    assert not unmarked, "Text shown but not marked for translation:\n" + "\n".join(unmarked)


def test_every_module_string_shown_is_marked_for_translation() -> None:
    unmarked = [
        problem for path in sorted(MODULES.glob("*.js")) for problem in unmarked_in_module(path)
    ]
    assert not unmarked, "Strings shown but not marked for translation:\n" + "\n".join(unmarked)


def test_the_checkers_find_unmarked_text(tmp_path: Path) -> None:
    """The checkers catch what they are for (and leave marked text and code alone)."""
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Votes" %}</h1>\n<p title="Hello there">Ready</p>\n'
        "{% blocktranslate %}Dear {{ name }}{% endblocktranslate %}<code>{f}</code>{{ x }}"
    )
    found = [line.split(": ", 1)[1] for line in _relative(unmarked_in_template, page)]
    assert found == ["'title=\"Hello there\"'", "'Ready'"]
    module = tmp_path / "module.js"
    module.write_text(
        'import { gettext } from "./i18n.js";\n'
        'el.textContent = gettext("Live");\n'
        "b.textContent = `Vote for ${name}`;\n"
        'document.querySelector("a[href], button, input");\n'
        'x.title = ngettext("one vote", "many votes", n); // "Not this comment"\n'
        'status.textContent = "Reconnecting…";\n'
        'if (event.key === "Enter") go();\n'
    )
    found = [line.split(":", 2)[1] for line in _relative(unmarked_in_module, module)]
    assert found == ["3", "6"]
    errors = tmp_path / "errors.py"
    errors.write_text(
        "class Refused(Forbidden): ...\n"
        'raise Forbidden(_("Only the chair."))\n'
        'raise Refused("Not you.")\n'
        'raise errors.NotFound(f"No item {key}.", key=key)\n'
        'raise ProtocolError("bad_json", _("Not JSON."))\n'
        'raise ProtocolError("bad_json", "Not JSON.")\n'
        "raise InvalidInput(exc.args[0])\n"
        'raise ValueError("not told to people")\n'
        'return WrongType(f"Not {kind}.")\n'
    )
    roots = {"Forbidden", "NotFound", "ProtocolError", "InvalidInput", "WrongType"}
    told = told_errors([errors], roots)
    found = [line.split(":", 2)[1] for line in _relative_raises(errors, told)]
    assert found == ["3", "4", "6", "9"]


def _relative_raises(path: Path, errors: set[str]) -> list[str]:
    global ROOT
    kept, ROOT = ROOT, path.parent
    try:
        return unmarked_raises(path, errors)
    finally:
        ROOT = kept


def _relative(check: "object", path: Path) -> list[str]:
    global ROOT
    kept, ROOT = ROOT, path.parent
    try:
        return check(path)  # type: ignore[operator, no-any-return]  # the two checkers
    finally:
        ROOT = kept
