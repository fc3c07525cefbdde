"""Reading the knowledge base: tab-separated data files under ``kb/``.

Files start with ``#`` comment lines (source and licence), then a header line naming
the columns. Multi-valued cells use ``|``. A user's own folder (setting ``kb_dir``)
may hold files of the same names; their rows are read after the bundled ones.
"""
from __future__ import annotations

import re
import unicodedata
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


@lru_cache(maxsize=262_144)
def fold(text: str) -> str:
    """Case-, accent- and quote-insensitive form of a name, for lookups."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().casefold()


def fold_aligned(text: str) -> str:
    """``fold`` one character at a time, so offsets in the result are offsets in ``text``."""
    out = []
    for c in text:
        f = fold(c) if not c.isspace() else " "
        out.append(f[0] if f else " ")
    return "".join(out)
