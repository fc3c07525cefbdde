"""Stored links (linkstore.py) equal the links computed from every document (links.py, the
reference): the same links in the same order with the same notes, the same clusters and the same
desk index, on real pages (the examples, VOA stories, Wikinews and seed pages, and a page of ours
revised), whatever the order the documents were stored in, on a database from before migration
008, and on PostgreSQL."""
from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from conftest import EXAMPLES
from sqlalchemy import select, text

from veille import Veille, linkstore
from veille import links as ref
from veille.errors import QueryError
from veille.store import Store, documents
from veille.views import build_cluster_index

SHARED = Path(__file__).resolve().parents[2] / "shared"
VOA_LINES = (4, 5, 6, 17, 19, 24, 26, 27, 28, 29)  # Ukraine's ceasefire, Somalia, Pakistan's train attack
WIKINEWS = ("43971.html", "44046.html", "44145.html")
TOLL_A = ("Frappe sur Kharkiv\n\n5 avril 2024\n\nUn missile russe a frappé vendredi un immeuble du centre de Kharkiv, "
          "faisant 12 morts, selon le gouverneur régional.\n")
TOLL_B = ("Kharkiv strike\n\nApr 5, 2024\n\nA Russian missile struck an apartment block in central Kharkiv on Friday, "
          "killing 13 people, the regional governor said.\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, dbs):
    """Real pages ingested through ``Veille.ingest`` (each linked as it is stored), then a page revised."""
    d = tmp_path_factory.mktemp("corpus")
    lines = (SHARED / "corpus" / "voa-en" / "voa_stories.jsonl").read_text(encoding="utf-8").splitlines()
    (d / "voa.jsonl").write_text("".join(lines[i] + "\n" for i in VOA_LINES), encoding="utf-8")
    (d / "toll.txt").write_text(TOLL_A, encoding="utf-8")
    (d / "other.txt").write_text(TOLL_B, encoding="utf-8")
    v = Veille(db=dbs.url(d, "v.db"), progress=False, workers=2)
    inputs = [str(EXAMPLES), str(d / "voa.jsonl"), str(SHARED / "seeds"), str(d / "toll.txt"), str(d / "other.txt")]
    report = v.ingest(inputs + [str(SHARED / "corpus" / "wikinews-fr" / name) for name in WIKINEWS])
    assert not report.failed and len(report.stored) > 20
    (d / "toll.txt").write_text(TOLL_A.replace("12 morts", "13 morts"), encoding="utf-8")
    [revised] = v.ingest([str(d / "toll.txt")]).stored
    assert revised.revision == 2
    return v


def reference(store: Store) -> dict:
    """What links.py computes from every stored document."""
    docs = store.link_documents()
    return {"links": ref.same_events(docs) + ref.event_claim_matches(docs) + ref.contradictions(docs),
            "clusters": ref.clusters(docs), "index": _index(build_cluster_index(docs))}


def stored(v: Veille) -> dict:
    return {"links": v.links(), "clusters": v.clusters(), "index": _index(build_cluster_index(v.store))}


def _index(index) -> dict:
    return {"clusters": {k: (c.members, c.sources, c.record, c.contradictions) for k, c in index.clusters.items()},
            "by_event": {k: c.id for k, c in index.by_event.items()}}


def all_revisions(store: Store) -> list:
    """Every stored document, each revision as stored (revisions of one source in their order)."""
    rows = store.read(select(documents.c.id, documents.c.source, documents.c.revision)
                      .order_by(documents.c.source, documents.c.revision))
    return [store.get(r.id) for r in rows]


def test_stored_links_equal_the_reference(corpus):
    got, want = stored(corpus), reference(corpus.store)
    kinds = [link["kind"] for link in want["links"]]
    assert kinds.count("same_event") >= 10 and kinds.count("contradiction") >= 5, kinds  # something to compare
    assert len(want["clusters"]) >= 5 and want["index"]["clusters"]
    assert any("and a claim" in link["note"] for link in want["links"])  # an event told as a claim elsewhere
    assert got == want
    assert corpus.links(kind="contradiction") == [link for link in want["links"] if link["kind"] == "contradiction"]
    assert corpus.links(kind="same_event") == [link for link in want["links"] if link["kind"] == "same_event"]
    with pytest.raises(QueryError, match="contradictions: not a kind of link"):
        corpus.links(kind="contradictions")
    per_event = corpus.events(per_event=True)
    assert len(per_event) < len(corpus.events()) and {(h.doc_id, h.n, h.reports, h.sources) for h in per_event}


def test_a_revision_replaces_its_older_links(corpus):
    toll = [link for link in corpus.links() if "toll.txt" in (link["a"]["doc"], link["b"]["doc"])]
    assert [link["kind"] for link in toll] == ["same_event"]  # 13 dead on both sides now: no contradiction
    older = corpus.store.read(select(documents.c.id).where(documents.c.source.like("%toll.txt"),
                                                           documents.c.revision == 1))[0].id
    with corpus.store.engine.connect() as conn:
        for table in linkstore.TABLES:
            column = table.c.a_doc if table is linkstore.link_pairs else table.c.doc_id
            assert conn.execute(select(column).where(column == older)).first() is None, table.name


def _store_in(store: Store, docs: list, link_each: bool) -> None:
    for doc in docs:
        store.save(doc)
        if link_each:  # as Veille.ingest does after each save
            linkstore.link(store, doc.id)


def _shuffled(docs: list, seed: int | None) -> list:
    """The documents in another order (reversed: seed None), the revisions of one source still in theirs."""
    order = docs[::-1]
    if seed is not None:
        random.Random(seed).shuffle(order)
    by_source: dict[str, list] = {}
    for doc in docs:
        by_source.setdefault(doc.source, []).append(doc)
    return [by_source[doc.source].pop(0) for doc in order]


def test_the_order_of_storing_changes_nothing(corpus, tmp_path, dbs):
    want = stored(corpus)
    docs = all_revisions(corpus.store)
    for k, order in enumerate((_shuffled(docs, None), _shuffled(docs, 1), _shuffled(docs, 2), _shuffled(docs, 3))):
        assert k == 0 or order != docs
        v = Veille(db=dbs.url(tmp_path, f"order{k}.db"), progress=False)
        half = len(order) // 2
        _store_in(v.store, order if k < 3 else order[:half], link_each=k < 2)  # 2, 3: linked at the first read
        if k == 3:  # all at once, in memory, as a large database from before migration 008
            linkstore.sync(v.store, bulk_from=half)
            _store_in(v.store, order[half:], link_each=False)  # and then only those stored since
        assert stored(v) == want, k


def test_a_database_from_before_the_stored_links_gets_them(corpus, tmp_path, dbs):
    if dbs.postgres:  # a copy of the corpus's database (no one may be connected to it meanwhile)
        corpus.store.engine.dispose()
        db = dbs.server.copydb(corpus.store.target.url.database, "old_links")
    else:
        db = tmp_path / "old.db"
        with sqlite3.connect(corpus.store.target.path) as src, sqlite3.connect(db) as dst:
            src.backup(dst)  # the file and what its write-ahead log holds
    with Store(str(db)).engine.begin() as conn:  # as a database written by veille before migration 008
        for table in (*linkstore.TABLES, linkstore.link_state, linkstore.link_cache):
            conn.execute(text(f"DROP TABLE {table.name}"))
        conn.execute(text("DELETE FROM migrations WHERE name = '008_links'"))
    v = Veille(db=str(db), progress=False)  # migrates: the tables, empty
    with v.store.engine.connect() as conn:
        assert conn.execute(select(linkstore.link_docs.c.doc_id)).first() is None
    assert stored(v) == stored(corpus)  # linked at the first read
    with v.store.engine.connect() as conn:
        linked = conn.execute(select(linkstore.link_docs.c.doc_id)).scalars().all()
    assert len(linked) == len(corpus.store.latest())


def test_links_on_postgresql(corpus, pg_server):
    url = pg_server.createdb("veille_links")
    v = Veille(db=url, progress=False)
    docs = all_revisions(corpus.store)
    _store_in(v.store, docs[: len(docs) // 2], link_each=True)
    _store_in(v.store, docs[len(docs) // 2:], link_each=False)
    want = stored(corpus)
    assert stored(v) == want
    assert reference(v.store) == want
    assert json.dumps(v.clusters(), sort_keys=True) == json.dumps(corpus.clusters(), sort_keys=True)
