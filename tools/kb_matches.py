"""List what the converted (Phoenix) kb entries match in a corpus, to read for false positives.

    .venv/bin/python tools/kb_matches.py INPUT... [--agents]

Runs veille's pipeline on the inputs (files, folders, JSONL) and prints, for every mention
linked to an entry of a converted file (entities/phoenix_*.tsv) — or, with --agents, to a
generic agent noun — the surface, the entity and its codes, and the sentence around it.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from veille import Veille
from veille.kb import load
from veille.lexicon import files, _read_tsv


def converted_ids() -> set[str]:
    return {r["id"] for p in files("entities/phoenix_*.tsv") for r in _read_tsv(p)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--agents", action="store_true", help="list generic agent nouns instead")
    args = ap.parse_args(argv)
    ids = converted_ids()
    kb = load("")
    seen: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        v = Veille(db=str(Path(tmp) / "v.db"), progress=False)
        for doc in _each(v, args.inputs):
            for e in doc.entities:
                for m in e.mentions:
                    if args.agents and m.source != "agent":
                        continue
                    if not args.agents and not (e.id in ids and m.source == "name" and added(kb, m.text, e.id)):
                        continue
                    text = doc.segment_text(m.segment)
                    ctx = text[max(0, m.start - 60):m.end + 60].replace("\n", " ")
                    seen[(m.text, e.id, e.actor, e.sector)] += 1
                    print(f"{Path(doc.source).name}\t{m.text}\t{e.id}\t{e.actor}/{e.sector}\t{ctx}")
    print(f"\n{len(seen)} distinct, {sum(seen.values())} mentions", file=sys.stderr)
    return 0


def added(kb, surface: str, eid: str) -> bool:
    """Was this name brought by a converted file (not a hand-made alias of the entry)?"""
    from veille.kb import key_of

    return eid.startswith("phx:") or not any(a.entry == eid for a in hand_index().get(key_of(surface), ()))


_HAND = {}


def hand_index():
    if not _HAND:
        from veille.kb import Alias, key_of
        from veille.lexicon import split

        for p in files("entities/*.tsv"):
            if not p.name.startswith("phoenix_"):
                for r in _read_tsv(p):
                    for a in [r.get("name", "")] + split(r.get("aliases", "")):
                        _HAND.setdefault(key_of(a), []).append(Alias(r["id"], "name", 0))
    return _HAND


def _each(v: Veille, inputs):
    from veille.readers import read

    for raw in (r for t in inputs for r in read(t, v.options)):
        if hasattr(raw, "content"):
            yield v.process(raw)


if __name__ == "__main__":
    sys.exit(main())
