"""claims: statements with a subject and a value that other sources may contradict.

Two kinds for now: measures (numbers with a unit: "des obus de 122 et 155 millimètres"),
whose subject is the unit with the noun they measure and the actors of the sentence;
and who-informed-whom ("Bakou affirme avoir préalablement informé le contingent russe",
"Moscou n'a été mis au courant que quelques minutes avant"), whose value is when.
Each claim keeps its sentence and who asserts it.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from veille.coding import modality
from veille.coding.lexicon import load as load_events
from veille.lexicon import fold, rows, split
from veille.model import Document
from veille.pipeline import Context, Stage


@lru_cache(maxsize=8)
def lexicon(lang: str, user_dir: str = ""):
    units, inform, timing = {}, [], []
    for r in rows("claims.tsv", user_dir):
        if r["lang"] != lang:
            continue
        for f in split(r["forms"]):
            if r["kind"] == "unit":
                units[fold(f)] = r["canonical"]
            elif r["kind"] == "inform":
                inform.append(tuple(fold(f).split()))
            elif r["kind"] == "timing":
                timing.append(fold(f))
    return units, inform, timing


NUM = r"(?:\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,6}|\d+(?:[.,]\d+)?)"


@lru_cache(maxsize=8)
def _measure_pattern(units: tuple[str, ...]) -> re.Pattern:
    """A run of numbers ending in a unit. Each number is read once, whole (atomic group):
    "1,2,3,…" could otherwise be split into decimals and list commas in 2^n ways."""
    alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    num = rf"(?>{NUM})"
    return re.compile(rf"(?<![\w.,])({num}(?:\s*(?:{alt}))?(?:\s*(?:,|et|and|ou|or)\s*(?:de\s+|d'|of\s+)?{num}"
                      rf"(?:\s*(?:{alt}))?)*)\s*({alt})(?!\w)")


def _measures(sentence: str, lang: str, units: dict) -> list[tuple[str, str, list[float]]]:
    """(unit, measured noun, values) for each run of numbers ending in a unit."""
    pat = _measure_pattern(tuple(units))
    folded = fold(sentence)
    out = []
    for m in pat.finditer(folded):
        values = [float(re.sub(r"[ \u00a0\u202f]", "", v).replace(",", ".")) for v in re.findall(NUM, m.group(1))]
        before = re.findall(r"[a-z]{4,}", folded[max(0, m.start() - 40):m.start()])
        noun = next((w for w in reversed(before) if w not in units and w not in ("dans", "avec", "pour", "plus",
                                                                                  "moins", "environ")), "")
        out.append((units[m.group(2)], noun, values))
    return out


def claims(doc: Document, ctx: Context) -> Document:
    lang = doc.language if doc.language in ("fr", "en") else "fr"
    units, inform, timing = lexicon(lang, ctx.options.kb_dir)
    inform_firsts = {i[0] for i in inform}
    lex = load_events(lang, ctx.options.kb_dir)
    actor_spans = sorted((m.start, m.end, e.actor) for e in doc.entities if e.actor for m in e.mentions
                         if m.segment == "body")
    starts = [s for s, _, _ in actor_spans]
    out = []
    for offset, sdoc in doc.work.get("parsed", {}).get("body", []):
        parsed = sdoc.has_annotation("DEP")
        for sent in sdoc.sents:
            s0, s1 = offset + sent.start_char, offset + sent.end_char
            text = doc.text[s0:s1]
            actors = sorted({a for _, _, a in actor_spans[bisect_left(starts, s0):bisect_left(starts, s1)]})
            merged: dict[str, tuple[str, list[float]]] = {}
            for unit, noun, values in _measures(text, lang, units):  # one figure set per unit and sentence
                first, have = merged.get(unit, (noun, []))
                merged[unit] = (first, have + [v for v in values if v not in have])
            for unit, (noun, values) in merged.items():
                if values:
                    out.append({"kind": "measure", "subject": f"{noun} ({unit})", "value": values, "unit": unit,
                                "measured": noun,
                                "actors": actors, "attributed_to": None, "evidence": text, "offsets": ["body", s0, s1]})
            for tok in sent:
                lemma = fold(tok.lemma_)
                if lemma not in inform_firsts:
                    continue
                keys = [(lemma,), (lemma, *[fold(t.text) for t in tok.doc[tok.i + 1:tok.i + 3]])]
                if not any(k[:len(i)] == i for k in keys for i in inform):
                    continue
                when = next((w for w in timing if w in fold(text)), None)
                if when is None:
                    continue
                # no dependency reads without a parse (English): spaCy crashes on them
                told = "denied" if parsed and modality.negated(tok, lex) and "que" not in fold(text).split() \
                    else "asserted"
                out.append({"kind": "inform", "subject": "who informed whom, and when", "value": when,
                            "actors": actors, "passive": parsed and any(c.dep_ == "aux:pass" for c in tok.children),
                            "attributed_to": (modality.french_source(tok, lex) if parsed else None)
                                or next((t.text for t in sent if t.dep_ == "nsubj" and t.i < tok.i), None),
                            "told": told, "evidence": text, "offsets": ["body", s0, s1]})
                break
    doc.claims = out
    return doc


STAGE = Stage("claims", claims, requires=("text", "parsed", "entities"), provides=("claims",))
