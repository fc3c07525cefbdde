"""Reading the Phoenix/CAMEO actor and agent dictionaries (TABARI/PETRARCH format).

Used only by the converters in this folder (never at run time). The format is described
in openeventdata/petrarch2, docs/source/dictionaries.rst: a record is a primary phrase,
optional synonyms on lines starting with ``+`` and codes in ``[...]``, on the primary line
or on following lines that start with a tab; a code may carry a date restriction
(``<date``, ``>date``, ``date-date``; YYMMDD or YYYYMMDD, 00-30 read as 20YY).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CODE = re.compile(r"\[([^\]]*)\]")


@dataclass
class Code:
    code: str
    start: str = ""  # ISO date or ""
    end: str = ""


@dataclass
class Record:
    names: list[str]
    codes: list[Code] = field(default_factory=list)
    note: str = ""  # the comment of the primary line
    section: str = ""  # the last '#' heading line before the record


def iso(d: str) -> str:
    d = d.strip()
    if len(d) <= 7:  # YYMMDD (some are written with a 7th stray digit)
        yy = int(d[:2])
        d = (f"20{d[:2]}" if yy <= 30 else f"19{d[:2]}") + d[2:6]
    d = d[:8]
    if len(d) < 8 or not d.isdigit():
        return ""
    month, day = max(1, min(12, int(d[4:6]))), max(1, min(31, int(d[6:8])))
    return f"{d[:4]}-{month:02d}-{day:02d}"


def parse_code(cell: str) -> Code | None:
    parts = cell.split()
    if not parts:
        return None
    code, rest = parts[0], "".join(parts[1:])
    if rest.startswith("<"):
        return Code(code, "", iso(rest[1:]))
    if rest.startswith(">"):
        return Code(code, iso(rest[1:]), "")
    if "-" in rest:
        a, b = rest.split("-", 1)
        return Code(code, iso(a), iso(b))
    return Code(code)


def phrase(raw: str) -> str:
    """``AL-QAEDA_IN_IRAQ_`` → ``AL-QAEDA IN IRAQ``."""
    return " ".join(raw.replace("_", " ").split())


def read_actors(path: Path) -> list[Record]:
    records: list[Record] = []
    section = ""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("#"):
            heading = line.strip("# ").strip()
            if heading and heading.isupper() is False and len(heading) < 60:
                section = heading
            continue
        body, _, note = line.partition("#")
        codes = [c for c in (parse_code(m) for m in CODE.findall(body)) if c]
        text = CODE.sub(" ", body)
        if not text.strip() and not codes:
            continue
        if line[:1] in ("\t", " ") and not text.strip():
            if records:
                records[-1].codes.extend(codes)
            continue
        if text.lstrip().startswith("+"):
            name = phrase(text.strip()[1:])
            if records and name:
                records[-1].names.append(name)
                records[-1].codes.extend(codes)
            continue
        name = phrase(text)
        if name:
            records.append(Record([name], codes, note.strip(), section))
        elif records:
            records[-1].codes.extend(codes)
    return records


SUBST = re.compile(r"!(\w+)!")


def read_agents(path: Path) -> list[tuple[str, str, str | None]]:
    """(phrase, code, plural) for every agent noun, with the !SET! substitutions expanded;
    plural is None when Phoenix gives none (the regular one), "" for ``{}`` (no plural)."""
    sets: dict[str, list[str]] = {}
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        body = line.split("#", 1)[0].strip()
        if not body or body.startswith("<!"):
            continue
        m = re.match(r"!(\w+)!\s*=\s*(.*)", body)
        if m:
            sets[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        m = re.match(r"(.*?)\s*(\{[^}]*\})?\s*\[([^\]]*)\]", body)
        if not m:
            continue
        head, plural, code = m.group(1), m.group(2), m.group(3).strip()
        heads = [head]
        sm = SUBST.search(head)
        if sm and sm.group(1) in sets:
            heads = [head.replace(sm.group(0), w) for w in sets[sm.group(1)]]
        for h in heads:
            out.append((phrase(h), code, None if plural is None else phrase(plural.strip("{} "))))
    return out
