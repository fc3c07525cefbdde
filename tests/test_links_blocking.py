"""Links compare only candidate pairs (same type, a source in common, dates within a window):
the result must be exactly what comparing every pair gives, in the same order."""
import random
from itertools import combinations

from veille import links
from veille.model import Document, Event

WORDS = "pipeline refinery tanker convoy bridge harbour airfield depot border village".split()
TYPES = ("ASSAULT", "COERCE", "CONSULT", "AID")
ACTORS = ("RUS", "UKR", "AZE", "ARM", "USA")
PLACES = ({"name": "Kherson", "lat": 46.63, "lon": 32.61, "country": "UA", "kind": "city"},
          {"name": "Odesa", "lat": 46.48, "lon": 30.72, "country": "UA", "kind": "city"},
          {"name": "Ukraine", "lat": 49.0, "lon": 32.0, "country": "UA", "kind": "country"}, None)
DATES = ((None, None), ("2024-03-01", "day"), ("2024-03-03", "day"), ("2024-03-09", "day"), ("2024-03", "month"),
         ("2024-05-20", "day"), ("2024", "year"), ("2025-02-01", "day"), ("2023-01-15", "day"))


def _event(rng: random.Random, k: int) -> Event:
    date, precision = rng.choice(DATES)
    return Event(type=rng.choice(TYPES), mode=None, source=rng.sample(ACTORS, rng.choice((1, 1, 2))),
                 target=rng.sample(ACTORS, rng.choice((0, 1))), date=date, date_precision=precision,
                 date_from="sentence" if date else None, place=rng.choice(PLACES), quantities={},
                 attributed_to=None, modality=rng.choice(("asserted", "asserted", "hypothetical")),
                 evidence=" ".join(rng.sample(WORDS, 3)) + f" item{k}", start=k * 10, end=k * 10 + 9,
                 trigger="", trigger_start=0, trigger_end=0, confidence=1.0)


def _docs(seed: int) -> list[Document]:
    rng = random.Random(seed)
    return [Document(id=f"d{i:02d}", source=f"d{i}.txt", kind="txt", raw="", language="en",
                     events=[_event(rng, k) for k in range(rng.randint(0, 6))]) for i in range(25)]


def _every_pair(docs):
    items = [(d, e) for d in sorted(docs, key=lambda d: d.id) for e in d.events if e.modality != "hypothetical"]
    found = []
    for (da, ea), (db, eb) in combinations(items, 2):
        if da.id == db.id or not links.compatible(ea, eb):
            continue
        shared = links.stems(ea, "en") & links.stems(eb, "en")
        if len(shared) < 2 and not ((shared or ea.type not in links.FREQUENT) and links._both_placed(ea, eb)):
            continue
        found.append((len(shared), da.id, ea.start, db.id, eb.start))
    return sorted(found, key=lambda x: -x[0])


def test_candidate_pairs_give_what_every_pair_gives():
    total = 0
    for seed in range(8):
        docs = _docs(seed)
        got = [(m[0], m[1].id, m[2].start, m[3].id, m[4].start) for m in links.matches(docs)]
        assert got == _every_pair(docs)
        total += len(got)
    assert total > 50  # the sets do hold matches, so the comparison means something


def test_far_apart_dates_are_no_candidates():
    rng = random.Random(1)
    a, b = _event(rng, 1), _event(rng, 2)
    for e, day in ((a, "2024-03-01"), (b, "2024-03-20")):
        e.type, e.source, e.date, e.date_precision, e.modality = "ASSAULT", ["RUS"], day, "day", "asserted"
    items = [(Document(id="x", source="x", kind="txt", raw=""), a), (Document(id="y", source="y", kind="txt", raw=""), b)]
    assert list(links._candidates(items)) == []
    b.date, b.date_precision = "2024-03", "month"  # a month's window (45 days) reaches it
    assert list(links._candidates(items)) == [(0, 1)]
    b.date = None  # an undated event meets every event of its type and actor
    assert list(links._candidates(items)) == [(0, 1)]
    b.source = ["UKR"]
    assert list(links._candidates(items)) == []


def test_each_candidate_pair_comes_once():
    for seed in range(8):
        docs = _docs(seed)
        items = [(d, e) for d in docs for e in d.events]
        pairs = list(links._candidates(items))
        assert len(pairs) == len(set(pairs)) and all(i < j for i, j in pairs)
