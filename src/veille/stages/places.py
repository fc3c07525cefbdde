"""places: toponyms → WGS 84 points (lat, lon, country, GeoNames id, kind).

Candidates come from the place index (``veille.geo``); the document's own states (the
countries its entities belong to, weighted by mentions) break ties, then population,
then whether the name is the place's own. A name that resolves nowhere is kept and
marked unresolved, never put at a guessed point.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from veille import geo
from veille.kb import load
from veille.lexicon import fold, rows
from veille.stages.link import BIG_CITY, capitalised_runs
from veille.model import Document, Mention, Place
from veille.pipeline import Context, Stage

TOWN = 20_000  # a city outside the document's countries must be at least this large
DETERMINERS = ("l'", "la", "le", "les", "d'", "du", "de", "des", "the")
# the kind of division written after a name ("the Donetsk region", "Borno State")
DIVISION_AFTER = re.compile(r"[ \t]+(region|province|state|county|governorate|oblast|department|prefecture|district)\b",
                            re.I)
# "London, Ontario", "Paris, Texas", "Gao, au Mali": the division or state written next to a name
BESIDE = re.compile(r"[ \t]*,[ \t]*(?:(?:au|en|aux|dans l['’]État d[eu']?|in)[ \t]+)?(?:the[ \t]+)?([A-ZÀ-ÖØ-Þ][\w'’-]*(?:[ \t]+[A-ZÀ-ÖØ-Þ][\w'’-]*){0,3})")
DIVISION_BEFORE = re.compile(r"\b((?:région|province|oblast|gouvernorat|comté|département|préfecture|wilaya|État|"
                             r"district|canton|kraï)[ \t]+(?:de[ \t]+(?:la[ \t]+|l['’])?|d['’]|du[ \t]+))$", re.I)
CONNECTED = re.compile(r"\s(?:of|of the|de|du|des|de la|el|al|on|upon)\s|\sd['’]")
BARE_RUN = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’]*(?:[ -][A-ZÀ-ÖØ-Þ][\w'’]*)*")
FACILITY = re.compile(r"\b(?:Hospital|Airport|University|Council|Court|Prison|Stadium|Market|Station|Mosque|"
                      r"Church|Cathedral|School|College|Police|Hôpital|Aéroport|Université|Tribunal|Prison|"
                      r"Préfecture|Mairie|Stade|Marché|Gare|Mosquée|Église|Cathédrale|École|Lycée)\b", re.I)
FACILITY_OF = re.compile(r"[ \t]+(?:of|de|du|d['’])[ \t]*(?=[A-ZÀ-ÖØ-Þ])")
DIVISION_WORDS = re.compile(r"\b(region|province|state|county|governorate|oblast|department|prefecture|district|"
                            r"région|état|comté|gouvernorat|département|préfecture|wilaya)\b", re.I)


@lru_cache(maxsize=4)
def prefixes(user_dir: str = "") -> tuple[str, ...]:
    return tuple(sorted((fold(r["words"]) for r in rows("place_words.tsv", user_dir)), key=len, reverse=True))


@lru_cache(maxsize=4)
def not_places(user_dir: str = "") -> frozenset[str]:
    return frozenset(fold(r["name"]) for r in rows("not_places.tsv", user_dir))


def qualified(name: str) -> bool:
    """The name says it is a division ("Borno State", "province de Kunduz")."""
    return bool(DIVISION_WORDS.search(fold(name)))


def within(cand: geo.Candidate, outer: geo.Candidate) -> bool:
    """cand lies in outer: the same state, and the same first-level division when outer is one."""
    if cand.country != outer.country or cand.id == outer.id:
        return False
    if outer.kind == "country":
        return True
    if outer.level == 1 and outer.admin1:
        return cand.admin1 == outer.admin1
    return geo.km(cand.lat, cand.lon, outer.lat, outer.lon) <= 150


def container(text: str, end: int, idx, states: dict[int, str]) -> list[geo.Candidate]:
    """What "London, Ontario" or "Paris, Texas" writes after the name: the state (by the
    document's own state mentions) or the divisions the index knows by that name."""
    m = BESIDE.match(text, end, min(len(text), end + 80))
    if not m:
        return []
    if m.start(1) in states:
        return [geo.Candidate(0, "", 0.0, 0.0, states[m.start(1)], 0, "country", True)]
    words = m.group(1).split()
    for n in range(len(words), 0, -1):  # the longest name that is a division
        outer = idx.divisions(" ".join(words[:n]))
        if outer:
            return outer
    return []


def _written_containers(doc: Document, idx, states: dict, user_dir: str) -> dict[str, set[int]]:
    """Names the document places by writing their state or division next to them ("London,
    Ontario"; "Charlevoix, Quebec", which rules out the Michigan town): folded name → the ids
    of its candidates that lie there (none when a state or division rules them all out)."""
    out: dict[str, set[int]] = {}
    for m, _ in doc.work.get("toponyms", []):
        text = doc.segment_text(m.segment)
        if m.source == "country" or text[m.start:m.end] != m.text:
            continue
        name = _strip(m.text, user_dir)[1]
        cands = idx.lookup(name)
        if not cands:
            continue
        outer = container(text, m.end, idx, {s: a for (g, s), a in states.items() if g == m.segment})
        inside = {c.id for c in cands if any(within(c, o) for o in outer)}
        if inside:
            out.setdefault(fold(name), set()).update(inside)
        elif all(c.kind == "city" for c in cands) and any(o.kind == "country" or o.level == 1 for o in outer):
            out.setdefault(fold(name), set())
    return out


def _state_name(e, m, kb) -> bool:
    """A state's name: from the states' table, or one of a state's names that the hand-made kb
    lists as a territory ("Taiwan", "Kosovo", "Palestine": places at country precision; not
    "Puntland", a part of Somalia that acts on its own)."""
    return m.source == "country" or (m.source == "name" and (e.actor, fold(m.text)) in kb.state_names)


def choose(cands, context: Counter) -> geo.Candidate | None:
    if not cands:
        return None
    total = sum(context.values()) or 1

    def score(c: geo.Candidate) -> float:
        # a division weighs a tenth of its people against a town of the same name ("Ontario",
        # the province, over Ontario, California; Bari, the Italian city, over the Somali region)
        s = math.log10((c.population / 10 if c.level else c.population) + 10)
        s += 6 * context.get(c.country, 0) / total + (2 if c.country in context else 0)
        s += 0.5 if c.primary else 0
        # a region, sea or range of the hand-made table is what news means by the name, even
        # against a town of the document's state ("Middle East", a Baltimore neighbourhood)
        s += 5 if c.kind in ("region", "water", "area", "mountain") and not c.level else 0
        return s

    return max(cands, key=score)


def _strip(surface: str, user_dir: str) -> tuple[int, str]:
    """Drop leading determiners and generic place words; return (chars dropped, rest)."""
    return _strip_words(surface, DETERMINERS + prefixes(user_dir))


def _strip_determiners(surface: str) -> tuple[int, str]:
    return _strip_words(surface, DETERMINERS)


def _strip_words(surface: str, words) -> tuple[int, str]:
    """Drop the leading words (a word ending in an apostrophe is elided: "l'")."""
    cut = 0
    while True:
        low = fold(surface[cut:])
        for p in words:
            elided = p.endswith("'")
            if low.startswith(p) and len(low) > len(p) and (elided or low[len(p)] == " "):
                cut += len(p) + (0 if elided else 1)
                break
        else:
            return cut, surface[cut:]


def _facility_place(name: str) -> list[tuple[int, int, str]]:
    """The place a facility's name starts or ends with, longest first: "Mwanza District
    Hospital" → Mwanza District, Mwanza; "Hôpital de Gao" → Gao. None when no word of the
    name says it is a facility."""
    head = FACILITY.search(name)
    if head is None:
        return []
    after = FACILITY_OF.match(name, head.end())
    if head.start() == 0 and after:  # "Hôpital de Gao", "University of Nairobi"
        return [(after.end(), len(name), name[after.end():])]
    words = name[:head.start()].rstrip().split(" ")
    return [(0, len(p), p) for p in (" ".join(words[:n]) for n in range(len(words), 0, -1)) if p]


def _hyphen_parts(start: int, word: str) -> list[tuple[int, int, str]]:
    """The word itself, then its hyphenated parts when it has any."""
    out, pos = [(start, start + len(word), word)], start
    if "-" in word:
        for part in word.split("-"):
            out.append((pos, pos + len(part), part))
            pos += len(part) + 1
    return out


def places(doc: Document, ctx: Context) -> Document:
    opts = ctx.options
    idx = geo.index(opts.data_dir, opts.min_population)
    kb = load(opts.kb_dir)
    context: Counter = Counter()
    for e in doc.entities:
        if e.actor in kb.alpha2:
            context[kb.alpha2[e.actor]] += len(e.mentions)

    for state in doc.work.get("implied_states", {}):  # "Ille-et-Vilaine" puts the story in France
        context[state] += 1
    found: dict[tuple, Place] = {}
    stop = not_places(opts.kb_dir)
    texts = {}
    states = {}  # (segment, start) of a state's name → its alpha-2, for "Gao, au Mali"
    for e in doc.entities:
        if e.actor in kb.alpha2 and e.type == "GPE":
            for m in e.mentions:
                if _state_name(e, m, kb):
                    states[(m.segment, m.start)] = kb.alpha2[e.actor]

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
                if _state_name(e, m, kb) and country:
                    add(geo.Candidate(country.id, e.name, country.lat, country.lon, country.country, 0,
                                      "country", True), m, m.text)
    written = _written_containers(doc, idx, states, opts.kb_dir)
    told = {(m.segment, m.start, m.end) for e in doc.entities if e.actor in kb.alpha2 and e.type == "GPE"
            for m in e.mentions if _state_name(e, m, kb)}
    for m, hint in doc.work.get("toponyms", []):
        if m.source == "country" or (m.segment, m.start, m.end) in told:
            continue
        text = texts.get(m.segment)
        if text is None:
            text = texts[m.segment] = doc.segment_text(m.segment)
        cut, name = _strip(m.text, opts.kb_dir)
        whole = _strip_determiners(m.text)
        if whole[1] != name and idx.lookup(whole[1]):  # "province de Kunduz": the division, not the town
            cut, name = whole
        end = m.end
        before = DIVISION_BEFORE.search(text, max(0, m.start - 30), m.start) if text[m.start:m.end] == m.text else None
        shown = name  # the name as the mention keeps it, without the kind of division around it
        if before and cut == 0 and idx.lookup(before.group(1) + name):  # "la région de Kherson"
            name = before.group(1) + name
        after = None if name != shown else DIVISION_AFTER.match(text, m.end, min(len(text), m.end + 20)) if text[m.start:m.end] == m.text else None
        if after and idx.lookup(f"{name} {after.group(1)}"):  # "the Donetsk region": looked up with its
            name = f"{name} {after.group(1)}"  # kind, kept without it, as "région de" is
        if fold(name) in stop:
            continue
        cands = idx.lookup(name)
        if not cands and m.source in ("ner", "gazetteer") and len(name) >= 6:  # "Villeurbane": a letter dropped
            cands = [c for c in idx.lookup_loose(name) if c.kind != "city" or (c.country in context and c.population >= TOWN)]
        # a generated division by its bare name alone, found by the gazetteer: only where the document is
        if m.source in ("ner-part", "gazetteer") and not qualified(name):
            cands = [c for c in cands if not c.level or c.country in context]
        inside = written.get(fold(name))
        if inside is not None:  # the document says once where this name is: every mention follows
            cands = [c for c in cands if c.id in inside]
        elif hint:  # a capital written for its state: that state's city
            cands = [c for c in cands if c.country == hint] or cands
        if inside is not None:
            pass
        elif m.source in ("ner-part", "gazetteer"):  # only where the document is, a region, or a big city
            cands = [c for c in cands if c.country in context or (m.source == "gazetteer" and (
                c.kind != "city" or c.population >= BIG_CITY))]
        elif not any(c.country in context or c.kind != "city" or c.population >= TOWN for c in cands):
            cands = []  # a village abroad that shares the name: not a point we can stand by
        cand = choose(cands, context)
        if cand is None and inside is None:  # "autoroute Erevan-Goris", "base de Gyumri": the names inside
            start = m.start + cut
            pieces = [(start + a, start + b, name[a:b]) for a, b in capitalised_runs(name, 0, len(name))]
            pieces = [p for p in pieces if p[2] != name] or pieces
            # "Iju de Lagos", "Gulf of Aden": the names a connector joins, each on its own
            pieces += [(a + x.start(), a + x.end(), x.group()) for a, _, w in pieces if CONNECTED.search(w)
                       for x in BARE_RUN.finditer(w)]
            pieces = [(a, b, w) for a, b, w in pieces for a, b, w in _hyphen_parts(a, w)]
            # a name found inside a longer one counts only in a country the document is about
            hits = [(choose([c for c in idx.lookup(w) if c.country in context], context), a, b, w)
                    for a, b, w in pieces if fold(w) not in stop]
            hits = [h for h in hits if h[0] is not None]
            if hits:
                for pc, a, b, w in hits:
                    add(pc, Mention(w, a, b, m.segment, m.source), w)
                continue
            if m.source != "ner":  # a piece or a guess that is no place: nothing to keep
                continue
        add(cand, Mention(shown, m.start + cut, end, m.segment, m.source), shown)
    for e in doc.entities:  # "Mwanza District Hospital", "l'hôpital de Gao": where the body stands
        if e.type != "ORG":
            continue
        for m in e.mentions:
            if m.source != "ner":
                continue
            for a, b, w in _facility_place(m.text):
                hit = choose([c for c in idx.lookup(w) if c.country in context and c.kind != "country"], context)
                if hit is not None and fold(w) not in stop:
                    add(hit, Mention(w, m.start + a, m.start + b, m.segment, "facility"), w)
                    break
    doc.places = sorted(found.values(), key=lambda p: (not p.resolved, -len(p.mentions), p.name))
    return doc


STAGE = Stage("places", places, requires=("entities", "toponyms"), provides=("places",))
