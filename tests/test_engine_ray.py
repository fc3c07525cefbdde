"""The Ray engine on a real Ray cluster on 127.0.0.1 (``ray start --head`` in a process of its own,
stopped at the end): ``ingest --engine ray --ray-address`` stores exactly what the local engine
stores, a bad document costs that document only, and a second run changes nothing.

Skipped when ray is not installed, unless VEILLE_REQUIRE_RAY=1 (CI)."""
from __future__ import annotations

import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, SHARED, run_cli

from veille import Veille
from veille.pipeline import Stage

# Ray reads these once, when it is imported: the cluster of this module and its driver here share a
# token of their own (nothing is written under ~/.ray) and send no usage statistics
TOKEN = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32), "RAY_USAGE_STATS_ENABLED": "0"}
os.environ.update(TOKEN)

try:
    import ray
except ImportError:
    if os.environ.get("VEILLE_REQUIRE_RAY") == "1":
        raise
    pytest.skip("ray is not installed (pip install 'veille[ray]')", allow_module_level=True)

GOOD = ["Les autorités ont annoncé jeudi l'évacuation de trois villages proches de la frontière, après une "
        "nuit de tirs d'artillerie.",
        "Le gouvernement a signé mardi un accord de coopération avec ses voisins sur la gestion de l'eau.",
        "La police a arrêté deux suspects après l'incendie d'un entrepôt dans la banlieue de la capitale."]
NO_ARTICLE = "<html><head><title>x</title></head><body><nav><a href='/'>Accueil</a></nav></body></html>\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    """A one-node Ray cluster of 2 CPUs, its own token and temporary folder; yields its address.
    ``ray start --block`` stays in the foreground, so the test stops its own cluster by signalling
    that process (which drains and stops the node), not every Ray process on the machine."""
    ray_bin = Path(sys.executable).parent / "ray"
    temp = tempfile.mkdtemp(prefix="vray")  # short: Ray's sockets live under it
    port = free_port()
    env = {**os.environ, **TOKEN}
    log = open(Path(temp) / "start.log", "w+")
    proc = subprocess.Popen([str(ray_bin), "start", "--head", "--block", "--port", str(port),
                             "--node-ip-address", "127.0.0.1", "--num-cpus", "2", "--include-dashboard=false",
                             "--disable-usage-stats", "--temp-dir", temp],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while "block forever" not in Path(log.name).read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("ray start failed:\n" + Path(log.name).read_text(errors="replace")[-2000:])
            time.sleep(0.3)
        yield f"127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(45)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()
        shutil.rmtree(temp, ignore_errors=True)


def inputs(folder: Path) -> Path:
    """The examples, two real Wikinews pages when ../shared is here, and a page with no article."""
    folder.mkdir()
    for f in EXAMPLES.iterdir():
        if f.suffix in (".txt", ".html", ".jsonl"):
            shutil.copy(f, folder / f.name)
    for f in sorted((SHARED / "corpus" / "wikinews-fr").glob("*.html"))[:2]:
        shutil.copy(f, folder / f"wikinews_{f.name}")
    (folder / "zz_no_article.html").write_text(NO_ARTICLE, encoding="utf-8")
    return folder


def test_ray_engine_stores_what_the_local_engine_stores(cluster, tmp_path, dbs):
    folder = inputs(tmp_path / "in")
    dbases = {name: dbs.url(tmp_path, name) for name in ("local.db", "ray.db")}  # PostgreSQL in its pass
    local = run_cli("--db", dbases["local.db"], "ingest", "--workers", "1", str(folder), cwd=tmp_path)
    # the default route: no address, so the CLI starts a local cluster of 2 CPUs itself (and stops it),
    # with Ray's own defaults (no token given: Ray makes one, here under a throwaway home); two workers
    # are dealt the documents as they come free, and the results are stored in the inputs' order still
    from veille.settings import Options

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(HOME=str(tmp_path), VEILLE_DATA_DIR=Options.load().data_dir)  # the place index already built
    remote = subprocess.run([str(Path(sys.executable).parent / "veille"), "--db", dbases["ray.db"],
                             "ingest", "--engine", "ray", "--workers", "2", str(folder)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert remote.returncode == 0, remote.stderr[-3000:]
    # the same outcome line for every input, in the same order; the page with no article fails in one
    # line, and nothing of Ray's reaches the terminal
    assert remote.stdout == local.stdout
    assert remote.stderr == local.stderr
    failures = [line for line in remote.stderr.splitlines() if "zz_no_article" in line]
    assert len(failures) == 1 and "no article text" in failures[0], remote.stderr[-3000:]
    good = 7 + len(list(folder.glob("wikinews_*")))  # 7 documents in examples/
    assert remote.stderr.splitlines()[-1] == f"{good} stored, 0 unchanged, 1 failed"
    exports = [export(dbases[db]) for db in ("local.db", "ray.db")]
    assert exports[0].count("\n") == good and exports[0] == exports[1]

    # again, through the cluster at --ray-address: nothing new (without the page that fails, which
    # would be parsed again, and a worker started for it)
    (folder / "zz_no_article.html").unlink()
    again = run_cli("--db", dbases["ray.db"], "ingest", "--engine", "ray", "--ray-address", cluster,
                    str(folder), cwd=tmp_path)
    assert again.returncode == 0 and "stored " not in again.stdout, again.stderr[-3000:]
    assert again.stderr.splitlines() == [f"0 stored, {good} unchanged, 0 failed"], again.stderr[-3000:]
    assert export(dbases["ray.db"]) == exports[1]


def export(db: str) -> str:
    out = io.StringIO()
    Veille(db=db, progress=False).export(out)
    return out.getvalue()


def trap(doc, ctx):
    """A stage that misbehaves on a marker word, as a parser might on some input."""
    if "PIEGE-ERREUR" in doc.text:
        raise ValueError("a parser gave up")
    if "PIEGE-SEGV" in doc.text:
        import ctypes

        ctypes.string_at(0)  # reads address 0: SIGSEGV
    if "PIEGE-BOUCLE" in doc.text:
        while True:
            pass
    return doc


def test_a_crash_a_hang_and_an_error_cost_one_document_each(cluster, tmp_path):
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this file
    folder = tmp_path / "in"
    folder.mkdir()
    texts = [("a", GOOD[0]), ("b", "Premier paragraphe. PIEGE-SEGV dans le texte."), ("c", GOOD[1]),
             ("d", "Un texte qui PIEGE-BOUCLE sans fin."), ("e", "Un texte PIEGE-ERREUR ici."), ("f", GOOD[2])]
    for name, text in texts:
        (folder / f"{name}.txt").write_text(f"Titre {name}\n\n{text}\n", encoding="utf-8")
    # the engine's part does not depend on the language models: a short pipeline starts workers fast
    from veille.stages import clean, meta

    stages = [clean.STAGE, meta.STAGE, Stage("trap", trap, requires=("text",))]
    v = Veille(db=str(tmp_path / "v.db"), progress=False, workers=2, doc_timeout=6, stages=stages)
    report = v.ingest([str(folder)], engine="ray", ray_address=cluster)
    by_name = {Path(o.source).stem: o for o in report.outcomes}
    assert list(by_name) == list("abcdef")
    assert {n for n, o in by_name.items() if o.status == "stored"} == {"a", "c", "e", "f"}, report.outcomes
    assert by_name["b"].reason == "the worker crashed (SIGSEGV)", by_name["b"].reason
    assert by_name["d"].reason == "gave up after 6 s"
    # a stage that raises is recorded on its document, as with the local engine, and the rest runs
    assert any(w.startswith("stage trap failed: ValueError: a parser gave up") for w in by_name["e"].warnings)
    assert len(v.documents()) == 4
    assert not ray.is_initialized()  # the driver let go of the cluster


def test_the_driver_stores_into_postgresql_as_into_sqlite(cluster, pg_server, tmp_path):
    """Several machines write through one driver each: PostgreSQL is the store for that. Two Ray
    workers on a short pipeline, the same text twice: PostgreSQL holds what SQLite holds."""
    from veille.stages import clean, meta

    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in [("a", GOOD[0]), ("b", GOOD[1]), ("c", GOOD[0]), ("d", GOOD[2])]:
        (folder / f"{name}.txt").write_text(f"Titre\n\n{text}\n", encoding="utf-8")
    stages = [clean.STAGE, meta.STAGE]
    pg = Veille(db=pg_server.createdb("veille_ray"), progress=False, workers=2, stages=stages)
    lite = Veille(db=str(tmp_path / "v.db"), progress=False, workers=1, stages=stages)
    on_pg = pg.ingest([str(folder)], engine="ray", ray_address=cluster)
    on_lite = lite.ingest([str(folder)])
    assert [(o.status, o.id, o.reason) for o in on_pg.outcomes] == \
        [(o.status, o.id, o.reason) for o in on_lite.outcomes]
    assert [o.status for o in on_pg.outcomes] == ["stored", "stored", "unchanged", "stored"]
    assert on_pg.outcomes[2].reason.startswith("same content as ") and on_pg.outcomes[2].reason.endswith("a.txt")
    out_pg, out_lite = io.StringIO(), io.StringIO()
    pg.export(out_pg)
    lite.export(out_lite)
    assert out_pg.getvalue().count("\n") == 3 and out_pg.getvalue() == out_lite.getvalue()


def test_an_address_where_nothing_answers_is_one_line_at_once(tmp_path):
    from veille.errors import VeilleError

    v = Veille(db=str(tmp_path / "v.db"), progress=False)
    port = free_port()  # nothing listens there
    started = time.monotonic()
    with pytest.raises(VeilleError, match=rf"^--ray-address 127.0.0.1:{port}: nothing answers there \(Connection refused\)$"):
        v.ingest([str(EXAMPLES / "en_wire_ceasefire.txt")], engine="ray", ray_address=f"127.0.0.1:{port}")
    assert time.monotonic() - started < 10 and v.documents() == [] and not ray.is_initialized()


def test_without_ray_the_engine_says_so_in_one_line(tmp_path, monkeypatch):
    from veille.errors import VeilleError

    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed
    v = Veille(db=str(tmp_path / "v.db"), progress=False)
    with pytest.raises(VeilleError, match=r"^--engine ray: ray is not installed \(pip install 'veille\[ray\]'\)$"):
        v.ingest([str(EXAMPLES / "en_wire_ceasefire.txt")], engine="ray")
