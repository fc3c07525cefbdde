"""A throwaway PostgreSQL server for the tests: its own cluster in a temporary folder, on a free
port of 127.0.0.1, stopped and deleted at the end.

Debian's ``postgres`` refuses to run as root, so when the tests run as root (here and in CI) the
cluster belongs to the ``postgres`` user (or ``nobody``), and ``initdb`` and ``postgres`` run as
that user. Each test module asks ``createdb`` for a database of its own.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "veille"  # the cluster's superuser, trusted on 127.0.0.1 only
START_SECONDS = 30


class NoPostgres(Exception):
    """No PostgreSQL server can be started here (not installed, or it failed to start)."""


def find_bin(name: str) -> str | None:
    """``name`` (initdb, postgres) on PATH, then in Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> pwd.struct_passwd | None:
    """The user to run the server as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise NoPostgres("running as root and there is no postgres or nobody user to run PostgreSQL as")


class PgServer:
    def __init__(self):
        initdb, postgres = find_bin("initdb"), find_bin("postgres")
        if not (initdb and postgres):
            raise NoPostgres("initdb/postgres not found (on PATH or in /usr/lib/postgresql/*/bin)")
        self.root = Path(tempfile.mkdtemp(prefix="veille-pg-"))
        self.data, self.port, self.proc = self.root / "data", _free_port(), None
        self.log = self.root / "server.log"
        user = _run_as()
        as_user = {} if user is None else {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        if user is not None:
            os.chown(self.root, user.pw_uid, user.pw_gid)
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        made = subprocess.run([initdb, "-D", str(self.data), "-U", USER, "--auth=trust", "--encoding=UTF8",
                               "--locale=C", "--no-sync"], capture_output=True, text=True, env=env, **as_user)
        if made.returncode:
            self.cleanup()
            raise NoPostgres(f"initdb failed: {(made.stderr or made.stdout).strip()[-500:]}")
        self._postgres, self._env, self._as_user = postgres, env, as_user
        self.start()

    def start(self) -> None:
        """Start the server (again, after ``halt``: the same port, the same databases)."""
        # durability does not matter for a throwaway cluster: spare the fsyncs
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [self._postgres, "-D", str(self.data), "-k", str(self.root), "-h", "127.0.0.1", "-p", str(self.port),
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "max_connections=100"],
                stdout=log, stderr=subprocess.STDOUT, env=self._env, **self._as_user)
        self._wait()

    def _wait(self) -> None:
        import psycopg

        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres",
                                connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    why = self.log.read_text(errors="replace")[-800:]
                    self.stop()
                    raise NoPostgres(f"postgres did not start: {why}") from None
                time.sleep(0.1)

    def url(self, dbname: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    def createdb(self, dbname: str) -> str:
        """A new, empty database (dropped first if it exists); its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            c.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(dbname)))
        return self.url(dbname)

    def copydb(self, source: str, dbname: str) -> str:
        """A new database holding what ``source`` holds (no one may be connected to it); its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            c.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(dbname),
                                                                       sql.Identifier(source)))
        return self.url(dbname)

    def execute(self, dbname: str, statement: str) -> None:
        """One statement, as the cluster's superuser, on ``dbname`` (made by us: no user text)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname=dbname, autocommit=True) as c:
            c.execute(statement)

    def halt(self) -> None:
        """Stop the server as an administrator would (fast shutdown: sessions are ended); ``start``
        brings it back with its databases."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def stop(self) -> None:
        self.halt()
        self.cleanup()

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
