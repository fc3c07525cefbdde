"""Shared fixtures. The seed articles live in ../shared (beside the repository), never in it."""
from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED}/seeds is missing: CI must have ../shared beside the repository")
        pytest.skip("../shared/seeds is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Veille:
    """One pipeline for the session (models load once); a throwaway database."""
    return Veille(db=str(tmp_path_factory.mktemp("db") / "veille.db"), progress=False)


@pytest.fixture
def fresh(tmp_path) -> Veille:
    """A Veille with its own empty database (the pipeline's models are cached per process)."""
    return Veille(db=str(tmp_path / "veille.db"), progress=False)


@pytest.fixture(scope="session")
def process(app):
    """Run the whole part-1 pipeline on a text we write in the test."""

    def run(text: str, kind: str = "txt", **hints):
        return app.process(RawInput(source="test-input", kind=kind, content=text, hints=hints))

    return run


def veille_bin() -> str:
    exe = Path(sys.executable).parent / "veille"
    return str(exe) if exe.exists() else shutil.which("veille")


def run_cli(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([veille_bin(), *args], cwd=cwd, capture_output=True, text=True, input=input,
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
