"""Reading the knowledge base: tab-separated data files under ``kb/``.

Files start with ``#`` comment lines (source and licence), then a header line naming
the columns. Multi-valued cells use ``|``. A user's own folder (setting ``kb_dir``)
may hold files of the same names; their rows are read after the bundled ones.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from pathlib import Path

KB_DIR = Path(__file__).parent / "kb"


def rows(name: str, user_dir: str = "") -> list[dict[str, str]]:
    """All rows of ``kb/<name>`` (bundled first, then the user's file of that name)."""
    out: list[dict[str, str]] = []
    paths = [KB_DIR / name]
    if user_dir:
        paths.append(Path(user_dir) / name)
    for path in paths:
        if path.exists():
            out.extend(_read_tsv(path))
    return out


def files(pattern: str, user_dir: str = "") -> list[Path]:
    found = sorted(KB_DIR.glob(pattern))
    if user_dir:
        found += sorted(Path(user_dir).glob(pattern))
    return found


@lru_cache(maxsize=None)
def _read_tsv_cached(path: str, mtime: float) -> tuple[dict[str, str], ...]:
    header: list[str] | None = None
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            continue
        cells += [""] * (len(header) - len(cells))
        out.append({h: c.strip() for h, c in zip(header, cells)})
    return tuple(out)


def _read_tsv(path: Path) -> list[dict[str, str]]:
    return list(_read_tsv_cached(str(path), path.stat().st_mtime))


def split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "\u00a0": " ", "\u202f": " ",
                         "‐": "-", "‑": "-", "–": "-", "—": "-"})


CACHED = 64  # longer texts (sentences, whole documents) are folded once: caching them would hold megabytes


def fold(text: str) -> str:
    """Case-, accent- and quote-insensitive form of a name, for lookups."""
    return _fold_cached(text) if len(text) <= CACHED else _fold(text)


@lru_cache(maxsize=262_144)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = text.translate(_QUOTES)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_combining())
    return _SPACES.sub(" ", text).strip().casefold()


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _combining() -> dict[int, None]:
    """Every combining mark, to drop after NFKD in one C-level pass (a table, built once)."""
    return {cp: None for cp in range(0x30000) if unicodedata.combining(chr(cp))}


def fold_aligned(text: str) -> str:
    """``fold`` one character at a time, so offsets in the result are offsets in ``text``."""
    return "".join(map(_fold_char, text))


@lru_cache(maxsize=65_536)
def _fold_char(c: str) -> str:
    f = fold(c) if not c.isspace() else " "
    return f[0] if f else " "


class Spans:
    """Character spans already taken, as a sorted union, so that asking whether a new span
    overlaps one of them costs a binary search rather than a pass over all of them."""

    def __init__(self, spans=()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in spans:
            self.add(s, e)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_left(self.ends, s + 1)  # the first piece that ends after s
        return i < len(self.starts) and self.starts[i] < e and s < e

    def add(self, s: int, e: int) -> None:
        if s >= e:
            return
        i = bisect_left(self.ends, s)  # pieces ending before s stay apart
        j = bisect_right(self.starts, e)  # pieces starting after e stay apart
        if i < j:
            s, e = min(s, self.starts[i]), max(e, self.ends[j - 1])
        self.starts[i:j] = [s]
        self.ends[i:j] = [e]
