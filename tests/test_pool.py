"""The worker pool: N workers give exactly what one gives; a document that crashes, hangs or
eats memory in a worker costs that document only, and the batch goes on."""
import ctypes
import json
import os
import time

import pytest
from conftest import run_cli

from veille import Veille
from veille.pipeline import Stage, default_stages

GOOD = ["Les autorités ont annoncé jeudi l'évacuation de trois villages proches de la frontière, après une "
        "nuit de tirs d'artillerie.",
        "Le gouvernement a signé mardi un accord de coopération avec ses voisins sur la gestion de l'eau.",
        "Des manifestants se sont rassemblés samedi devant le parlement pour réclamer des élections anticipées.",
        "La police a arrêté deux suspects après l'incendie d'un entrepôt dans la banlieue de la capitale."]


def trap(doc, ctx):
    """A stage that misbehaves on a marker word, as a parser might on some input."""
    if "PIEGE-SEGV" in doc.text:
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    if "PIEGE-BOUCLE" in doc.text:
        while True:
            pass
    if "PIEGE-MEMOIRE" in doc.text:
        hog = []
        while True:
            hog.append(b"x" * 50_000_000)
    if "PIEGE-SORTIE" in doc.text:
        os._exit(3)
    return doc


KEPT = []


def leak(doc, ctx):
    """A stage that keeps 60 MB from every document, as a parser's vocabulary grows with new words."""
    chunk = bytearray(60_000_000)
    chunk[::4096] = b"x" * len(chunk[::4096])  # touched: resident, not only reserved
    KEPT.append(chunk)
    time.sleep(0.5)  # long enough for the pool to look at the worker's memory while it works
    return doc


def write(folder, names_texts):
    folder.mkdir(exist_ok=True)
    for name, text in names_texts:
        (folder / name).write_text(f"Titre {name}\n\n{text}\n", encoding="utf-8")
    return folder


def test_a_crash_a_hang_and_a_memory_hog_cost_one_document_each(tmp_path, db_url):
    stages = default_stages() + [Stage("trap", trap, requires=("text",))]
    v = Veille(db=db_url(), progress=False, workers=2, doc_timeout=10, max_memory_mb=1000, stages=stages)
    folder = write(tmp_path / "in", [
        ("a.txt", GOOD[0]), ("b.txt", "Premier paragraphe. PIEGE-SEGV dans le texte."), ("c.txt", GOOD[1]),
        ("d.txt", "Un texte qui PIEGE-BOUCLE sans fin."), ("e.txt", GOOD[2]),
        ("f.txt", "Un texte qui PIEGE-MEMOIRE demande toujours plus."), ("g.txt", "Et PIEGE-SORTIE ici."),
        ("h.txt", GOOD[3])])
    report = v.ingest([str(folder)])
    by_name = {os.path.basename(o.source)[0]: o for o in report.outcomes}
    assert [os.path.basename(o.source)[0] for o in report.outcomes] == list("abcdefgh")
    assert {n for n, o in by_name.items() if o.status == "stored"} == {"a", "c", "e", "h"}, report.outcomes
    assert by_name["b"].reason == "the worker crashed (SIGSEGV)"
    assert by_name["d"].reason == "gave up after 10 s"
    assert by_name["f"].reason.startswith("gave up: more than") or by_name["f"].reason == "ran out of memory"
    assert by_name["g"].reason == "the worker stopped (exit status 3)"
    assert len(v.documents()) == 4


def test_a_worker_that_grows_from_document_to_document_is_replaced_between_two(tmp_path, db_url):
    # 20 documents × 60 MB kept would take one worker far past its limit, and the document that
    # happened to cross it would be blamed: the worker is replaced before that, losing nothing
    stages = default_stages() + [Stage("leak", leak, requires=("text",))]
    v = Veille(db=db_url(), progress=False, workers=1, doc_timeout=60, max_memory_mb=1500, stages=stages)
    folder = write(tmp_path / "in", [(f"{i:02d}.txt", GOOD[i % 4] + f" Dépêche {i}.") for i in range(20)])
    report = v.ingest([str(folder)])
    assert [o.status for o in report.outcomes] == ["stored"] * 20, [o.reason for o in report.outcomes]
    assert len(v.documents()) == 20


def test_the_cli_reports_a_crashed_document_and_goes_on(tmp_path, dbs):
    dbs.url(tmp_path)  # the CLI's database in tmp_path
    # the CLI with the default pipeline: a document that is fine, one that is not readable
    folder = write(tmp_path / "in", [("a.txt", GOOD[0]), ("b.txt", GOOD[1])])
    (folder / "c.txt").write_bytes(b"")
    r = run_cli("ingest", "--workers", "2", str(folder), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines()[0] == f"veille: {folder / 'c.txt'}: empty file"
    assert "2 stored, 0 unchanged, 1 failed" in r.stderr


def corpus_subset(shared, tmp_path, n_fr=12, n_en=12):
    """Real pages of both languages, as distinct files and one JSONL file."""
    pages = sorted((shared / "corpus" / "wikinews-fr").glob("*.html"))[:n_fr]
    lines = (shared / "corpus" / "voa-en" / "voa_stories.jsonl").read_text(encoding="utf-8").splitlines()[:n_en]
    feed = tmp_path / "voa.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(p) for p in pages] + [str(feed)]


@pytest.mark.parametrize("workers", ["2"])
def test_more_workers_give_exactly_what_one_gives(shared, tmp_path, dbs, workers):
    inputs = corpus_subset(shared, tmp_path)
    outputs = {}
    for w in ("1", workers):
        d = tmp_path / f"w{w}"
        d.mkdir()
        dbs.url(d)
        r = run_cli("ingest", "--workers", w, *inputs, cwd=d)
        assert r.returncode == 0, r.stderr
        export = run_cli("export", "--format", "jsonl", cwd=d).stdout
        outputs[w] = (r.stdout, export)
    assert outputs["1"][0] == outputs[workers][0]  # the same lines, in the same order
    assert outputs["1"][1] == outputs[workers][1]
    records = [json.loads(x) for x in outputs["1"][1].splitlines()]
    assert len(records) == 24 and sum(len(r["events"]) for r in records) > 20


def test_workers_end_with_their_parent(shared, tmp_path, dbs):
    """kill -9 of `veille ingest` leaves no worker behind: each worker closes the parent's
    ends of the pipes it inherits, so it sees end-of-file when the parent dies."""
    import subprocess
    import time

    from conftest import veille_bin

    pages = sorted((shared / "corpus" / "wikinews-fr").glob("*.html"))[:30]
    p = subprocess.Popen([veille_bin(), "--db", dbs.url(tmp_path), "ingest", "--workers", "2", *map(str, pages)],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert p.stdout.readline().startswith("stored")
    workers = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split()
    assert len(workers) == 2
    p.kill()
    p.wait()
    deadline = time.monotonic() + 30
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [w for w in workers if os.path.exists(f"/proc/{w}") and
                 open(f"/proc/{w}/stat").read().split()[2] not in "ZX"]
    assert not alive
    p.stdout.read()  # no orphan holds standard output open
