"""Store: idempotent re-ingest, revisions, migrations, full-text search, one transaction a document."""
import sqlite3

import pytest
from sqlalchemy import text

from veille.errors import NotFoundError, StoreError
from veille.store import MIGRATIONS

TEXT = ("Titre\n\nUne colonne de blindés a été vue jeudi près de la ville frontalière, "
        "selon des images vérifiées par plusieurs rédactions.\n")


def test_same_content_twice_changes_nothing(fresh, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    first = fresh.ingest([str(p)])
    again = fresh.ingest([str(p)])
    assert len(first.stored) == 1 and len(again.unchanged) == 1
    assert fresh.store.count() == 1


def test_changed_file_is_a_new_revision(fresh, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    fresh.ingest([str(p)])
    p.write_text(TEXT.replace("jeudi", "vendredi"), encoding="utf-8")
    second = fresh.ingest([str(p)])
    assert second.stored[0].revision == 2
    assert fresh.store.count() == 2
    [latest] = fresh.documents()
    assert "vendredi" in latest.text


def test_migrations_are_named_and_recorded(fresh):
    names = [r[0] for r in fresh.store.read(text("SELECT name FROM migrations ORDER BY name"))]
    assert names == [n for n, _ in MIGRATIONS]
    if fresh.store.engine.dialect.name == "sqlite":
        db = sqlite3.connect(fresh.options.db)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_search_finds_words_without_accents(fresh, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    fresh.ingest([str(p)])
    hits = fresh.search("blindes frontaliere")
    assert len(hits) == 1 and "[blindés]" in hits[0]["snippet"]
    assert fresh.search("sous-marin") == []


def test_failed_write_leaves_nothing_half_written(fresh, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    fresh.ingest([str(p)])
    from veille.readers import RawInput

    doc = fresh.process(RawInput("other.txt", "txt", TEXT.replace("jeudi", "lundi")))
    from veille.model import Entity

    doc.entities.append(Entity("bad", "Bad", None))  # NOT NULL on entities.type: the whole document rolls back
    with pytest.raises(StoreError):
        fresh.store.save(doc)
    assert fresh.store.count() == 1
    with pytest.raises(NotFoundError):
        fresh.show(doc.id)


def test_unknown_document_is_a_typed_error(fresh):
    with pytest.raises(NotFoundError, match="no such document"):
        fresh.show("nope")


def _event_doc(doc_id: str, title: str, evidence: str):
    from veille.model import Document, Event

    ev = Event(type="ASSAULT", mode=None, source=["RUS"], target=["UKR"], date="2024-03-01", date_precision="day",
               date_from=None, place=None, quantities={}, attributed_to=None, modality="asserted", evidence=evidence,
               start=0, end=len(evidence), trigger="", trigger_start=0, trigger_end=0, confidence=1.0)
    return Document(id=doc_id, source=f"{doc_id}.txt", kind="txt", raw="", title=title, text=evidence, events=[ev])


def test_event_text_filter_reads_the_full_text_index(fresh):
    """Words of the sentence or the title, accents aside, whole or as a word's start; text that
    looks like FTS5 syntax is only text."""
    from veille.query import EventQuery

    store = fresh.store
    store.save(_event_doc("d1", "Frappes sur Odessa", "Des drones ont visé le port céréalier."))
    store.save(_event_doc("d2", "Bombardement à Kharkiv", "L'artillerie a touché un dépôt pétrolier."))
    found = lambda words: sorted(h.doc_id for h in store.events(EventQuery(text=words)))
    assert found("drone") == ["d1"]          # a word's start
    assert found("cerealier") == ["d1"]      # accents aside
    assert found("odessa port") == ["d1"]    # title and sentence together
    assert found("kharkiv drones") == []     # every word must be found
    assert found("pétrolier") == ["d2"]
    assert found("rone") == []               # inside a word: no
    for syntax in ('" OR drones', "NEAR(drones port)", "drones*", "AND", "-", "d1:*"):
        found(syntax)  # no FTS5 syntax error, whatever the words
    assert found('drones"') == ["d1"]
    assert found("-") == []
