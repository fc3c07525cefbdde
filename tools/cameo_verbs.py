"""CAMEO.2.0.txt (PETRARCH2's English verb dictionary) → rows of events/cameo_verbs.tsv.

The dictionary has synonym sets (``&WEAPON`` then ``+`` lines), then verb blocks: a line
``--- NAME [code] ---``, the block's verbs (``GIVE {GAVE GIVEN}`` irregular forms, ``[code]``
a verb's own code, ``+ASK_FOR`` / ``WIRE_+TAP`` a verb of several words, the ``+`` on the
word the parser calls the verb), then patterns ``- before * after [code]`` where ``*`` is the
verb, ``{...}`` a noun phrase (head last), ``(...)`` a prepositional phrase, ``&SET`` a
synonym set, ``$``/``+`` the source/target. A code ``[a:b]`` is an active and a passive code.
"""
from __future__ import annotations

import re
from pathlib import Path

COLUMNS = ["kind", "block", "lemma", "forms", "pattern", "objects", "code", "passive", "plover", "mode",
           "context", "source"]
HEADER = (
    "# veille knowledge base: English event verbs and verb patterns → CAMEO event code → PLOVER type, mode and\n"
    "# context, converted from CAMEO.2.0.txt (PETRARCH2's verb dictionary) through CAMEO2PLOVER-2021.txt\n"
    "# (openeventdata/PLOVER, commit 5e0c24f, Creative Commons Attribution-ShareAlike 4.0: the plover, mode and\n"
    "# context cells are adapted from it and are shared under the same licence).\n"
    "# Rows: kind=synset (block = the set's name, forms = its members, plurals not generated: a member ending\n"
    "# in '_' in the source takes none, the others take the regular English plural), kind=verb (a verb of a\n"
    "# block: lemma, irregular forms given by the source, its own code or the block's), kind=pattern (a\n"
    "# pattern of a block, valid for every verb of the block: 'pattern' is the source's pattern in lower\n"
    "# case, '*' the verb, {..} a noun phrase, (..) a prepositional phrase, &name a synonym set, $ and +\n"
    "# the source and target; 'objects' are its words after the verb, prepositions and markers left out).\n"
    "# code '---' is the source's null code: the verb or pattern alone makes no event. passive: the second\n"
    "# code of a pair [active:passive]. plover empty: CAMEO2PLOVER maps the code to nothing (01x public\n"
    "# statements, 02x appeals, a few others): kept so that a reader can tell statements from events.\n"
    "# Verb transformations (the '~' lines at the end of the source) are not converted.\n")


def plover_table(path: Path) -> dict[str, tuple[str, str, str]]:
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        body = line.split("#", 1)[0]
        m = re.match(r"\s*(\d+):\s*(.*)", body)
        if not m:
            continue
        parts = [p.strip() for p in m.group(2).split(",")]
        parts += [""] * (3 - len(parts))
        if parts[0]:
            table.setdefault(m.group(1), (parts[0], parts[1], parts[2].replace(" ", "")))
    return table


def plover_of(code: str, table) -> tuple[str, str, str]:
    for key in (code, code[:3], code[:2] + "0"):
        if len(key) >= 3 and key in table:
            return table[key]
    return ("", "", "")


def split_code(cell: str) -> tuple[str, str]:
    a, _, b = cell.strip("[] ").partition(":")
    return a.strip(), b.strip()


def pattern_objects(after: str) -> list[str]:
    """Words after the verb: noun heads and modifiers, synonym sets; prepositions dropped."""
    out = []
    for chunk in re.findall(r"\(([^)]*)\)|(\S+)", after):
        words = (chunk[0].split()[1:] if chunk[0] else [chunk[1]])
        for w in words:
            w = w.strip("{}").lower()
            if w and w not in ("$", "+", "%", "^") and not w.startswith("#"):
                out.append(w.replace("_", " "))
    return out


def convert_verbs(verbs_path: Path, plover_path: Path) -> tuple[list[list[str]], dict]:
    table = plover_table(plover_path)
    rows, stats = [], {"synsets": 0, "verbs": 0, "patterns": 0, "unmapped codes": set(), "null": 0}
    block, block_code, in_verbs = "", "", False

    def coded(kind, lemma, forms, pattern, objects, cell):
        code, passive = split_code(cell)
        if code in ("---", ""):
            stats["null"] += 1
            code, plover = "---", ("", "", "")
        else:
            plover = plover_of(code, table)
            if not plover[0]:
                stats["unmapped codes"].add(code)
        rows.append([kind, block, lemma, forms, pattern, objects, code, passive, *plover, "cameo-2.0"])

    synset = None
    for raw in verbs_path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if raw.startswith("####### VERB PATTERNS"):
            in_verbs = True
        if not line.strip() or line.startswith("<!") or line.startswith("~"):
            continue
        if not in_verbs:
            if line.startswith("&"):
                synset = [line.strip()[1:], []]
                rows.append(["synset", synset[0].rstrip("_").lower(), "", "", "", "", "", "", "", "", "", "cameo-2.0"])
                stats["synsets"] += 1
            elif line.startswith("+") and synset:
                member = line.strip()[1:]
                rows[-1][3] = "|".join(filter(None, [rows[-1][3], member.replace("_", " ").strip().lower()
                                                     + ("_" if member.endswith("_") or synset[0].endswith("_") else "")]))
            continue
        if line.startswith("---"):
            m = re.match(r"---\s+(\S+)\s+(\[[^\]]*\])", line)
            if m:
                block, block_code = m.group(1).lower(), m.group(2)
            continue
        if line.startswith("-"):
            m = re.match(r"-\s*(.*?)\s*(\[[^\]]*\])\s*$", line)
            if not m or "*" not in m.group(1):
                continue
            pat = " ".join(m.group(1).split()).lower()
            coded("pattern", "", "", pat, "|".join(pattern_objects(pat.split("*", 1)[1])), m.group(2))
            stats["patterns"] += 1
            continue
        m = re.match(r"\s*([A-Z+_'-]+)\s*(\{[^}]*\})?\s*(\[[^\]]*\])?", line)
        if not m or not block:
            continue
        lemma = m.group(1).replace("+", "").replace("_", " ").lower().strip()
        forms = "|".join(f.replace("+", "").replace("_", " ").lower() for f in (m.group(2) or "").strip("{} ").split())
        coded("verb", lemma, forms, "", "", m.group(3) or block_code)
        stats["verbs"] += 1
    stats["unmapped codes"] = sorted(stats["unmapped codes"])
    return rows, stats
