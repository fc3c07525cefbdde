"""Text that is safe to print or store, whatever a page or a file name holds.

A page title or a file name may hold control characters: a newline forges an extra output
line, an ESC sequence renames the terminal window or clears the screen, a bidi override
reorders what is shown. A file name may hold bytes that are not UTF-8 (Python keeps them
as lone surrogates), which neither SQLite nor a UTF-8 terminal accepts.
"""
from __future__ import annotations

import re

# C0 and C1 controls, DEL, bidi embeddings, overrides and isolates, lone surrogates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# what json.dumps(ensure_ascii=False) leaves raw (it escapes C0 itself, and its own newlines
# are structure)
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    c = match.group()
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # a byte that was not UTF-8 in a file name (surrogateescape)
        return f"\\x{n - 0xDC00:02x}"
    if c in _NAMED:
        return _NAMED[c]
    return f"\\x{n:02x}" if n <= 0xFF else f"\\u{n:04x}"


def printable(text: object, limit: int | None = None) -> str:
    """``text`` as one line that a terminal shows as it is: control characters are escaped
    (``\\n``, ``\\x1b``), and a name longer than ``limit`` is cut with its length given."""
    shown = _UNSAFE.sub(_escape, str(text))
    if limit and len(shown) > limit:
        return f"{shown[:limit]}… ({len(shown)} characters)"
    return shown


def storable(text: str) -> str:
    """``text`` with its lone surrogates written out (``\\xff`` for an undecodable byte of a
    file name), so that it can be encoded as UTF-8; everything else is kept."""
    return _SURROGATE.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text with the characters a terminal acts on written as \\u escapes; JSON's
    structure is ASCII, so these can only be inside strings, where the escape means the same."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
