"""The two escapers for text that comes from outside (a live action name, a build error, a
server message) on its way to a terminal, a log or a pull-request comment.

`terminal` makes every character that could move the cursor, start a new line, colour the
terminal or reorder what is shown (C0/C1 controls, DEL, ESC, Unicode format characters such as
bidi overrides, line and paragraph separators) visible as a backslash escape, so one value always
stays on the one line it was printed on. `markdown` does the same and then escapes the characters
that would start Markdown or HTML markup (`<`, `|`, backticks, ...), so no value can close a
`<details>`, add a hidden `<!-- marker -->`, split a table cell or open a link.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&])")


def unsafe(char: str) -> bool:
    """True for a character that must never reach a terminal or a log as itself."""
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def terminal(text: str, *, keep_tabs: bool = False) -> str:
    """`text` with every unsafe character shown as a backslash escape (`\\n`, `\\x1b`,
    `\\u202e`); tabs kept only with `keep_tabs` (code lines, where they indent)."""
    if text.isprintable() and (keep_tabs or "\t" not in text):
        return text
    return "".join(
        _escape_char(c) if unsafe(c) and not (keep_tabs and c == "\t") else c for c in text
    )


def markdown(text: str) -> str:
    """Plain text for Markdown: `terminal`, then every character that starts markup escaped."""
    return _MD_SPECIAL.sub(r"\\\1", terminal(text))


def markdown_code(text: str) -> str:
    """An inline code span of `text` (made safe with `terminal`) that survives backticks.
    Text holding `<`, `>` or `|` becomes `<code>` with every markup character escaped instead:
    inside backticks nothing can be escaped, and a `|` still splits a table cell there."""
    text = terminal(text)
    if any(c in text for c in "<>|"):
        return f"<code>{markdown(text)}</code>"
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def json_text(document: str) -> str:
    """A JSON document with every unsafe character inside its strings written as a `\\uXXXX`
    escape (the same data; `json.dumps(ensure_ascii=False)` leaves DEL, C1 controls and bidi
    characters raw). Raw newlines in a JSON document are structure, so they stay."""
    return _NOT_ASCII.sub(_json_escape, document)


_NOT_ASCII = re.compile(r"[^\n -~]")  # the only characters that may need a look


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if not unsafe(char):
        return char
    code = ord(char)
    if code >= 0x10000:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
