"""The desk's cluster index: rebuilt when the store changes; a slow rebuild goes to a thread
while the desk answers with the index it has, marked pending."""
import time

from veille import api
from veille.api import Veille
from veille.model import Document, Event


def _doc(doc_id: str, site: str, evidence: str) -> Document:
    ev = Event(type="ASSAULT", mode=None, source=["RUS"], target=["UKR"], date="2024-03-01", date_precision="day",
               date_from="sentence", place={"name": "Odesa", "lat": 46.48, "lon": 30.72, "country": "UA",
                                            "kind": "city"},
               quantities={}, attributed_to=None, modality="asserted", evidence=evidence, start=0, end=len(evidence),
               trigger="", trigger_start=0, trigger_end=0, confidence=1.0)
    return Document(id=doc_id, source=f"https://{site}/{doc_id}", kind="url", raw="", url=f"https://{site}/{doc_id}",
                    site=site, language="en", title="t", text=evidence, events=[ev])


def test_a_slow_rebuild_is_pending_then_fresh(db_url, monkeypatch):
    v = Veille(db=db_url(), progress=False)
    v.store.save(_doc("a" * 16, "one.example", "Drones struck the grain terminal of Odesa harbour overnight"))
    v.store.save(_doc("b" * 16, "two.example", "Russian drones hit the Odesa harbour grain terminal"))
    first = v.cluster_index()
    assert not first.pending and first.of("a" * 16, 0)[2] == 2  # one event, two outlets

    v.store.save(_doc("c" * 16, "three.example", "The Odesa harbour grain terminal was struck by drones"))
    assert v.cluster_index().of("c" * 16, 0)[2] == 3  # not serving: built here, at once

    v.serving = True
    monkeypatch.setattr(api, "SLOW_CLUSTERS", -1.0)  # every build counts as slow
    v.store.save(_doc("d" * 16, "four.example", "Drones struck the Odesa harbour grain terminal again"))
    answered = v.cluster_index()
    assert answered.pending and answered.of("d" * 16, 0)[2] == 1  # the older index, at once
    deadline = time.time() + 60
    while v.cluster_index().pending and time.time() < deadline:
        time.sleep(0.05)
    fresh = v.cluster_index()
    assert not fresh.pending and fresh.of("d" * 16, 0)[2] == 4


def test_a_kept_timeline_follows_the_store(db_url):
    """The timeline of a filter is kept for the store as it is, and made again once a page is stored."""
    v = Veille(db=db_url(), progress=False)
    v.store.save(_doc("a" * 16, "one.example", "Drones struck the grain terminal of Odesa harbour overnight"))
    counts = lambda: v.timeline(type="ASSAULT")["days"]
    assert counts() == [{"date": "2024-03-01", "counts": {"ASSAULT": 1}}]
    assert counts() is counts()  # kept
    v.store.save(_doc("b" * 16, "two.example", "A missile hit a power plant near Kharkiv on the same day"))
    assert counts() == [{"date": "2024-03-01", "counts": {"ASSAULT": 2}}]
