"""Readers: turn what the user names (files, folders, URLs) into raw inputs.

Each reader yields ``RawInput`` objects or ``InputError`` objects; the caller stores
the errors against the input and goes on, so one bad file never stops a batch.
"""
from __future__ import annotations

import codecs
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import charset_normalizer

from veille.errors import InputError
from veille.settings import Options

WESTERN = ("cp1252", "latin_1", "iso8859_15")
SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}


@dataclass
class RawInput:
    source: str  # file path, "path#line" for JSONL, or URL
    kind: str  # txt or html
    content: str
    url: str | None = None
    hints: dict = field(default_factory=dict)

    @property
    def content_id(self) -> str:
        """Content hash: the same text gives the same id, whatever its name."""
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()[:16]


def expand(targets: list[str]) -> Iterator[str]:
    """Folders become the readable files below them, in a stable order."""
    for t in targets:
        p = Path(t)
        if t.startswith(("http://", "https://")) or not p.is_dir():
            yield t
            continue
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            if f.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in f.parts):
                yield str(f)


def read(target: str, opts: Options) -> Iterator[RawInput | InputError]:
    """Read one named input; a JSONL file may give many."""
    try:
        if target.startswith(("http://", "https://")):
            yield fetch_url(target, opts)
            return
        path = Path(target)
        if not path.exists():
            raise InputError(target, "no such file or folder")
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise InputError(target, f"unsupported file type '{path.suffix or 'none'}'",
                             "use .txt, .html, .htm or .jsonl")
        size = path.stat().st_size
        if size > opts.max_bytes:
            raise InputError(target, f"too large ({size / 1e6:.1f} MB, limit {opts.max_bytes / 1e6:.1f} MB)",
                             "raise VEILLE_MAX_BYTES if this is really one article")
        text = decode(path.read_bytes(), target)
        if kind == "jsonl":
            yield from read_jsonl(text, target)
            return
        yield RawInput(source=target, kind=sniff_kind(text, kind), content=text)
    except InputError as e:
        yield e
    except OSError as e:
        yield InputError(target, f"cannot read ({e.strerror or e})")


def decode(data: bytes, source: str) -> str:
    """Bytes to text: BOMs first, then strict UTF-8, then a detected legacy encoding."""
    if not data.strip():
        raise InputError(source, "empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF32_LE, "utf-32")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), source)
            except UnicodeDecodeError:
                raise InputError(source, f"starts with a {enc} byte-order mark but is not {enc}")
    if b"\x00" in data:
        raise InputError(source, "binary file (NUL bytes), not text")
    try:
        return _checked(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise InputError(source, "unknown text encoding", "convert it to UTF-8")
    # French and English pages: a Western code page wins over a near-tie (cp1250 reads
    # "è" as "č" with almost the same score)
    best = matches[0]
    western = next((m for m in matches if m.encoding in WESTERN), None)
    if western is not None and western.percent_chaos <= best.percent_chaos + 1.0:
        best = western
    return _checked(str(best), source)


def _checked(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(source, "empty file")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise InputError(source, "binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_kind(text: str, declared: str) -> str:
    head = text.lstrip()[:500].lower()
    if declared == "txt" and (head.startswith("<!doctype html") or head.startswith("<html")):
        return "html"
    return declared


def read_jsonl(text: str, source: str) -> Iterator[RawInput | InputError]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}#{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(where, f"not JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(obj, dict):
            yield InputError(where, "not a JSON object")
            continue
        body, kind = obj.get("html"), "html"
        if not body:
            body, kind = obj.get("text"), "txt"
        if not isinstance(body, str) or not body.strip():
            yield InputError(where, "no 'text' or 'html' field")
            continue
        hints = {k: obj[k] for k in ("title", "published", "author", "site") if obj.get(k)}
        url = obj.get("url") if isinstance(obj.get("url"), str) else None
        yield RawInput(source=url or where, kind=kind, content=body, url=url, hints=hints)


def fetch_url(url: str, opts: Options) -> RawInput:
    import httpx

    try:
        with httpx.Client(timeout=opts.url_timeout, follow_redirects=True,
                          headers={"User-Agent": "veille/0.1 (+news analysis)"}) as client:
            with client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    raise InputError(url, f"HTTP {resp.status_code}")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > opts.max_bytes:
                        raise InputError(url, f"too large (over {opts.max_bytes / 1e6:.1f} MB)")
                    chunks.append(chunk)
                ctype = resp.headers.get("content-type", "")
    except httpx.TimeoutException:
        raise InputError(url, f"timed out after {opts.url_timeout:g} s")
    except httpx.ConnectError as e:
        raise InputError(url, f"network unreachable or host unknown ({e})")
    except httpx.HTTPError as e:
        raise InputError(url, f"download failed ({e.__class__.__name__}: {e})")
    data = b"".join(chunks)
    if ctype and not any(t in ctype for t in ("html", "text", "xml")):
        raise InputError(url, f"not a web page (content-type {ctype.split(';')[0]})")
    text = decode(data, url)
    kind = "html" if ("html" in ctype or "<html" in text[:2000].lower()) else "txt"
    return RawInput(source=url, kind=kind, content=text, url=url)
