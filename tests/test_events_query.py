"""Events in the store: the indexed table, every query filter, revisions, one transaction per
document, and the event exports (JSONL, ACLED CSV, GeoJSON) through the real CLI.

Documents and events are built here by hand, so these tests do not depend on the extraction.
"""
import csv
import io
import json

import pytest
from conftest import run_cli
from sqlalchemy import inspect, text

from veille import Veille
from veille.errors import NotFoundError, QueryError, StoreError
from veille.model import Document, Event

ODESA = {"name": "Odesa", "lat": 46.4825, "lon": 30.7233, "country": "UA", "kind": "city"}
MYKOLAIV = {"name": "Mykolaiv", "lat": 46.975, "lon": 31.9946, "country": "UA", "kind": "city"}  # ~110 km from Odesa
KARABAKH = {"name": "Nagorno-Karabakh", "lat": 39.82, "lon": 46.75, "country": "AZ", "kind": "region"}
GYUMRI = {"name": "Gyumri", "lat": 40.7894, "lon": 43.8475, "country": "AM", "kind": "city"}
YEREVAN = {"name": "Yerevan", "lat": 40.1811, "lon": 44.5136, "country": "AM", "kind": "city"}


def event(text: str, evidence: str, type: str = "ASSAULT", mode: str | None = None, source=("RUS",),
          target=("UKR",), date: str | None = None, place: dict | None = None, modality: str = "asserted",
          quantities: dict | None = None, attributed_to: str | None = None) -> Event:
    start = text.index(evidence)
    precision = {10: "day", 7: "month", 4: "year"}.get(len(date or ""))
    return Event(type=type, mode=mode, source=list(source), target=list(target), date=date,
                 date_precision=precision, date_from="sentence" if date else None, place=place,
                 quantities=quantities or {}, attributed_to=attributed_to, modality=modality, evidence=evidence,
                 start=start, end=start + len(evidence), trigger=evidence.split()[1], trigger_start=start,
                 trigger_end=start + 5, confidence=0.8)


def document(doc_id: str, source: str, sentences: list[str], title: str, published: str | None) -> Document:
    return Document(id=doc_id, source=source, kind="txt", raw="", title=title, published=published,
                    language="fr", text=" ".join(sentences))


A = ["Des drones russes ont frappé le port d'Odessa le 10 mars, tuant deux personnes.",
     "L'artillerie russe aurait pilonné Mykolaïv en mars, selon Kyiv.",
     "Kyiv et Ankara prévoient de signer un accord cette année."]
B = ["Le 19 septembre, l'aviation azerbaïdjanaise a bombardé le Haut-Karabakh.",
     "Moscou renforce sa base de Gyumri.",
     "Le 21 septembre, des milliers d'Arméniens ont manifesté à Erevan."]


def doc_a() -> Document:
    d = document("a" * 16, "/corpus/a.txt", A, "Frappes sur Odessa", "2024-03-12")
    t = d.text
    d.events = [
        event(t, A[0], mode="drone", date="2024-03-10", place=ODESA, quantities={"killed": 2}),
        event(t, A[1], mode="heavy-weapons", date="2024-03", place=MYKOLAIV, modality="claimed",
              attributed_to="Kyiv"),
        event(t, A[2], type="AGREE", source=("UKR", "TUR"), target=(), date="2024", modality="planned"),
    ]
    return d


def doc_b() -> Document:
    d = document("b" * 16, "/corpus/b.txt", B, "Offensive au Karabakh", "2023-09-21")
    t = d.text
    d.events = [
        event(t, B[0], mode="aerial", source=("AZE",), target=("ARM", "NKR"), date="2023-09-19", place=KARABAKH),
        event(t, B[1], type="MOBILIZE", mode="troops", target=("ARM",), place=GYUMRI),
        event(t, B[2], type="PROTEST", mode="demo", source=("ARM",), target=("ARM",), date="2023-09-21",
              place=YEREVAN),
    ]
    return d


def doc_c(revision: int) -> Document:
    text = ["La police a arrêté un opposant en 2022."] if revision == 1 else ["L'UE a sanctionné la Russie en 2022."]
    d = document(f"c{revision}" * 8, "/corpus/c.txt", text, f"Révision {revision}", "2022-06-01")
    kind = "COERCE" if revision == 1 else "SANCTION"
    d.events = [event(d.text, text[0], type=kind, source=("RUS",) if revision == 1 else ("EU",),
                      target=("RUS",), date="2022")]
    return d


@pytest.fixture(scope="module")
def base(tmp_path_factory, dbs):
    """A database holding A, B and both revisions of C; the folder is also the CLI's working directory."""
    folder = tmp_path_factory.mktemp("events")
    v = Veille(db=dbs.url(folder), progress=False)
    for d in (doc_a(), doc_b(), doc_c(1), doc_c(2)):
        v.store.save(d)
    return v, folder


@pytest.fixture(scope="module")
def v(base):
    return base[0]


def evidence(hits) -> set[str]:
    return {h.event.evidence for h in hits}


# ---------------------------------------------------------------------------- filters

def test_type_one_or_several(v):
    assert evidence(v.events(type="ASSAULT")) == {A[0], A[1], B[0]}
    assert evidence(v.events(type=["AGREE", "protest"])) == {A[2], B[2]}
    assert evidence(v.events(type="AGREE,PROTEST")) == {A[2], B[2]}


def test_mode(v):
    assert evidence(v.events(mode="drone")) == {A[0]}


def test_actor_as_source_or_target(v):
    assert evidence(v.events(actor="AZE")) == {B[0]}  # source only
    assert evidence(v.events(actor="NKR")) == {B[0]}  # target only
    assert evidence(v.events(actor="arm")) == {B[0], B[1], B[2]}
    assert evidence(v.events(actor="ARM", role="source")) == {B[2]}
    assert evidence(v.events(actor="ARM", role="target")) == {B[0], B[1], B[2]}
    assert evidence(v.events(actor="TUR", role="target")) == set()


def test_country_of_the_place(v):
    assert evidence(v.events(country="UA")) == {A[0], A[1]}
    assert evidence(v.events(country="am")) == {B[1], B[2]}


def test_near_keeps_what_is_within_the_radius(v):
    hits = v.events(near=(46.48, 30.72, 50))
    assert evidence(hits) == {A[0]} and hits[0].km < 1
    hits = v.events(near="46.48,30.72,150")
    assert evidence(hits) == {A[0], A[1]}
    assert 100 < next(h.km for h in hits if h.event.evidence == A[1]) < 120
    assert evidence(v.events(near=(40.5, 44.2, 60))) == {B[1], B[2]}  # Gyumri and Yerevan, not Karabakh


def test_since_and_until_with_day_month_and_year_precision(v):
    # 2024-03-10 (day), 2024-03 (month), 2024 (year)
    assert evidence(v.events(since="2024-03-05")) == {A[0], A[1], A[2]}
    assert evidence(v.events(since="2024-03-11")) == {A[1], A[2]}  # the month and the year still overlap
    assert evidence(v.events(since="2024-04")) == {A[2]}
    assert evidence(v.events(since="2024-03-01", until="2024-03-09")) == {A[1], A[2]}
    assert evidence(v.events(until="2023-09-19")) == {B[0], doc_c(2).events[0].evidence}
    assert evidence(v.events(since="2023-09", until="2023-09")) == {B[0], B[2]}
    assert evidence(v.events(since="2023", until="2023-12-31")) == {B[0], B[2]}


def test_doc_modality_and_limit(v):
    assert evidence(v.events(doc="b.txt")) == set(B)
    assert evidence(v.events(doc="aaaaaa")) == set(A)  # an id prefix
    assert evidence(v.events(modality="claimed")) == {A[1]}
    newest = v.events(limit=2)
    assert [h.event.date for h in newest] == ["2024-03-10", "2024-03"]
    assert v.events()[-1].event.date is None  # undated last


def test_results_carry_their_document(v):
    [hit] = v.events(mode="drone")
    assert (hit.doc, hit.title, hit.published, hit.doc_id, hit.n) == ("a.txt", "Frappes sur Odessa", "2024-03-12",
                                                                      "a" * 16, 0)
    assert hit.event == doc_a().events[0]  # the event comes back as it was extracted
    assert hit.event.quantities == {"killed": 2}


def test_only_the_newest_revision_counts(v):
    assert v.events(type="COERCE") == []
    assert evidence(v.events(type="SANCTION")) == {"L'UE a sanctionné la Russie en 2022."}
    assert evidence(v.events(doc="c.txt")) == {"L'UE a sanctionné la Russie en 2022."}
    # an older revision named by its id is still there to read
    assert evidence(v.events(doc="c1" * 8)) == {"La police a arrêté un opposant en 2022."}


@pytest.mark.parametrize("filters, message", [
    (dict(type="BOMBING"), "not a PLOVER event type"),
    (dict(since="March 2024"), "since takes a date"),
    (dict(until="2024/03/01"), "until takes a date"),
    (dict(near="46.4,30.7"), "near takes LAT,LON,KM"),
    (dict(near=(95, 30, 10)), "-90 <= LAT <= 90"),
    (dict(modality="rumoured"), "not a modality"),
    (dict(role="victim", actor="UKR"), "source or target"),
    (dict(country="UKR"), "alpha-2"),
])
def test_bad_filters_are_typed_errors(v, filters, message):
    with pytest.raises(QueryError, match=message):
        v.events(**filters)


def test_unknown_doc_is_not_found(v):
    with pytest.raises(NotFoundError):
        v.events(doc="nothing.txt")


# ---------------------------------------------------------------------------- transactions and migration

def sql(v: Veille, query: str, **params) -> list[tuple]:
    with v.store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


def test_bad_event_rolls_the_whole_document_back(db_url):
    v = Veille(db=db_url(), progress=False)
    v.store.save(doc_b())
    d = doc_a()
    d.events[2].type = None  # NOT NULL on events.type, after two good events
    with pytest.raises(StoreError):
        v.store.save(d)
    with pytest.raises(NotFoundError):
        v.show(d.id)
    assert sql(v, "SELECT count(*) FROM documents") == [(1,)]
    assert sql(v, "SELECT count(*) FROM events WHERE doc_id = :d", d=d.id) == [(0,)]
    assert sql(v, "SELECT count(*) FROM event_actors WHERE doc_id = :d", d=d.id) == [(0,)]
    assert sql(v, "SELECT count(*) FROM events") == [(3,)]


def test_events_table_is_indexed_and_queryable(v):
    [row] = sql(v, "SELECT type, mode, source, target, date, date_precision, place_name, lat, lon, country, "
                   "geo_precision, quantities, modality FROM events WHERE doc_id = :d AND n = 0", d="b" * 16)
    assert row == ("ASSAULT", "aerial", "AZE", "ARM,NKR", "2023-09-19", "day", "Nagorno-Karabakh", 39.82, 46.75,
                   "AZ", 2, "{}", "asserted")
    seen = inspect(v.store.engine)
    indexes = {i["name"] for table in ("events", "event_actors") for i in seen.get_indexes(table)}
    assert {"events_type", "events_date", "events_country", "events_lat_lon", "event_actors_actor"} <= indexes


def test_migration_indexes_events_already_stored(db_url):
    path = db_url()
    first = Veille(db=path, progress=False)
    first.store.save(doc_b())
    cascade = " CASCADE" if first.store.engine.dialect.name == "postgresql" else ""  # events_fts refers to events
    with first.store.engine.begin() as conn:  # back to a database from before 003_events
        for statement in ("DROP TABLE event_actors", f"DROP TABLE events{cascade}",
                          "DELETE FROM migrations WHERE name = '003_events'"):
            conn.execute(text(statement))
    first.store.engine.dispose()
    again = Veille(db=path, progress=False)
    assert evidence(again.events(actor="ARM", role="source")) == {B[2]}


# ---------------------------------------------------------------------------- CLI and exports

def test_cli_events_json(base):
    r = run_cli("events", "--type", "ASSAULT", "--country", "UA", "--format", "json", cwd=base[1])
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert [h["evidence"] for h in hits] == [A[0], A[1]]
    first = hits[0]
    assert {"type", "mode", "source", "target", "date", "place", "quantities", "attributed_to", "modality",
            "evidence", "doc", "title", "published"} <= set(first)
    assert first["place"] == {k: ODESA[k] for k in ("name", "lat", "lon", "country")}
    assert first["doc"] == "a.txt" and first["published"] == "2024-03-12"


def test_cli_events_csv_and_near(base):
    r = run_cli("events", "--near", "46.48,30.72,50", "--format", "csv", cwd=base[1])
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 1 and rows[0]["evidence"] == A[0] and rows[0]["source"] == "RUS"
    assert rows[0]["doc"] == "a.txt" and float(rows[0]["km"]) < 1
    r = run_cli("events", "--actor", "ARM", "--role", "source", "--format", "csv", cwd=base[1])
    assert [row["type"] for row in csv.DictReader(io.StringIO(r.stdout))] == ["PROTEST"]


def test_cli_events_table(base):
    r = run_cli("events", "--doc", "a.txt", cwd=base[1])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:2] == ["date", "type/mode"] and len(lines) == 4
    assert "ASSAULT/drone" in lines[1] and "RUS → UKR" in lines[1] and "Odesa (UA)" in lines[1]
    assert "a.txt" in lines[1] and "Des drones russes" in lines[1]


def test_cli_events_bad_filter_is_one_line(base):
    r = run_cli("events", "--since", "mars", cwd=base[1])
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == ["veille: mars: since takes a date as YYYY, YYYY-MM or YYYY-MM-DD"]
    r = run_cli("events", "--type", "BOMB", cwd=base[1])
    assert r.returncode == 1 and "not a PLOVER event type" in r.stderr


def test_cli_events_help_has_an_example(base):
    assert "Example:" in run_cli("events", "--help", cwd=base[1]).stdout


def test_export_jsonl_events_in_gold_format(base):
    r = run_cli("export", "--format", "jsonl", cwd=base[1])
    records = {rec["doc"]: rec for rec in map(json.loads, r.stdout.splitlines())}
    assert set(records) == {"a.txt", "b.txt", "c.txt"} and records["c.txt"]["title"] == "Révision 2"
    drone, shelling, agree = records["a.txt"]["events"]
    assert drone["type"] == "ASSAULT" and drone["mode"] == "drone" and drone["source"] == ["RUS"]
    assert drone["place"] == {"name": "Odesa", "lat": 46.4825, "lon": 30.7233, "country": "UA"}
    assert drone["quantities"] == {"killed": 2} and drone["modality"] == "asserted"
    assert drone["evidence"] == A[0] and drone["date"] == "2024-03-10" and drone["date_precision"] == "day"
    segment, start, end = drone["offsets"]
    assert segment == "body" and records["a.txt"]["text"][start:end] == drone["evidence"]
    assert {"date_from", "confidence", "trigger"} <= set(drone)
    assert shelling["attributed_to"] == "Kyiv" and shelling["modality"] == "claimed"
    assert agree["place"] is None and agree["target"] == []


ACLED_HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
                "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
                "fatalities"]


def test_export_acled_csv(base):
    r = run_cli("export", "--format", "acled", cwd=base[1])
    assert r.returncode == 0, r.stderr
    reader = csv.DictReader(io.StringIO(r.stdout))
    assert reader.fieldnames == ACLED_HEADER
    rows = {row["notes"]: row for row in reader}
    assert len(rows) == 7  # A, B and the newest revision of C
    drone = rows[A[0]]
    assert (drone["event_date"], drone["year"], drone["time_precision"]) == ("2024-03-10", "2024", "1")
    assert (drone["event_type"], drone["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert (drone["actor1"], drone["actor2"], drone["country"], drone["location"]) == ("RUS", "UKR", "Ukraine",
                                                                                      "Odesa")
    assert (drone["geo_precision"], drone["fatalities"], drone["source"], drone["admin1"]) == ("1", "2", "a.txt", "")
    shelling = rows[A[1]]
    assert (shelling["event_date"], shelling["time_precision"]) == ("2024-03-15", "2")
    assert shelling["sub_event_type"] == "Shelling/artillery/missile attack" and shelling["fatalities"] == "0"
    agree = rows[A[2]]
    assert (agree["time_precision"], agree["event_type"], agree["sub_event_type"]) == ("3", "Strategic developments",
                                                                                     "Agreement")
    assert agree["latitude"] == "" and agree["actor1"] == "UKR; TUR" and agree["actor2"] == ""
    karabakh = rows[B[0]]
    assert (karabakh["geo_precision"], karabakh["admin1"], karabakh["actor2"]) == ("2", "Nagorno-Karabakh", "ARM; NKR")
    assert rows[B[2]]["event_type"] == "Protests"
    assert rows[B[1]]["event_date"] == "" and rows[B[1]]["sub_event_type"] == "Change to group/activity"


def test_export_geojson(base):
    r = run_cli("export", "--format", "geojson", "-o", "events.geojson", cwd=base[1])
    assert r.returncode == 0, r.stderr
    fc = json.loads((base[1] / "events.geojson").read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 5  # events with a point: A0, A1, B0, B1, B2
    for f in fc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert (lat, lon) == (f["properties"]["place"]["lat"], f["properties"]["place"]["lon"])
    odesa = next(f for f in fc["features"] if f["properties"]["evidence"] == A[0])
    assert odesa["geometry"]["coordinates"] == [30.7233, 46.4825]  # [lon, lat]
    assert odesa["properties"]["doc"] == "a.txt" and odesa["properties"]["title"] == "Frappes sur Odessa"
    assert odesa["properties"]["type"] == "ASSAULT" and odesa["properties"]["source"] == ["RUS"]


def test_export_links_unchanged(base):
    assert json.loads(run_cli("export", "--links", cwd=base[1]).stdout) == []


def test_show_lists_the_events(base):
    r = run_cli("show", "b.txt", cwd=base[1])
    assert r.returncode == 0, r.stderr
    card = r.stdout
    assert "events (3):" in card
    line = next(x for x in card.splitlines() if "ASSAULT/aerial" in x)
    assert "AZE → ARM,NKR" in line and "2023-09-19" in line and "Nagorno-Karabakh (AZ)" in line and "asserted" in line
    assert card.index("events (3):") > card.index("text:")


def test_user_kb_can_remap_acled_types(tmp_path):
    from veille.export import acled_type

    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "acled.tsv").write_text(
        "type\tmode\tevent_type\tsub_event_type\nASSAULT\tdrone\tBattles\tArmed clash\n", encoding="utf-8")
    drone = doc_a().events[0]
    assert acled_type(drone) == ("Explosions/Remote violence", "Air/drone strike")
    assert acled_type(drone, str(tmp_path)) == ("Battles", "Armed clash")
    assert acled_type(doc_a().events[1], str(tmp_path))[1] == "Shelling/artillery/missile attack"
