"""places: toponyms → WGS 84 points (lat, lon, country, GeoNames id, kind).

Candidates come from the place index (``veille.geo``); the document's own states (the
countries its entities belong to, weighted by mentions) break ties, then population,
then whether the name is the place's own. A name that resolves nowhere is kept and
marked unresolved, never put at a guessed point.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

from veille import geo
from veille.kb import load
from veille.lexicon import fold, rows
from veille.model import Document, Mention, Place
from veille.pipeline import Context, Stage

DETERMINERS = ("l'", "l’", "la ", "le ", "les ", "d'", "d’", "du ", "de ", "des ", "the ")


@lru_cache(maxsize=4)
def prefixes(user_dir: str = "") -> tuple[str, ...]:
    return tuple(sorted((fold(r["words"]) for r in rows("place_words.tsv", user_dir)), key=len, reverse=True))


@lru_cache(maxsize=4)
def not_places(user_dir: str = "") -> frozenset[str]:
    return frozenset(fold(r["name"]) for r in rows("not_places.tsv", user_dir))


def choose(cands, context: Counter) -> geo.Candidate | None:
    if not cands:
        return None
    total = sum(context.values()) or 1

    def score(c: geo.Candidate) -> float:
        s = math.log10(c.population + 10)
        s += 6 * context.get(c.country, 0) / total + (2 if c.country in context else 0)
        s += 1.5 if c.primary else 0
        s += 3 if c.kind in ("region", "water", "area", "mountain") else 0
        return s

    return max(cands, key=score)


def _strip(surface: str, user_dir: str) -> tuple[int, str]:
    """Drop a leading determiner or generic place word; return (chars dropped, rest)."""
    cut = 0
    changed = True
    while changed:
        changed = False
        low = fold(surface[cut:])
        for p in DETERMINERS + tuple(x + " " if not x.endswith("'") else x for x in prefixes(user_dir)):
            if low.startswith(fold(p)) and len(low) > len(p):
                cut += len(p)
                changed = True
                break
    return cut, surface[cut:]


def places(doc: Document, ctx: Context) -> Document:
    opts = ctx.options
    idx = geo.index(opts.data_dir, opts.min_population)
    kb = load(opts.kb_dir)
    context: Counter = Counter()
    for e in doc.entities:
        if e.actor in kb.alpha2:
            context[kb.alpha2[e.actor]] += len(e.mentions)

    found: dict[tuple, Place] = {}
    stop = not_places(opts.kb_dir)

    def add(cand: geo.Candidate | None, m: Mention, surface: str):
        if cand is None:
            key = ("?", fold(surface))
            p = found.setdefault(key, Place(surface, "unknown", False))
        else:
            key = ("id", cand.id)
            p = found.setdefault(key, Place(cand.name, cand.kind, True, cand.lat, cand.lon, cand.country,
                                            cand.id if cand.id < 10**9 else None))
        p.mentions.append(m)

    for e in doc.entities:  # states: their centroid, at country precision
        if e.actor in kb.alpha2 and e.type == "GPE":
            country = idx.country(kb.alpha2[e.actor])
            for m in e.mentions:
                if m.source == "country" and country:
                    add(geo.Candidate(country.id, e.name, country.lat, country.lon, country.country, 0,
                                      "country", True), m, m.text)
    for m in doc.work.get("toponyms", []):
        if m.source == "country":
            continue
        cut, name = _strip(m.text, opts.kb_dir)
        cand = choose(idx.lookup(name), context)
        if fold(name) in stop:
            continue
        if cand is None and "-" in name:  # "l'autoroute Erevan-Goris": two places
            parts, pos = [], m.start + cut
            for part in name.split("-"):
                pc = choose(idx.lookup(part), context)
                if pc is not None:
                    parts.append((pc, Mention(part, pos, pos + len(part), m.segment, m.source), part))
                pos += len(part) + 1
            if parts:
                for args in parts:
                    add(*args)
                continue
        add(cand, Mention(name, m.start + cut, m.end, m.segment, m.source), name)
    doc.places = sorted(found.values(), key=lambda p: (not p.resolved, -len(p.mentions), p.name))
    return doc


STAGE = Stage("places", places, requires=("entities", "toponyms"), provides=("places",))
