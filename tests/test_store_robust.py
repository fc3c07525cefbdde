"""The database on bad days, through the real CLI: a database that cannot be written, a folder
that does not exist, a full disk, URLs veille cannot use, two ingests at once, searches too
large, and kill -9 in the middle of a batch. Real documents from ../shared/corpus throughout.

With VEILLE_TEST_DB=postgres the same tests run on PostgreSQL, where a read-only database or role
and a server that goes away mid-batch stand for SQLite's read-only file, folder and mount. A full
disk is not testable there: the disk is the server's, and the tests cannot fill it safely."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from conftest import SHARED, run_cli, veille_bin
from pgserver import USER, PgServer

from veille import Veille
from veille.errors import AlreadyStoredError
from veille.readers import RawInput
from veille.store import MIGRATIONS

WIKI = SHARED / "corpus" / "wikinews-fr"
VOA = SHARED / "corpus" / "voa-en" / "voa_stories.jsonl"
STORED = re.compile(r"^stored +([0-9a-f]{16})(?: revision \d+)?  (\S+)$")
RO_HINT = "nothing can be stored; show, events, search and export still work"


@pytest.fixture(scope="module")
def corpus(shared) -> Path:
    if not WIKI.is_dir() or not VOA.is_file():
        pytest.fail(f"{WIKI} or {VOA} is missing beside the repository")
    return WIKI


def wiki(n: int, start: int = 0) -> list[str]:
    return [str(p) for p in sorted(WIKI.glob("*.html"))[start:start + n]]


def voa_lines(n: int, start: int = 0) -> list[str]:
    return VOA.read_text(encoding="utf-8").splitlines()[start:start + n]


def start(db: str | Path, *inputs: str, cwd: Path, out: Path) -> subprocess.Popen:
    """`veille ingest` in the background; its lines reach us as they are printed."""
    with out.open("w") as err:  # the child keeps its own copy
        return subprocess.Popen([veille_bin(), "--db", str(db), "ingest", *inputs], cwd=cwd, text=True,
                                stdout=subprocess.PIPE, stderr=err,
                                env={**os.environ, "PYTHONUNBUFFERED": "1", "VEILLE_PROGRESS": "0"})


def stored_ids(lines) -> list[str]:
    return [m.group(1) for m in map(STORED.match, lines) if m]


def errors(stderr: str) -> list[str]:
    """The error lines a user sees (the summary and per-document warnings are not errors)."""
    return [line for line in stderr.splitlines()
            if line.strip() and not re.match(r"^\d+ stored, \d+ unchanged, \d+ failed$", line)
            and ": warning: " not in line]


# rows of an event, an actor or a search entry whose document (or event) is not stored
ORPHANS = ("SELECT 'events', e.doc_id FROM events e LEFT JOIN documents d ON d.id = e.doc_id WHERE d.id IS NULL "
           "UNION ALL SELECT 'event_actors', a.doc_id FROM event_actors a LEFT JOIN events e "
           "ON e.doc_id = a.doc_id AND e.n = a.n WHERE e.doc_id IS NULL "
           "UNION ALL SELECT 'documents_fts', f.doc_id FROM documents_fts f LEFT JOIN documents d "
           "ON d.id = f.doc_id WHERE d.id IS NULL")


def on_postgres(db: str | Path) -> bool:
    return str(db).startswith("postgresql")


def rows(db: str | Path, query: str) -> list[tuple]:
    """Our own look at the database, beside veille's (a query without parameters)."""
    if on_postgres(db):
        import psycopg

        with psycopg.connect(str(db)) as c:
            return [tuple(r) for r in c.execute(query).fetchall()]
    with closing(open_db(Path(db))) as c:
        return c.execute(query).fetchall()


def db_facts(db: str | Path) -> dict:
    [docs] = rows(db, "SELECT count(*), count(DISTINCT id), max(revision) FROM documents")
    facts = dict(docs=tuple(docs), ids=sorted(r[0] for r in rows(db, "SELECT id FROM documents")),
                 fts=rows(db, "SELECT count(*) FROM documents_fts")[0][0],
                 events=rows(db, "SELECT count(*) FROM events")[0][0], orphans=rows(db, ORPHANS))
    if on_postgres(db):  # PostgreSQL checks its own pages and keeps the foreign keys itself
        facts["integrity"] = "ok"
    else:
        facts["integrity"] = rows(db, "PRAGMA integrity_check")[0][0]
        facts["orphans"] += rows(db, "PRAGMA foreign_key_check")
    return facts


def open_db(db: Path) -> sqlite3.Connection:
    """Our own look at the file; read as it lies on disk when its folder is read-only."""
    if os.access(db.parent, os.W_OK):
        return sqlite3.connect(db)
    return sqlite3.connect(f"file:{db}?immutable=1", uri=True)


# ---------------------------------------------------------------------------- a clean run of 120 documents

@pytest.fixture(scope="module")
def inputs(corpus, tmp_path_factory) -> list[str]:
    """120 distinct real documents: 60 French pages and 60 English stories (one JSONL file)."""
    d = tmp_path_factory.mktemp("inputs")
    (d / "voa60.jsonl").write_text("\n".join(voa_lines(60)) + "\n", encoding="utf-8")
    return wiki(60) + [str(d / "voa60.jsonl")]


@pytest.fixture(scope="module")
def clean(inputs, tmp_path_factory, dbs):
    """The reference run, started in the background so that the kill -9 test runs beside it;
    calling the fixture's value waits for it and gives its database."""
    d = tmp_path_factory.mktemp("clean")
    db = dbs.url(d, "clean.db")
    proc = start(db, *inputs, cwd=d, out=d / "err.txt")
    lines: list[str] = []

    def finished() -> str:
        if proc.returncode is None:
            lines.extend(proc.stdout.read().splitlines())
            assert proc.wait(timeout=600) == 0, (d / "err.txt").read_text()
            assert len(stored_ids(lines)) == 120, lines[-5:]
        return db

    yield finished
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def run_until(proc: subprocess.Popen, stored: int, seen: list[str]) -> None:
    """Read the run's lines until it has stored ``stored`` documents, then kill -9 it."""
    deadline = time.monotonic() + 300
    for line in proc.stdout:
        seen.append(line.rstrip("\n"))
        if len(stored_ids(seen)) >= stored:
            break
        assert time.monotonic() < deadline, "the ingest is too slow"
    assert len(stored_ids(seen)) == stored, f"the run ended before storing {stored}: {seen[-3:]}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    seen.extend(line.rstrip("\n") for line in proc.stdout)  # what it printed before it died
    proc.stdout.close()


def test_kill_9_twice_loses_and_duplicates_nothing(inputs, clean, dbs, tmp_path):
    db = dbs.url(tmp_path, "killed.db")
    runs: list[list[str]] = [[], [], []]
    run_until(start(db, *inputs, cwd=tmp_path, out=tmp_path / "e1.txt"), 30, runs[0])
    run_until(start(db, *inputs, cwd=tmp_path, out=tmp_path / "e2.txt"), 50, runs[1])
    last = start(db, *inputs, cwd=tmp_path, out=tmp_path / "e3.txt")
    runs[2] = last.stdout.read().splitlines()
    assert last.wait(timeout=600) == 0
    assert errors((tmp_path / "e3.txt").read_text()) == []

    each = [stored_ids(r) for r in runs]
    printed = [i for ids in each for i in ids]
    assert len(printed) == len(set(printed))  # 0 duplicated: no document stored by two runs
    assert len(each[0]) >= 30 and len(each[0]) + len(each[1]) >= 80
    unchanged = [line.split()[1] for line in runs[2] if line.startswith("unchanged ")]
    assert set(each[0] + each[1]) <= set(unchanged)  # what a killed run stored, the last run found

    facts, reference = db_facts(db), db_facts(clean())
    assert facts["docs"] == (120, 120, 1) and facts["fts"] == 120
    assert facts["ids"] == reference["ids"] == sorted(unchanged + each[2])  # 0 lost
    assert facts["events"] == reference["events"] > 0
    assert facts["integrity"] == "ok" and facts["orphans"] == []
    for command in (["export", "--format", "jsonl"], ["events", "--format", "json"]):
        ours, theirs = (run_cli("--db", str(d), *command, cwd=tmp_path) for d in (db, clean()))
        assert ours.returncode == 0 and ours.stdout == theirs.stdout


# ---------------------------------------------------------------------------- a database that cannot be written

def check_read_only(db_arg: str, cwd: Path, before: dict, reads: str | Path) -> None:
    """Ingest stops with one line before reading anything; reads still work; nothing changed."""
    r = run_cli("--db", db_arg, "ingest", *wiki(2, start=70), cwd=cwd)
    assert r.returncode == 1 and r.stdout == ""
    [line] = errors(r.stderr)
    assert line.startswith(f"veille: {db_arg}: the database is read-only (") and line.endswith(RO_HINT)
    shown = run_cli("--db", db_arg, "show", "--all", cwd=cwd)
    assert shown.returncode == 0 and sum(line.startswith("── ") for line in shown.stdout.splitlines()) == 120
    events = run_cli("--db", db_arg, "events", "--format", "json", cwd=cwd)
    assert events.returncode == 0 and len(json.loads(events.stdout)) == before["events"]
    found = run_cli("--db", db_arg, "search", "Syria", "--json", cwd=cwd)
    assert found.returncode == 0 and json.loads(found.stdout)
    exported = run_cli("--db", db_arg, "export", cwd=cwd)
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == 120
    assert db_facts(reads) == before


@pytest.mark.sqlite_only("SQLite's URI filenames (mode=ro); on PostgreSQL: test_read_only_database_and_role")
def test_read_only_uri(clean, tmp_path):
    """SQLite's own read-only mode: writes really fail, as root too."""
    shutil.copy(clean(), tmp_path / "v.db")
    before = db_facts(tmp_path / "v.db")
    check_read_only(f"sqlite:///file:{tmp_path / 'v.db'}?mode=ro&uri=true", tmp_path, before, tmp_path / "v.db")


@pytest.mark.sqlite_only("a file's own attributes (chattr +i); on PostgreSQL: test_read_only_database_and_role")
def test_immutable_file(clean, tmp_path):
    """A file no one may write (chattr +i stops root too), in a folder that can be written."""
    db = tmp_path / "v.db"
    shutil.copy(clean(), db)
    before = db_facts(db)
    os.chmod(db, 0o444)
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is refused on this file system")
    try:
        check_read_only(str(db), tmp_path, before, db)
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)


@pytest.fixture
def mount_point(tmp_path):
    """A small tmpfs of our own, unmounted at the end; skipped where mounting is refused."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()

    def mount(size: str) -> Path:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"mount -t tmpfs is refused here ({r.stderr.strip()}): needs root outside a container")
        return mnt

    yield mount
    if subprocess.run(["umount", str(mnt)], capture_output=True).returncode != 0 and os.path.ismount(mnt):
        subprocess.run(["umount", "--lazy", str(mnt)], check=True)  # busy: detach now, free when closed


@pytest.mark.sqlite_only("a file in a read-only folder (no -shm beside it); on PostgreSQL: "
                        "test_read_only_database_and_role")
def test_read_only_mount(clean, mount_point, tmp_path):
    """A database in a read-only folder: no -shm file can be made beside it, yet reads work."""
    mnt = mount_point("20m")
    shutil.copy(clean(), mnt / "v.db")
    before = db_facts(mnt / "v.db")
    subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
    check_read_only(str(mnt / "v.db"), tmp_path, before, mnt / "v.db")
    r = run_cli("--db", str(mnt / "new.db"), "ingest", *wiki(1), cwd=tmp_path)
    assert r.returncode == 1
    assert errors(r.stderr) == [f"veille: {mnt / 'new.db'}: cannot create the database: the folder {mnt} "
                                "cannot be written"]


@pytest.mark.postgres_only("a database and a role that may not write, on the session's server")
def test_read_only_database_and_role(clean, dbs, tmp_path):
    """A database whose transactions are read-only (default_transaction_read_only), and a role
    that may only read: ingest stops in one line before reading anything, reads still work."""
    server, source = dbs.server, clean().rsplit("/", 1)[1]
    url = server.copydb(source, source + "_ro")
    before = db_facts(url)
    server.execute(source + "_ro", f"ALTER DATABASE {source}_ro SET default_transaction_read_only = on")
    check_read_only(url, tmp_path, before, url)
    url = server.copydb(source, source + "_reader")
    server.execute(source + "_reader", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') "
                                       "THEN CREATE ROLE reader LOGIN; END IF; END $$")
    server.execute(source + "_reader", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    reader = url.replace(f"//{USER}@", "//reader@")
    check_read_only(reader, tmp_path, before, url)


def test_missing_folder_and_unusable_urls(tmp_path):
    cases = {
        "/no/such/dir/v.db": "veille: /no/such/dir/v.db: the folder /no/such/dir does not exist "
                             "(create it, or give another --db)",
        "mysql://analyst:secret@db.example/veille":
            "veille: mysql://analyst:***@db.example/veille: the MySQL driver is not installed "
            "(no module MySQLdb); veille stores in SQLite or PostgreSQL: give a file path such as veille.db, "
            "or a postgresql:// URL",
        # nothing listens on port 1: the driver's own words, on one line, the password hidden
        "postgresql://analyst:secret@127.0.0.1:1/veille":
            'veille: postgresql://analyst:***@127.0.0.1:1/veille: cannot open the database (connection failed: '
            'connection to server at "127.0.0.1", port 1 failed: Connection refused Is the server running on '
            'that host and accepting TCP/IP connections?)',
        "foo://x/y": "veille: foo://x/y: 'foo' is not a kind of database veille knows "
                     "(give a file path such as veille.db, or a sqlite:/// or postgresql:// URL)",
        "postgresql://u:pw@h:port/db": "veille: postgresql://h:port/db: not a database URL "
                                       "(give a file path such as veille.db, or a URL such as sqlite:///veille.db)",
    }
    for db, message in cases.items():
        for command in (["ingest", *wiki(1)], ["events"]):
            r = run_cli("--db", db, *command, cwd=tmp_path)
            assert (r.returncode, r.stdout, r.stderr.splitlines()) == (1, "", [message]), db
    assert "secret" not in message and not list(tmp_path.iterdir())


# ---------------------------------------------------------------------------- a full disk

STOP = re.compile(r"^veille: (.+): disk full while storing (\S+); stopped after (\d+) documents "
                  r"\((\d+) stored, 0 unchanged, 0 failed\)$")


def check_stopped(r: subprocess.CompletedProcess, db: Path, cwd: Path) -> None:
    """One line names the document and the count; every document stored before it is whole."""
    assert r.returncode == 1
    [line] = errors(r.stderr)
    m = STOP.match(line)
    assert m, line
    ids = stored_ids(r.stdout.splitlines())
    assert 0 < len(ids) == int(m.group(3)) == int(m.group(4)) < 87
    assert m.group(2) == wiki(87)[len(ids)] and m.group(2) not in r.stdout
    facts = db_facts(db)
    assert facts["ids"] == sorted(ids) and facts["fts"] == len(ids) and facts["integrity"] == "ok"
    for doc_id in ids:
        assert run_cli("--db", str(db), "show", doc_id, cwd=cwd).returncode == 0


LIMITED = """
import sys
from sqlalchemy import event
from sqlalchemy.pool import Pool

pages = int(sys.argv.pop(1))
event.listen(Pool, "connect", lambda conn, _: conn.execute(f"PRAGMA max_page_count={pages}"))
from veille.cli import main
sys.argv[0] = "veille"
main()
"""


@pytest.mark.sqlite_only("SQLite's own size limit; a full disk is not testable on PostgreSQL (the server's disk)")
def test_full_database_stops_the_batch_with_one_line(corpus, tmp_path):
    """SQLite's own size limit (max_page_count) gives the real SQLITE_FULL on any machine."""
    (tmp_path / "limited.py").write_text(LIMITED)
    db = tmp_path / "v.db"
    assert run_cli("--db", str(db), "events", cwd=tmp_path).returncode == 0  # a new, empty database
    with sqlite3.connect(db) as conn:  # room for a few documents (about 4 pages each) past the empty schema
        pages = conn.execute("PRAGMA page_count").fetchone()[0] + 16
    r = subprocess.run([sys.executable, "limited.py", str(pages), "--db", str(db), "ingest", *wiki(87)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=600)
    check_stopped(r, db, tmp_path)


@pytest.mark.sqlite_only("a file on a small mount; a full disk is not testable on PostgreSQL (the server's disk)")
def test_full_disk_stops_the_batch_with_one_line(corpus, mount_point, tmp_path):
    mnt = mount_point("800k")  # the empty schema (about 330 kB) and the write-ahead log of a few documents
    r = run_cli("--db", str(mnt / "v.db"), "ingest", *wiki(87), cwd=tmp_path)
    check_stopped(r, mnt / "v.db", tmp_path)


@pytest.mark.postgres_only("a PostgreSQL server of its own, stopped in the middle of a batch")
def test_a_server_that_goes_away_stops_the_batch_with_one_line(corpus, tmp_path):
    """The server stops (fast shutdown) while an ingest runs: the batch stops in one line that names
    the database; once the server is back, every document it said stored is there, whole, and
    the same command stores the rest."""
    server = PgServer()
    try:
        url = server.createdb("going")
        seen: list[str] = []
        proc = start(url, *wiki(20), cwd=tmp_path, out=tmp_path / "err.txt")
        for line in proc.stdout:
            seen.append(line.rstrip("\n"))
            if len(stored_ids(seen)) >= 5:
                break
        server.halt()
        seen.extend(proc.stdout.read().splitlines())
        assert proc.wait(timeout=120) == 1
        [line] = errors((tmp_path / "err.txt").read_text())
        assert line.startswith(f"veille: {url}: the database server cannot be reached while "), line
        ids = stored_ids(seen)
        assert 5 <= len(ids) < 20
        server.start()
        facts = db_facts(url)
        assert facts["ids"] == sorted(ids) and facts["fts"] == len(ids) and facts["orphans"] == []
        for doc_id in ids:
            assert run_cli("--db", url, "show", doc_id, cwd=tmp_path).returncode == 0
        again = run_cli("--db", url, "ingest", *wiki(20), cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert f"{20 - len(ids)} stored, {len(ids)} unchanged, 0 failed" in again.stderr
    finally:
        server.stop()


# ---------------------------------------------------------------------------- two ingests at once

def test_migrations_race_on_a_new_database(dbs, tmp_path):
    db = dbs.url(tmp_path, "new.db")
    procs = [subprocess.Popen([veille_bin(), "--db", db, "events"], cwd=tmp_path, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(6)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert (p.returncode, err) == (0, "no event\n")
    assert [r[0] for r in rows(db, "SELECT name FROM migrations ORDER BY name")] == sorted(n for n, _ in MIGRATIONS)


def test_two_ingests_at_once_store_each_document_once(corpus, dbs, tmp_path):
    """Overlapping sets on a new database, and the same eight URLs with different texts in each
    (so each URL gets revisions 1 and 2); queries run meanwhile."""
    stories = voa_lines(8, start=60)
    (tmp_path / "a.jsonl").write_text("\n".join(stories) + "\n", encoding="utf-8")
    changed = [json.dumps({**json.loads(s), "text": json.loads(s)["text"] + "\n\nThis story was updated."})
               for s in stories]
    (tmp_path / "b.jsonl").write_text("\n".join(changed) + "\n", encoding="utf-8")
    db = dbs.url(tmp_path, "v.db")
    a = start(db, *wiki(10), "a.jsonl", cwd=tmp_path, out=tmp_path / "a.txt")
    b = start(db, *wiki(10, start=5), "b.jsonl", cwd=tmp_path, out=tmp_path / "b.txt")
    seen = query_while_running(tmp_path, db, a, b)
    out_a, out_b = a.stdout.read().splitlines(), b.stdout.read().splitlines()
    assert (a.wait(timeout=600), b.wait(timeout=600)) == (0, 0)
    assert errors((tmp_path / "a.txt").read_text()) == errors((tmp_path / "b.txt").read_text()) == []
    ids = stored_ids(out_a) + stored_ids(out_b)
    assert len(ids) == len(set(ids)) == 31  # 15 pages once each, 8 URLs twice
    assert not [line for line in out_a + out_b if not line.startswith(("stored ", "unchanged "))]
    assert rows(db, "SELECT count(*), count(DISTINCT id) FROM documents") == [(31, 31)]
    revisions: dict[str, list[int]] = {}
    for source, revision in rows(db, "SELECT source, revision FROM documents WHERE source LIKE 'https://%' "
                                     "ORDER BY source, revision"):
        revisions.setdefault(source, []).append(revision)
    assert len(revisions) == 8 and all(r == [1, 2] for r in revisions.values())
    assert seen and all(n <= 31 for n in seen) and seen == sorted(seen)


def query_while_running(cwd: Path, db: str, *procs: subprocess.Popen) -> list[int]:
    """Query the database as the ingests run: every query succeeds, sees whole documents only,
    and sees no fewer than the one before."""
    counts = []
    deadline = time.monotonic() + 300
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        shown = run_cli("--db", db, "show", "--all", "--json", cwd=cwd)
        if shown.returncode == 1 and shown.stderr == "veille: nothing to show: name a document, or use --all\n":
            continue  # nothing stored yet
        assert shown.returncode == 0, shown.stderr
        docs = [json.loads(chunk) for chunk in re.split(r"\n(?=\{)", shown.stdout.strip())]
        events = run_cli("--db", db, "events", "--format", "json", cwd=cwd)
        found = run_cli("--db", db, "search", "le", "--limit", "100", "--json", cwd=cwd)
        assert events.returncode == found.returncode == 0, events.stderr + found.stderr
        assert "locked" not in events.stderr + found.stderr
        assert all(d["text"] and d["id"] for d in docs)
        counts.append(len({(d["source"], d["id"]) for d in docs}))
    return counts


def test_a_document_stored_meanwhile_is_already_stored(corpus, db_url):
    """Two stores on one database, as two processes: the second save of an id is not a failure."""
    db = db_url()
    one, other = Veille(db=db, progress=False), Veille(db=db, progress=False)
    page = Path(wiki(1)[0])
    doc = one.process(RawInput(str(page), "html", page.read_text(encoding="utf-8")))
    assert one.store.has(doc.id) is None
    assert other.store.save(doc) == 1
    with pytest.raises(AlreadyStoredError) as e:
        one.store.save(doc)
    assert e.value.stored_as == str(page) and one.store.count() == 1


# ---------------------------------------------------------------------------- searches

def test_search_is_bounded(clean, tmp_path):
    db = str(clean())
    many = " ".join(["le"] * 5000)
    t = time.monotonic()
    r = run_cli("--db", db, "search", many, cwd=tmp_path)
    assert time.monotonic() - t < 5
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == f"veille: {many[:60] + '…'!r}: a search is at most 1000 characters (this one has 14999)\n"
    r = run_cli("--db", db, "search", " ".join(["guerre"] * 65), cwd=tmp_path)
    assert r.stderr.endswith(": a search takes at most 64 words (this one has 65)\n") and r.returncode == 1
    # the slowest searches FTS5 knows (one prefix, repeated, with ranks and snippets) stop in time
    for slow in (" ".join(['"t"*'] * 64), " OR ".join(['"t"*'] * 32), " ".join(["t*"] * 64)):
        t = time.monotonic()
        r = run_cli("--db", db, "search", slow, "--json", cwd=tmp_path)
        assert time.monotonic() - t < 6, slow[:20]
        if r.returncode:
            assert r.stderr.endswith(": the search took more than 2 s and was stopped (use fewer words, "
                                     "or rarer ones)\n")
        else:
            assert json.loads(r.stdout)


def test_search_syntax_errors_are_one_line(clean, tmp_path):
    """FTS5 refuses a search that is not valid in its syntax, in one line; PostgreSQL reads the
    same searches as websearch_to_tsquery does, which refuses none."""
    db = str(clean())
    near = 'fts5: syntax error near ""'
    for query, reason in (('frappe"', "unterminated string"), ("NEAR(", near), ("drone AND ", near),
                          ('"a" NOT', near), ("   ", None)):
        r = run_cli("--db", db, "search", query, "--json", cwd=tmp_path)
        if on_postgres(db) and reason:
            assert r.returncode == 0 and isinstance(json.loads(r.stdout), list), r.stderr
            continue
        assert r.returncode == 1 and len(r.stderr.splitlines()) == 1, r.stderr
        if reason:
            assert r.stderr == f"veille: {query!r}: not a valid search ({reason})\n"
        else:
            assert r.stderr == "veille: an empty search: give one or more words\n"
    r = run_cli("--db", db, "search", "Syri*", "--json", cwd=tmp_path)
    assert r.returncode == 0 and any("[Syri" in h["snippet"] for h in json.loads(r.stdout))
