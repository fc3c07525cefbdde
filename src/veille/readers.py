"""Readers: turn what the user names (files, folders, URLs) into raw inputs.

Each reader yields ``RawInput`` objects or ``InputError`` objects; the caller stores
the errors against the input and goes on, so one bad file never stops a batch. What a
reader could read but had to mend (a few invalid bytes, a field of the wrong type) goes
into ``RawInput.warnings``.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import charset_normalizer

from veille.errors import InputError
from veille.fetch import URL_SCHEMES, download, url_problem
from veille.safetext import printable, storable
from veille.settings import Options

WESTERN = ("cp1252", "latin_1", "iso8859_15")
SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
# UTF-32 first: its little-endian BOM begins with UTF-16's
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
HINT_FIELDS = ("title", "published", "author", "site")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_BAD_BYTE = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class RawInput:
    source: str  # file path, "path#line" for JSONL, or URL
    kind: str  # txt or html
    content: str
    url: str | None = None
    hints: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what was mended to read it

    @property
    def content_id(self) -> str:
        """Content hash: the same text gives the same id, whatever its name."""
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()[:16]


def expand(targets: list[str]) -> Iterator[str]:
    """Folders become the readable files below them, in a stable order. Names starting with
    "." below the folder are hidden (.git, editor files); the folder the user named may have
    any name (".." or "~/.cache/pages"). A folder with nothing to read stays in the list, so
    that reading it says so."""
    for t in targets:
        p = Path(t)
        if not t or t.startswith(URL_SCHEMES) or not p.is_dir():
            yield t
            continue
        try:
            files = sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in f.relative_to(p).parts) and f.is_file())
        except OSError:
            files = []
        yield from (str(f) for f in files) if files else [t]


def read(target: str, opts: Options) -> Iterator[RawInput | InputError]:
    """Read one named input; a JSONL file may give many."""
    name = storable(target)  # what messages and the store call it
    try:
        if not target:
            raise InputError('""', "empty name, not a file or folder")
        if "\x00" in target:  # only through the API: a command line cannot hold one
            raise InputError(name, "not a valid name (NUL byte)")
        if target.startswith(URL_SCHEMES):
            if name != target:
                raise InputError(name, "not a valid URL (bytes that are not UTF-8)")
            yield fetch_url(target, opts)
            return
        path = Path(target)
        if not path.exists():
            raise InputError(name, "no such file or folder")
        if path.is_dir():
            raise InputError(name, _empty_folder(path))
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise InputError(name, f"unsupported file type '{printable(path.suffix) or 'none'}'",
                             "use .txt, .html, .htm or .jsonl")
        size = path.stat().st_size
        if size > opts.max_bytes:
            raise InputError(name, f"too large ({size / 1e6:.1f} MB, limit {opts.max_bytes / 1e6:.1f} MB)",
                             "raise VEILLE_MAX_BYTES if this is really one article")
        warnings: list[str] = []
        text = decode(path.read_bytes(), name, warnings, lines=kind == "jsonl")
        if kind == "jsonl":
            yield from read_jsonl(text, name, warnings)
            return
        yield RawInput(source=name, kind=sniff_kind(text, kind), content=text, warnings=warnings)
    except InputError as e:
        yield e
    except OSError as e:
        yield InputError(name, f"cannot read ({e.strerror or e})")


def _empty_folder(path: Path) -> str:
    try:
        next(path.iterdir(), None)
    except OSError as e:
        return f"cannot read this folder ({e.strerror or e})"
    return "no .txt, .html, .htm or .jsonl file in this folder (names starting with '.' are skipped)"


def decode(data: bytes, source: str, warnings: list[str] | None = None, lines: bool = False) -> str:
    """Bytes to text: BOMs first, then UTF-16 without a BOM, then UTF-8 (a few invalid bytes
    are replaced, with a warning), then a detected legacy encoding. With ``lines`` (JSONL),
    NUL bytes and control characters are left for each line to judge."""
    if not data.strip():
        raise InputError(source, "empty file")
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), source, lines)
            except UnicodeDecodeError:
                raise InputError(source, f"starts with a {enc} byte-order mark but is not {enc}") from None
    utf16 = _utf16_order(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), source, lines)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data and not lines:
        raise InputError(source, "binary file (NUL bytes), not text")
    text = _mostly_utf8(data, warnings if warnings is not None else [])
    if text is not None:
        return _checked(text, source, lines)
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise InputError(source, "unknown text encoding", "convert it to UTF-8")
    # French and English pages: a Western code page wins over a near-tie (cp1250 reads
    # "è" as "č" with almost the same score)
    best = matches[0]
    western = next((m for m in matches if m.encoding in WESTERN), None)
    if western is not None and western.percent_chaos <= best.percent_chaos + 1.0:
        best = western
    return _checked(str(best), source, lines)


def _utf16_order(data: bytes) -> str | None:
    """UTF-16 without a BOM, told by its NUL bytes: Latin text has one in the high byte of
    nearly every character and none in the low byte; binary data has them in both."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= half * 0.1 and even <= half * 0.01:
        return "utf-16-le"
    if even >= half * 0.1 and odd <= half * 0.01:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes, warnings: list[str]) -> str | None:
    """UTF-8, or UTF-8 with a few invalid bytes (replaced by U+FFFD, with a warning). A text
    with more invalid bytes than twice its valid non-ASCII characters is in another encoding."""
    text = data.decode("utf-8", "surrogateescape")  # each invalid byte becomes one lone surrogate
    bad = len(_BAD_BYTE.findall(text))
    if not bad:
        return text
    valid = len(text) - len(text.encode("ascii", "ignore")) - bad
    if valid < 2 * bad:
        return None
    warnings.append(f"{bad} invalid UTF-8 byte{'s' if bad > 1 else ''} replaced with U+FFFD")
    return _BAD_BYTE.sub("\ufffd", text)


def _binary(text: str) -> bool:
    return len(_CONTROL.findall(text)) > max(8, len(text) // 100)


def _checked(text: str, source: str, lines: bool = False) -> str:
    if not text.strip():
        raise InputError(source, "empty file")
    if not lines and _binary(text):
        raise InputError(source, "binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_kind(text: str, declared: str) -> str:
    head = text.lstrip()[:500].lower()
    if declared == "txt" and (head.startswith("<!doctype html") or head.startswith("<html")):
        return "html"
    return declared


def read_jsonl(text: str, source: str, warnings: list[str] | None = None) -> Iterator[RawInput | InputError]:
    """One input per line; a bad line fails alone, but a file that is mostly binary fails as
    one. ``warnings`` (from decoding the file) go with the first line read. Lines end at "\\n"
    only: JSON strings may hold U+2028."""
    pending = list(warnings or [])
    lines = text.split("\n")
    binary = {n for n, line in enumerate(lines, 1) if "\x00" in line or _binary(line)}
    if len(binary) * 2 > sum(1 for line in lines if line.strip()):
        yield InputError(source, "binary data, not text")
        return
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}#{n}"
        if n in binary:
            yield InputError(where, "binary data (NUL bytes or control characters), not a JSON line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(where, f"not JSON ({e.msg} at column {e.colno})")
            continue
        except RecursionError:
            yield InputError(where, "not JSON (nested too deeply)")
            continue
        if not isinstance(obj, dict):
            yield InputError(where, "not a JSON object")
            continue
        item = _feed_item(obj, where, [])
        if isinstance(item, RawInput) and pending:  # said once, with the first line read
            item.warnings[:0], pending = pending, []
        yield item


def _feed_item(obj: dict, where: str, warnings: list[str]) -> RawInput | InputError:
    """A JSONL object as an input. Fields of the wrong type are left out with a warning:
    a list as a title must not reach the store."""
    body, kind = obj.get("html"), "html"
    if not isinstance(body, str) or not body.strip():
        body, kind = obj.get("text"), "txt"
    if not isinstance(body, str) or not body.strip():
        return InputError(where, "no 'text' or 'html' field")
    body = _mended("html" if kind == "html" else "text", body, warnings)
    hints = {}
    for key in HINT_FIELDS:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            warnings.append(f"'{key}' is {_json_type(value)}, not text: ignored")
        elif value.strip():
            hints[key] = _mended(key, value, warnings)
    url = _feed_url(obj.get("url"), warnings)
    return RawInput(source=url or where, kind=kind, content=body, url=url, hints=hints, warnings=warnings)


def _mended(key: str, value: str, warnings: list[str]) -> str:
    """JSON may escape half a surrogate pair ("\\ud800"), which no UTF-8 store accepts."""
    value, n = _SURROGATE.subn("\ufffd", value)
    if n:
        warnings.append(f"'{key}': {n} lone surrogate{'s' if n > 1 else ''} replaced with U+FFFD")
    return value


def _feed_url(value: object, warnings: list[str]) -> str | None:
    """Only an http(s) URL names a feed item: a path would make the line a revision of some
    unrelated file, and a broken URL a name nothing can fetch."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        warnings.append(f"'url' is {_json_type(value)}, not text: ignored")
        return None
    value = _mended("url", value, warnings)
    problem = url_problem(value)
    if problem:
        warnings.append(f"'url' {printable(value, 100)} ignored: {problem}")
        return None
    return value


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def fetch_url(url: str, opts: Options) -> RawInput:
    data, ctype = download(url, opts)
    if ctype and not any(t in ctype for t in ("html", "text", "xml")):
        raise InputError(url, f"not a web page (content-type {ctype.split(';')[0]})")
    warnings: list[str] = []
    text = decode(data, url, warnings)
    kind = "html" if ("html" in ctype or "<html" in text[:2000].lower()) else "txt"
    return RawInput(source=url, kind=kind, content=text, url=url, warnings=warnings)
