"""Shared fixtures. The seed articles live in ../shared (beside the repository), never in it.

Every test that opens a database names it through the ``dbs`` fixture (or ``db_url``, ``fresh``,
``app``, which use it): a file in the test's folder by default, or, with ``VEILLE_TEST_DB=postgres``,
a new database on the session's throwaway PostgreSQL server (tests/pgserver.py). Such tests get the
``db`` marker, so ``pytest -m db`` with ``VEILLE_TEST_DB=postgres`` runs them all again on PostgreSQL
(``make test`` does both). A test about SQLite itself is marked ``sqlite_only`` with its reason and is
skipped on PostgreSQL."""
from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from veille import Veille
from veille.readers import RawInput

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"
FOLDER_DB: dict[Path, str] = {}  # folder -> the database named veille.db there through ``dbs``
ON_POSTGRES = os.environ.get("VEILLE_TEST_DB", "sqlite").lower() in ("postgres", "postgresql", "pg")


def pytest_configure(config):
    config.addinivalue_line("markers", "db: the test opens a database through the dbs fixture (added by conftest); "
                                       "VEILLE_TEST_DB=postgres pytest -m db runs them on PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about SQLite itself; skipped when "
                                       "VEILLE_TEST_DB=postgres")
    config.addinivalue_line("markers", "postgres_only(reason): PostgreSQL's counterpart of a sqlite_only test; "
                                       "runs when VEILLE_TEST_DB=postgres (marked db), skipped otherwise")


def pytest_collection_modifyitems(config, items):
    for item in items:
        lite, pg = item.get_closest_marker("sqlite_only"), item.get_closest_marker("postgres_only")
        if "dbs" in item.fixturenames or pg is not None:
            item.add_marker(pytest.mark.db)
        if ON_POSTGRES and lite is not None:
            item.add_marker(pytest.mark.skip(reason="SQLite only: " + (lite.args[0] if lite.args else "")))
        if not ON_POSTGRES and pg is not None:
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only (VEILLE_TEST_DB=postgres): "
                                                    + (pg.args[0] if pg.args else "")))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED}/seeds is missing: CI must have ../shared beside the repository")
        pytest.skip("../shared/seeds is not beside this checkout")
    return SHARED


class Databases:
    """Names a test's database: ``url(folder, name)`` is ``folder/name`` (SQLite) or a new, empty
    PostgreSQL database named after ``name`` (VEILLE_TEST_DB=postgres)."""

    _numbers = itertools.count(1)

    def __init__(self, server=None):
        self.server = server

    @property
    def postgres(self) -> bool:
        return self.server is not None

    def url(self, folder: Path, name: str = "veille.db") -> str:
        if self.server is None:
            url = str(Path(folder) / name)
        else:
            word = re.sub(r"[^a-z0-9]+", "_", Path(name).stem.lower()).strip("_")[:40] or "db"
            url = self.server.createdb(f"t{next(self._numbers)}_{word}")
        if name == "veille.db":  # the CLI's default database in that folder (see run_cli)
            FOLDER_DB[Path(folder).resolve()] = url
        return url


@pytest.fixture(scope="session")
def dbs(request) -> Databases:
    return Databases(request.getfixturevalue("pg_server") if ON_POSTGRES else None)


@pytest.fixture
def db_url(dbs, tmp_path):
    """``db_url(name="veille.db")``: a database of this test's own (see ``Databases``)."""
    return lambda name="veille.db": dbs.url(tmp_path, name)


@pytest.fixture(scope="session")
def nlp() -> Veille:
    """A Veille for the pipeline alone (``process``): its store is never opened."""
    return Veille(db=os.devnull, progress=False)


@pytest.fixture(scope="session")
def app(dbs, tmp_path_factory) -> Veille:
    """One pipeline for the session (models load once); a throwaway database."""
    return Veille(db=dbs.url(tmp_path_factory.mktemp("db"), "veille.db"), progress=False)


@pytest.fixture
def fresh(db_url) -> Veille:
    """A Veille with its own empty database (the pipeline's models are cached per process)."""
    return Veille(db=db_url(), progress=False)


@pytest.fixture(scope="session")
def process(nlp):
    """Run the whole part-1 pipeline on a text we write in the test."""

    def run(text: str, kind: str = "txt", **hints):
        return nlp.process(RawInput(source="test-input", kind=kind, content=text, hints=hints))

    return run


def veille_bin() -> str:
    exe = Path(sys.executable).parent / "veille"
    return str(exe) if exe.exists() else shutil.which("veille")


def run_cli(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess:
    """The CLI in ``cwd``. Without ``--db`` it opens veille.db in ``cwd``: when the test named that
    database through ``dbs`` (on PostgreSQL, a server's database), it gets ``--db`` that database."""
    given = any(a == "--db" or str(a).startswith("--db=") for a in args)
    default = FOLDER_DB.get(Path(cwd).resolve())
    before = ("--db", default) if default and not given else ()
    return subprocess.run([veille_bin(), *before, *args], cwd=cwd, capture_output=True, text=True, input=input,
                          timeout=600)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the session (tests/pgserver.py); each test module makes its
    own database with ``pg_server.createdb(name)``. Skipped when no PostgreSQL is installed, unless
    VEILLE_REQUIRE_POSTGRES=1 (CI), which makes it fail."""
    from pgserver import NoPostgres, PgServer

    try:
        server = PgServer()
    except NoPostgres as e:
        if os.environ.get("VEILLE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{e} and VEILLE_REQUIRE_POSTGRES=1")
        pytest.skip(str(e))
    yield server
    server.stop()
