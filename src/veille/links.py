"""Corpus links: the same event told by several documents.

Two events of different documents are one event when their types match, their
sources overlap, their targets do not contradict, their places lie within a radius
that depends on how precise each is, their dates fall within a window that depends on
their precision, and their sentences share words that are neither common nor words
of the event lexicons, weapons or states ("Socar", "pétrolier", "militaire"): two, or
one when both events stand in the same country (none for events rarer than attacks). Links
are computed from the stored events alone, so the order of ingestion and re-ingesting
change nothing.

The functions here compute every link from a list of documents: the reference. ``linkstore``
keeps the links in the store and compares only the pairs that touch each document as it is
stored, judging each pair by the same functions (``compatible``, ``told_as_one``,
``same_event_link``, ``figure_links``, ``event_claim_link``, ``claim_contradiction``).
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from itertools import combinations

from veille.export import doc_name
from veille.geo import km
from veille.lexicon import fold
from veille.model import Document, Event

RADIUS_KM = {"city": 60, "region": 250, "water": 300, "area": 300, "mountain": 250}
WINDOW_DAYS = {"day": 3, "month": 45, "year": 400}
FREQUENT = ("ASSAULT", "COERCE")  # so many in a war that actors and country do not single one out
STEM = 6  # French and English words meet on their first letters ("pétrolier", "pétrolières")


@lru_cache(maxsize=4)
def _ignored(lang: str) -> frozenset[str]:
    """Words that say nothing about which event it is: stop words, event words, weapons, states."""
    from spacy.util import get_lang_class

    from veille.coding.lexicon import load
    from veille.kb import load as load_kb

    lex = load(lang)
    words = {fold(w) for w in get_lang_class(lang).Defaults.stop_words}
    words |= {k for key in lex.triggers for k in key} | {k for key in lex.modes for k in key}
    words |= {k for keys in lex.cues.values() for key in keys for k in key}
    words |= {k for key, aliases in load_kb().gazetteer.index.items()
              if any(a.kind in ("country", "demonym", "metonym") for a in aliases) for k in key}
    return frozenset(words)


@lru_cache(maxsize=4)
def _ignored_for_claims(lang: str) -> frozenset[str]:
    """As ``_ignored``, but a weapon is what a claim is about ("obus"): keep those words."""
    from veille.coding.lexicon import load

    modes = {k for key in load(lang).modes for k in key}
    return frozenset(w for w in _ignored(lang) if w not in modes)


@lru_cache(maxsize=8)
def _ignored_stems(lang: str, for_claims: bool) -> tuple[frozenset[str], frozenset[str]]:
    """The ignored words and their stems, made once (not once per event: the lists are long)."""
    ignored = _ignored_for_claims(lang) if for_claims else _ignored(lang)
    return ignored, frozenset(w[:STEM] for w in ignored if len(w) >= STEM)


def stems(ev: Event, lang: str, for_claims: bool = False) -> set[str]:
    return words(ev.evidence, lang, for_claims)


def words(text: str, lang: str, for_claims: bool = False) -> set[str]:
    """The telling words of a sentence, as their stems (see ``stems``)."""
    lang = lang if lang in ("fr", "en") else "fr"
    ignored, ignored_stems = _ignored_stems(lang, for_claims)
    return {w[:STEM] for w in re.findall(r"\w{4,}", fold(text))
            if w not in ignored and w[:STEM] not in ignored_stems and not w.isdigit()}


def _both_placed(a: Event, b: Event) -> bool:
    return bool(a.place and b.place and a.place.get("country") and a.place.get("country") == b.place.get("country"))


def _day(value: str | None) -> date | None:
    if not value:
        return None
    parts = (value + "-01-01")[:10].split("-") if len(value) < 10 else value.split("-")
    try:
        return date(int(parts[0]), int(parts[1] or 1), int(parts[2] or 1))
    except (ValueError, IndexError):
        return None


def compatible(a: Event, b: Event) -> bool:
    if a.type != b.type or not set(a.source) & set(b.source):
        return False
    if a.target and b.target and not set(a.target) & set(b.target):
        return False
    if a.place and b.place and a.place.get("lat") is not None and b.place.get("lat") is not None:
        kinds = (a.place.get("kind"), b.place.get("kind"))
        if "country" in kinds:
            if a.place.get("country") != b.place.get("country"):
                return False
        else:
            radius = max(RADIUS_KM.get(k or "city", 60) for k in kinds)
            if km(a.place["lat"], a.place["lon"], b.place["lat"], b.place["lon"]) > radius:
                return False
    da, db = _day(a.date), _day(b.date)
    if da and db:
        window = max(WINDOW_DAYS.get(a.date_precision or "day", 3), WINDOW_DAYS.get(b.date_precision or "day", 3))
        if abs((da - db).days) > window:
            return False
    return True


def told_as_one(ea: Event, eb: Event, shared: set[str]) -> bool:
    """Two compatible events of two documents, sharing these words, are one event: two telling words
    in common, or one and the same country on both sides; a rarer, non-violent event (a deployment,
    a delivery) needs only the same country."""
    return len(shared) >= 2 or bool((shared or ea.type not in FREQUENT) and _both_placed(ea, eb))


def matches(docs: list[Document]) -> list[tuple]:
    """(shared words, doc a, event a, doc b, event b) for every pair told as one event.

    Only candidate pairs are compared (``_candidates``): the same result as comparing every
    pair, in the same order, in a time that grows with the events of one type, actor and
    period rather than with the square of all events."""
    items = [(d, e) for d in sorted(docs, key=lambda d: d.id) for e in d.events if e.modality != "hypothetical"]
    words: dict[int, set[str]] = {}

    def stems_of(i: int) -> set[str]:
        if i not in words:
            d, e = items[i]
            words[i] = stems(e, d.language or "fr")
        return words[i]

    found = []
    for i, j in _candidates(items):
        (da, ea), (db, eb) = items[i], items[j]
        if da.id == db.id or not compatible(ea, eb):
            continue
        shared = stems_of(i) & stems_of(j)
        if not told_as_one(ea, eb, shared):
            continue
        found.append((i, j, (len(shared), da, ea, db, eb, shared)))
    found.sort(key=lambda x: (x[0], x[1]))  # the order of every pair's comparison, then the closest first
    return sorted((m for _, _, m in found), key=lambda m: -m[0])


def _candidates(items: list[tuple[Document, Event]]):
    """The pairs (i, j), i < j, that ``compatible`` could accept, each once: the same type, a
    source actor in common (met in the block of the first one they share), and dates within
    the wider of their two windows (an undated event meets every event of its block)."""
    from bisect import bisect_left, bisect_right

    blocks: dict[tuple[str, str], list[int]] = {}
    for i, (_, e) in enumerate(items):
        for actor in set(e.source):
            blocks.setdefault((e.type, actor), []).append(i)
    days = [_day(e.date) for _, e in items]
    windows = [WINDOW_DAYS.get(e.date_precision or "day", 3) for _, e in items]
    for (_, actor), members in blocks.items():
        def first_block(i, j):  # the pair is met in this block only if it is their first shared actor
            return min(set(items[i][1].source) & set(items[j][1].source)) == actor
        dated = sorted((days[i].toordinal(), i) for i in members if days[i] is not None)
        undated = [i for i in members if days[i] is None]
        for i in undated:
            for j in members:
                if j != i and (days[j] is not None or i < j) and first_block(i, j):
                    yield (min(i, j), max(i, j))
        ordinals = [d for d, _ in dated]
        for day, i in dated:
            for other, j in dated[bisect_left(ordinals, day - windows[i]):bisect_right(ordinals, day + windows[i])]:
                # found from both sides when within both windows: the lower index says it
                if j != i and (abs(day - other) > windows[j] or i < j) and first_block(i, j):
                    yield (min(i, j), max(i, j))


def claim_told_as_event(claim: dict, events: list[Event]) -> bool:
    """The claim's sentence tells an event of its own document: the event links speak for it."""
    return any(claim["evidence"] == e.evidence for e in events)


def event_claim_link(name_a: str, ea: Event, words_a: set[str], name_b: str, claim: dict,
                     words_b: set[str]) -> dict | None:
    """The link between an event (document ``name_a``) and a claim of another document when they
    share an actor and three telling words (``words``, ``for_claims``), else None."""
    if not set(claim.get("actors", ())) & (set(ea.source) | set(ea.target)):
        return None
    shared = words_a & words_b
    if len(shared) < 3:  # no type, place or date to agree on: more words
        return None
    return {"kind": "same_event",
            "a": {"doc": name_a, "evidence": ea.evidence, "offsets": [ea.segment, ea.start, ea.end]},
            "b": {"doc": name_b, "evidence": claim["evidence"], "offsets": claim.get("offsets")},
            "note": f"{ea.type} and a claim ({claim['subject']}); shared words: {', '.join(sorted(shared))}"}


def event_claim_matches(docs: list[Document]) -> list[dict]:
    """An event told in one page and a claim about the same thing in another ("lance la
    production en série d'obus … et les envoie" / "a commencé à produire des obus de 122
    et 155 millimètres"): shared actors and three telling words in common."""
    out = []
    for da in sorted(docs, key=lambda d: d.id):
        for ea in da.events:
            if ea.modality == "hypothetical":
                continue
            words_a = stems(ea, da.language or "fr", for_claims=True)
            for db in sorted(docs, key=lambda d: d.id):
                if db.id == da.id:
                    continue
                for c in db.claims:
                    if not set(c.get("actors", ())) & (set(ea.source) | set(ea.target)):
                        continue
                    if claim_told_as_event(c, db.events):
                        continue
                    link = event_claim_link(doc_name(da), ea, words_a, doc_name(db), c,
                                            words(c["evidence"], db.language or "fr", for_claims=True))
                    if link:
                        out.append(link)
    return out


def same_event_link(name_a: str, ea: Event, name_b: str, eb: Event, shared: set[str]) -> dict:
    return {
        "kind": "same_event",
        "a": {"doc": name_a, "evidence": ea.evidence, "offsets": [ea.segment, ea.start, ea.end]},
        "b": {"doc": name_b, "evidence": eb.evidence, "offsets": [eb.segment, eb.start, eb.end]},
        "note": f"{ea.type}{'/' + ea.mode if ea.mode else ''} {','.join(ea.source)}→{','.join(ea.target) or '?'}"
                f"; shared words: {', '.join(sorted(shared))}",
    }


def same_events(docs: list[Document]) -> list[dict]:
    """One link per pair of documents and pair of matching events, the closest first."""
    links, seen = [], set()
    for score, da, ea, db, eb, shared in matches(docs):
        key = (da.id, db.id, ea.evidence, eb.evidence)
        if key in seen:
            continue
        seen.add(key)
        links.append(same_event_link(doc_name(da), ea, doc_name(db), eb, shared))
    return links


def figure_links(name_a: str, ea: Event, name_b: str, eb: Event) -> list[dict]:
    """The tolls two events told as one disagree on ("12 killed" here, "13 killed" there)."""
    out = []
    for key in sorted(set(ea.quantities) & set(eb.quantities)):
        if ea.quantities[key] != eb.quantities[key]:
            out.append({"kind": "contradiction",
                        "a": {"doc": name_a, "evidence": ea.evidence, "offsets": [ea.segment, ea.start, ea.end]},
                        "b": {"doc": name_b, "evidence": eb.evidence, "offsets": [eb.segment, eb.start, eb.end]},
                        "note": f"same {ea.type.lower()}, {key}: {ea.quantities[key]:g} vs {eb.quantities[key]:g}"})
    return out


def figure_contradictions(docs: list[Document], found: list[tuple] | None = None) -> list[dict]:
    """One event, two tolls: "12 killed" here, "13 killed" there. ``found``: ``matches(docs)``, if known."""
    out = []
    for _, da, ea, db, eb, _ in matches(docs) if found is None else found:
        out += figure_links(doc_name(da), ea, doc_name(db), eb)
    return out


CLAIM_KINDS = ("measure", "inform")  # the kinds of claims that can contradict one another


def claim_contradiction(same_doc: bool, name_a: str, a: dict, name_b: str, b: dict) -> dict | None:
    """The contradiction between two claims (``a`` before ``b`` in the corpus' order), else None."""
    if a.get("kind") != b.get("kind") or not set(a.get("actors", ())) & set(b.get("actors", ())):
        return None
    if a["kind"] == "measure":
        va, vb = set(a["value"]), set(b["value"])
        if same_doc or a["unit"] != b["unit"] or va == vb:
            return None
        if not (va & vb or (len(va) == len(vb) == 1)):
            return None
        note = f"{a['unit']}: {sorted(va)} vs {sorted(vb)}"
    elif a["kind"] == "inform":
        if a["value"] == b["value"] and a.get("told") == b.get("told"):
            return None
        note = f"who informed whom: {a['value']!r} ({a.get('attributed_to') or '?'}) vs {b['value']!r} " \
               f"({b.get('attributed_to') or '?'})"
    else:
        return None
    return {"kind": "contradiction", "a": {"doc": name_a, "evidence": a["evidence"], "offsets": a.get("offsets")},
            "b": {"doc": name_b, "evidence": b["evidence"], "offsets": b.get("offsets")}, "note": note}


def contradictions(docs: list[Document], found: list[tuple] | None = None,
                   touching: set[tuple[str, int]] | None = None) -> list[dict]:
    """Claims about one thing that disagree: two measures of the same unit about the same
    actors whose figures differ (with one in common, or one figure each), or two accounts
    of who told whom, and when, that give different times. ``touching``: only the pairs of
    which one claim stands at one of these (document id, sentence start), as the desk's
    cluster index needs; pairing every claim grows with the square of the claims on an actor."""
    items = [(d, c) for d in sorted(docs, key=lambda d: d.id) for c in d.claims]
    blocks: dict[tuple, list[int]] = {}  # only claims of one kind about a common actor are compared
    for i, (_, c) in enumerate(items):
        for actor in set(c.get("actors", ())):
            blocks.setdefault((c.get("kind"), actor), []).append(i)
    if touching is None:
        pairs = sorted({(i, j) for members in blocks.values() for i, j in combinations(members, 2)})
    else:
        chosen = {i for i, (d, c) in enumerate(items) if (d.id, (c.get("offsets") or [None, None])[1]) in touching}
        pairs = sorted({(min(i, j), max(i, j)) for members in blocks.values()
                        for i in members if i in chosen for j in members if j != i})
    out = []
    for i, j in pairs:
        (da, a), (db, b) = items[i], items[j]
        link = claim_contradiction(da.id == db.id, doc_name(da), a, doc_name(db), b)
        if link:
            out.append(link)
    return out + figure_contradictions(docs, found)


TEMPLATE_REASONS = ("comment widget", "template placeholder", "form message", "empty-list placeholder",
                    "load-more button", "comment section", "share button", "widget placeholder")


def outlet(doc: Document) -> str:
    """Who published a page: its site when known; else pages that carry the very same
    widget and teaser lines come from one template, so one outlet."""
    if doc.site:
        return fold(doc.site)
    template = sorted({d.text.strip() for d in doc.dropped if d.reason in TEMPLATE_REASONS})
    if len(template) >= 3:
        import hashlib

        return "template:" + hashlib.sha1("\n".join(template).encode()).hexdigest()[:12]
    return doc_name(doc)


def clusters(docs: list[Document], found: list[tuple] | None = None,
             outlets: dict[str, str] | None = None) -> list[dict]:
    """Events told as one, grouped: each cluster lists its reports and counts its
    independent sources (distinct outlets: see ``outlet``). ``found``: ``matches(docs)``, if known;
    ``outlets``: each document's ``outlet`` by its id, if known."""
    parent: dict[tuple, tuple] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    by_key = {}
    for _, da, ea, db, eb, _ in matches(docs) if found is None else found:
        ka, kb = (da.id, ea.start, ea.type), (db.id, eb.start, eb.type)
        by_key[ka], by_key[kb] = (da, ea), (db, eb)
        parent[find(ka)] = find(kb)
    groups: dict[tuple, list] = {}
    for key in by_key:
        groups.setdefault(find(key), []).append(key)
    out = []
    for members in groups.values():
        members.sort()
        reports = [by_key[k] for k in members]
        first = reports[0][1]
        sources = {outlets[d.id] if outlets is not None else outlet(d) for d, _ in reports}
        out.append({"type": first.type, "mode": first.mode, "source": first.source, "target": first.target,
                    "date": next((e.date for _, e in reports if e.date), None),
                    "place": next((e.place for _, e in reports if e.place), None),
                    "independent_sources": len(sources), "keys": members, "reports": [
                        {"doc": doc_name(d), "evidence": e.evidence, "offsets": [e.segment, e.start, e.end]}
                        for d, e in reports]})
    return sorted(out, key=lambda c: (-c["independent_sources"], c["type"], str(c["date"])))
