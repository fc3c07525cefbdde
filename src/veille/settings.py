"""Settings: one declared table of name, default and help.

The table feeds ``veille settings`` and the README; values come from, in order, the
defaults, environment variables (``VEILLE_<NAME>`` upper-cased) and the ``Options``
object a caller builds. There is no other route to a setting.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from veille.errors import VeilleError


def _default_data_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "veille")


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "veille.db", "database file (SQLite) or SQLAlchemy URL"),
    Setting("data_dir", _default_data_dir(), "where the place index is built once, on first use"),
    Setting("kb_dir", "", "a folder of your own knowledge-base files, read after the bundled ones"),
    Setting("max_bytes", 20_000_000, "inputs larger than this many bytes are refused"),
    Setting("url_timeout", 20.0, "seconds to wait for a URL"),
    Setting("min_population", 500, "smallest city kept in the place index"),
    Setting("progress", True, "show a progress bar on runs of more than a few documents"),
    Setting("workers", 0, "processes that parse documents in parallel (0: one per core)"),
    Setting("doc_timeout", 60.0, "seconds one document may take in a worker before it is given up"),
    Setting("max_memory_mb", 1500, "megabytes one worker may use for a document before it is given up"),
    Setting("watch_delay", 2.0, "seconds between two requests to one host when polling sources (more if robots.txt asks)"),
    Setting("user_agent", "veille/0.1 (+https://github.com/veille; news analysis)",
            "the User-Agent sent with every request, and the name robots.txt rules are read for"),
    Setting("desk_url", "http://127.0.0.1:8000", "the desk's address, for the links in alerts"),
    Setting("smtp_host", "", "mail server for alerts sent by email (empty: no email)"),
    Setting("smtp_port", 587, "its port"),
    Setting("smtp_tls", "starttls", "starttls, ssl or none"),
    Setting("smtp_user", "", "user name to log in with (empty: no login)"),
    Setting("smtp_password", "", "its password (better set through VEILLE_SMTP_PASSWORD)"),
    Setting("smtp_from", "veille@localhost", "the From address of alert emails"),
)


@dataclass(frozen=True)
class Options:
    db: str = "veille.db"
    data_dir: str = _default_data_dir()
    kb_dir: str = ""
    max_bytes: int = 20_000_000
    url_timeout: float = 20.0
    min_population: int = 500
    progress: bool = True
    workers: int = 0
    doc_timeout: float = 60.0
    max_memory_mb: int = 1500
    watch_delay: float = 2.0
    user_agent: str = "veille/0.1 (+https://github.com/veille; news analysis)"
    desk_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "veille@localhost"

    @classmethod
    def load(cls, **overrides) -> "Options":
        """Defaults, then VEILLE_* environment variables, then explicit overrides."""
        values = {}
        for f in fields(cls):
            env = os.environ.get(f"VEILLE_{f.name.upper()}")
            if env is not None:
                try:
                    values[f.name] = _coerce(env, f.default)
                except ValueError:
                    raise VeilleError(f"VEILLE_{f.name.upper()}={env!r}: not a number") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def _coerce(text: str, like: object) -> object:
    if isinstance(like, bool):
        return text.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(text)
    if isinstance(like, float):
        return float(text)
    return text


assert [s.name for s in SETTINGS] == [f.name for f in fields(Options)], "settings table out of step"
