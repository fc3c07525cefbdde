"""Opening a database, and what its errors mean.

``target`` reads what a user gives as ``--db`` (a file path or a SQLAlchemy URL) and refuses,
in one line, a folder that does not exist, a driver that is not installed, a scheme or a URL
that is not one. ``open_engine`` makes the engine; on SQLite it takes BEGIN over from the
sqlite3 module (as SQLAlchemy's SQLite dialect notes describe), so that a transaction that
writes holds the write lock from its first statement: two processes then cannot both read the
same last revision, or both find an id missing and both insert it. ``unavailable`` reads
SQLite's result codes and PostgreSQL's SQLSTATEs: a read-only file, database or role, a full
disk, a failing disk, a server that went away mean that no later write can succeed either, so a
batch stops there rather than failing every document after. On PostgreSQL a text value loses
any U+0000 on its way in (PostgreSQL's text cannot hold it).
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from veille.errors import StoreUnavailableError

# SQLite's primary result codes (sqlite.org/rescode.html)
SQLITE_PERM, SQLITE_READONLY, SQLITE_INTERRUPT, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL = 3, 8, 9, 10, 11, 13
SQLITE_CANTOPEN, SQLITE_NOTADB = 14, 26
# another process's write transaction is short (one document); a writer waits this long for it
BUSY_MS = 30_000
WRITE = "veille_write"  # execution option of a connection whose transaction will write
DRIVER_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB", "mssql": "SQL Server",
                "oracle": "Oracle"}


@dataclass(frozen=True)
class Target:
    url: URL
    shown: str  # as the user gave it, any password hidden: what messages name
    path: Path | None  # the SQLite file, when the target is one


def target(given: str) -> Target:
    """What ``--db`` names; StoreUnavailableError when it cannot be a database at all."""
    if not given.strip():
        raise StoreUnavailableError("the database is not named: give --db a file path such as veille.db")
    if "://" not in given:
        url = URL.create("sqlite", database=given)
    else:
        try:
            url = make_url(given)
        except (ArgumentError, ValueError):
            raise StoreUnavailableError(f"{_hide(given)}: not a database URL (give a file path such as veille.db, "
                                        "or a URL such as sqlite:///veille.db)") from None
    shown = url.render_as_string(hide_password=True) if url.password else given
    path = _sqlite_file(url)
    if path is not None and not path.parent.is_dir():
        raise StoreUnavailableError(f"{shown}: the folder {path.parent} does not exist (create it, "
                                    "or give another --db)")
    return Target(url, shown, path)


def open_engine(t: Target, read_only: bool = False) -> Engine:
    """An engine for ``t``; ``read_only`` opens a SQLite file that this process may not write."""
    try:
        if read_only:
            engine = create_engine(t.url, creator=lambda: _read_only_connection(t.path))
        else:
            engine = create_engine(t.url)
    except NoSuchModuleError:
        raise StoreUnavailableError(f"{t.shown}: {t.url.drivername!r} is not a kind of database veille knows "
                                    "(give a file path such as veille.db, or a sqlite:/// or postgresql:// URL)") from None
    except ImportError as e:
        kind = DRIVER_NAMES.get(t.url.get_backend_name(), t.url.get_backend_name())
        raise StoreUnavailableError(f"{t.shown}: the {kind} driver is not installed (no module {e.name}); "
                                    "veille stores in SQLite or PostgreSQL: give a file path such as veille.db, "
                                    "or a postgresql:// URL") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _read_only_setup if read_only else _setup)
        event.listen(engine, "begin", _begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def can_read_only(t: Target) -> bool:
    """A SQLite file that exists, whose folder this process cannot write: it can still be read."""
    return t.path is not None and t.path.is_file() and not os.access(t.path.parent, os.W_OK)


def sqlite_code(e: BaseException) -> int | None:
    """SQLite's primary result code behind an error, if SQLite raised it."""
    code = getattr(getattr(e, "orig", None) or e, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def why(e: BaseException) -> str:
    """The driver's own words, on one line, without the SQL that SQLAlchemy adds."""
    return " ".join(str(getattr(e, "orig", None) or e).split())[:300]


def pg_state(e: BaseException) -> str | None:
    """PostgreSQL's SQLSTATE behind an error, if PostgreSQL (psycopg) raised it; "" for a
    connection that failed or broke without one (the server is not there, or went away)."""
    orig = getattr(e, "orig", None) or e
    if type(orig).__module__.split(".")[0] != "psycopg":
        return None
    state = getattr(orig, "sqlstate", None)
    if state:
        return state
    import psycopg

    return "" if isinstance(orig, psycopg.OperationalError) else None


def unavailable(e: BaseException, shown: str, doing: str) -> StoreUnavailableError | None:
    """The error to stop a batch with, when ``e`` means that no later write can succeed either."""
    state = pg_state(e)
    if state is not None:
        return _pg_unavailable(e, state, shown, doing)
    code = sqlite_code(e)
    if code in (SQLITE_READONLY, SQLITE_PERM):
        return StoreUnavailableError(f"{shown}: the database is read-only ({why(e)})")
    if code == SQLITE_FULL:
        return StoreUnavailableError(f"{shown}: disk full while {doing}")
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB):
        return StoreUnavailableError(f"{shown}: cannot write the database while {doing} ({why(e)})")
    return None


# PostgreSQL's SQLSTATEs (postgresql.org/docs/current/errcodes-appendix.html) after which no
# later write can succeed either: the server went away or shuts down, it cannot accept more
# connections, its disk is full, or this session may not write
PG_READ_ONLY = ("25006", "42501")  # read_only_sql_transaction, insufficient_privilege (a read-only role)
PG_DISK_FULL = ("53100",)  # disk_full
PG_GONE = ("57P01", "57P02", "57P03")  # admin_shutdown, crash_shutdown, cannot_connect_now


def server_gone(e: BaseException) -> bool:
    """The PostgreSQL server cannot be reached (class 08: connection exceptions), or is shutting down."""
    state = pg_state(e)
    return state is not None and (state == "" or state.startswith("08") or state in PG_GONE)


def _pg_unavailable(e: BaseException, state: str, shown: str, doing: str) -> StoreUnavailableError | None:
    if state in PG_READ_ONLY:
        return StoreUnavailableError(f"{shown}: the database is read-only ({why(e)})")
    if state in PG_DISK_FULL:
        return StoreUnavailableError(f"{shown}: disk full while {doing}")
    if server_gone(e):
        return StoreUnavailableError(f"{shown}: the database server cannot be reached while {doing} ({why(e)})")
    return None


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.query.get("uri") in ("true", "1") or url.database.startswith("file:"):
        return None  # a URI filename: SQLite reads it, with its own options
    return Path(url.database)


def _hide(given: str) -> str:
    """A URL that did not parse may still hold a password: keep only its scheme and host part."""
    scheme, _, rest = given.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}" if "@" in rest else given


def _setup(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN (see _begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_MS}")  # first: the WAL switch below may wait for a lock
    cur.execute("PRAGMA journal_mode=WAL")
    # with WAL, NORMAL never corrupts the file and survives a killed process; a power cut may
    # lose the last documents stored, which re-running the ingest restores. It spares an
    # fsync per document.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _read_only_setup(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None
    dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")


def _begin(conn) -> None:
    # a writer takes the lock at BEGIN, so what it reads first stays true until it commits;
    # a reader's BEGIN gives it one snapshot for all its statements
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def _without_nul(conn, cursor, statement, parameters, context, executemany):
    """PostgreSQL's text cannot hold U+0000 (SQLite's can): a NUL that reached a value (a page's title
    in an alert, say) is dropped rather than failing the write; it means nothing in a text."""
    def clean(value):
        return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value

    def clean_all(params):
        if isinstance(params, dict):
            return {k: clean(v) for k, v in params.items()}
        if isinstance(params, (list, tuple)):
            return type(params)(clean(v) for v in params)
        return params

    if executemany and isinstance(parameters, (list, tuple)):
        parameters = [clean_all(p) for p in parameters]
    else:
        parameters = clean_all(parameters)
    return statement, parameters


def _read_only_connection(path: Path) -> sqlite3.Connection:
    uri = "file:" + pathname2url(str(path.resolve()))
    conn = sqlite3.connect(uri + "?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    # a WAL database in a folder no one may write has no -shm file and cannot be given one;
    # nothing can write it through this folder either, so read it as it lies on disk
    return sqlite3.connect(uri + "?immutable=1", uri=True, check_same_thread=False)
