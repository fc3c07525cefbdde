"""Briefings (`veille report`): a real store holding the bundled examples, two pages we write that
tell one strike with different tolls, and a hostile page whose title is a script."""
from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from veille import Veille, report, report_images
from veille.errors import QueryError, VeilleError

from conftest import EXAMPLES, run_cli

FR = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Kharkiv : une frappe de missile russe tue cinq personnes près d'une boulangerie</title>
<meta property="og:site_name" content="Le Veilleur du Nord">
<meta property="article:published_time" content="2024-05-10T09:00:00+02:00"></head><body><article>
<h1>Kharkiv : une frappe de missile russe tue cinq personnes près d'une boulangerie</h1>
<p>Kharkiv, 10 mai 2024. Une frappe de missile russe a tué cinq personnes et blessé douze autres vendredi matin
près d'une boulangerie du quartier de Saltivka, à Kharkiv, selon le gouverneur régional Oleh Synehoubov.</p>
<p>Les secours ont travaillé toute la matinée pour dégager les décombres. Plusieurs immeubles voisins ont perdu
leurs fenêtres.</p></article></body></html>"""
EN = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Missile strike near a Kharkiv bakery kills seven</title>
<meta property="og:site_name" content="Eastern Wire Service">
<meta property="article:published_time" content="2024-05-10T15:00:00+00:00"></head><body><article>
<h1>Missile strike near a Kharkiv bakery kills seven</h1>
<p>KHARKIV, May 10, 2024 - A Russian missile strike killed seven people and wounded fifteen on Friday near a bakery
in the Saltivka district of Kharkiv, the city's mayor Ihor Terekhov said.</p>
<p>Rescue workers searched the rubble through the morning, and windows were blown out in nearby apartment
blocks.</p></article></body></html>"""
HOSTILE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title><script>alert(1)</script> Odessa port hit "><img src=x onerror=alert(1)></title>
</head><body><article>
<h1>&lt;script&gt;alert(1)&lt;/script&gt; Odessa port hit &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</h1>
<p>Odessa, 11 May 2024. Russian drones struck the port of Odessa on Saturday night, damaging a grain warehouse,
the Ukrainian navy said. "&gt;&lt;img src=x onerror=alert(1)&gt; was painted on the warehouse wall.</p>
<p>Port workers cleared the debris of the warehouse during the day while the navy counted the drones shot down
over the sea.</p></article></body></html>"""
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def store(tmp_path_factory, dbs):
    folder = tmp_path_factory.mktemp("report")
    pages = folder / "pages"
    pages.mkdir()
    for name, text in (("fr_kharkiv.html", FR), ("en_kharkiv.html", EN), ("hostile.html", HOSTILE)):
        (pages / name).write_text(text, encoding="utf-8")
    v = Veille(db=dbs.url(folder, "v.db"), progress=False)
    outcome = v.ingest([str(EXAMPLES), str(pages)])
    assert not outcome.failed
    return v


@pytest.fixture(scope="module")
def year(store, tmp_path_factory):
    """The briefing of 2024, written once: (Briefing, HTML text, PDF bytes)."""
    folder = tmp_path_factory.mktemp("year")
    b = report.write(store, "2024", "2024", html_path=str(folder / "b.html"), pdf_path=str(folder / "b.pdf"))
    return b, (folder / "b.html").read_text(encoding="utf-8"), (folder / "b.pdf").read_bytes()


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def sentences(b) -> list[str]:
    return [r["evidence"] for item in b.items for r in item["reports"]]


def test_html_is_one_file_with_the_map_and_the_timeline_embedded(year):
    _, html, _ = year
    found = tags(html)
    images = [a["src"] for t, a in found if t == "img"]
    assert len(images) == 2
    for src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [t for t, _ in found if t in ("script", "link", "iframe", "object", "embed")]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", html)
    assert "veille " in html and "Generated " in html and "Filters: none" in html


def test_the_strike_two_pages_tell_is_listed_first_with_both_sentences_figures_and_contradictions(year):
    b, html, _ = year
    top = next(i for i in b.items if any("Kharkiv" in r["evidence"] for r in i["reports"]))
    assert (top["type"], top["sources"], top["count"]) == ("ASSAULT", 2, 2)
    assert all(i["sources"] >= 2 for i in b.items[:b.items.index(top)])  # clusters come first
    told = " ".join(r["evidence"] for r in top["reports"])
    assert "killed seven people" in told and "a tué cinq personnes" in told
    assert sorted(v for _, v in top["figures"]["killed"]) == [5, 7]
    assert any("killed: 7 vs 5" in c["note"] or "killed: 5 vs 7" in c["note"] for c in top["contradictions"])
    for s in sentences(b):  # every listed sentence is in the page, escaped
        assert report.esc(s) in html
    assert "the sources differ" in html and "Contradiction: same assault" in html
    assert "Le Veilleur du Nord" in html and "Eastern Wire Service" in html


def test_pages_with_warnings_cite_their_words(year):
    b, html, _ = year
    kinds = {s["kind"] for p in b.pages for s in p["signals"]}
    assert "headline_style" in kinds and "truncated" in kinds  # the Syunik blog's title, the Sahel paywall
    assert report.esc("Il vous reste 58% de cet article à lire") in html
    assert report.esc("SYUNIK SOUS LES BOMBES") in html


def test_a_hostile_title_is_text(year):
    _, html, _ = year
    assert SCRIPT not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert [t for t, _ in tags(html) if t == "script"] == []
    assert all(a["src"].startswith("data:") for t, a in tags(html) if t == "img")


def test_pdf_has_pages(year):
    _, _, pdf = year
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2
    assert b"DejaVu" in pdf


def test_pdf_sets_any_script_and_drops_control_characters(tmp_path):
    b = report.Briefing(since="2024", until="2024", filters={}, generated="now", version="0")
    b.reports = b.events = 1
    b.items = [{"type": "PROTEST", "mode": None, "source": ["CHN"], "target": [], "date": None, "place": None,
                "sources": 1, "count": 1, "figures": {}, "contradictions": [],
                "reports": [{"doc": "x.html", "title": "抗议 — احتجاج — Протест — été\x1b[2J", "url": None, "site": "x",
                             "published": None, "evidence": "Des manifestants ont défilé 🚩\u202e à l'envers",
                             "date": None, "place": None, "quantities": {}, "attributed_to": None,
                             "modality": "asserted", "warnings": []}]}]
    from veille import report_pdf

    report_pdf.write(b, None, None, str(tmp_path / "b.pdf"))
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF-")
    assert report_pdf.clean("a\x1b[2Jb\u202ec") == "a [2Jb c"


@pytest.mark.parametrize("filters, present, absent", [
    ({"country": "ML"}, "Ténenkou", "Kharkiv"),
    ({"actor": "YEM"}, "Hodeidah", "Kharkiv"),
    ({"near": "50.0,36.25,40"}, "Kharkiv", "Odes"),
])
def test_filters_change_what_is_listed(store, filters, present, absent):
    b = report.build(store, "2024", "2024", **filters)
    listed = " ".join(sentences(b) + [r["title"] or "" for i in b.items for r in i["reports"]])
    assert b.items and present in listed and absent not in listed
    assert b.events < report.build(store, "2024", "2024").events


def test_the_period_changes_what_is_listed(store):
    june = report.build(store, "2024-06", "2024-06-30")
    assert june.items and all(i["date"] and i["date"].startswith("2024-06") for i in june.items)
    assert not any("Kharkiv" in s for s in sentences(june))


def test_no_event_in_range_gives_a_briefing_that_says_so(store, tmp_path):
    b = report.write(store, "1990", "1991", html_path=str(tmp_path / "b.html"), pdf_path=str(tmp_path / "b.pdf"))
    assert b.events == 0 and b.items == []
    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "No event was found in this period" in html and "<img" not in html
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF-")


def test_caps_are_said(store, monkeypatch):
    monkeypatch.setattr(report, "MAX_ITEMS", 2)
    monkeypatch.setattr(report, "MAX_PAGES", 1)
    b = report.build(store, "2024", "2024")
    assert len(b.items) == 2 and len(b.pages) == 1
    said = " ".join(report.caps(b))
    assert f"the 2 of {b.items_total} events" in said and f"1 of the {b.pages_warned} pages" in said


@pytest.mark.parametrize("since, until, country, message", [
    ("2024-06", "2024-05", None, "is after --until"),
    ("2024-13", "2024-12", None, "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("2024", "2024", "ZZ", "ZZ: no such country"),
    ("2024", "2024", "France", "alpha-2"),
])
def test_bad_arguments_are_refused(since, until, country, message):
    with pytest.raises(QueryError, match=message):
        report.check(since, until, country)


def test_a_month_and_a_day_in_it_make_a_period():
    report.check("2024-03", "2024-03-01")
    report.check("2024", "2024-12-31")


def test_cli_writes_html_and_pdf(store, tmp_path):
    db = store.options.db
    done = run_cli("--db", db, "report", "--since", "2024-05", "--until", "2024-05", "--country", "UA",
                   "-o", "b.html", "--pdf", "b.pdf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote b.html and b.pdf" in done.stderr
    assert "a tué cinq personnes" in (tmp_path / "b.html").read_text(encoding="utf-8")
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("args, message", [
    (["--since", "2024-06", "--until", "2024-05"], "is after --until"),
    (["--since", "2024-02-30", "--until", "2024-05"], "2024-02-30"),
    (["--since", "2024", "--until", "2024", "--country", "QQ"], "QQ: no such country"),
    (["--since", "2024", "--until", "2024", "--near", "91,0,10"], "near"),
    (["--since", "2024", "--until", "2024", "-o", "no/such/folder/b.html"], "cannot write the briefing"),
])
def test_cli_refuses_bad_arguments_in_one_line(store, tmp_path, args, message):
    done = run_cli("--db", store.options.db, "report", *args, cwd=tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("veille: ") and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_borders_decode_into_closed_rings_on_both_sides_of_the_antimeridian():
    rings = report_images.border_rings()
    assert len(rings) > 200
    assert all(np.isfinite(r).all() for r in rings)
    for r in rings:  # no edge across the map, but along a pole to close Antarctica
        wide = np.abs(np.diff(r[:, 0])) > 180
        assert (np.abs(r[1:, 1][wide]) == 90).all()
    lons = np.concatenate([r[:, 0] for r in rings])
    assert lons.min() < -170 and lons.max() > 170  # Chukotka and Fiji, both sides


def test_missing_borders_are_a_clear_error(monkeypatch):
    monkeypatch.setattr(report_images, "BORDERS", ("web", "static", "vendor", "nowhere", "countries.json"))
    report_images._atlas.cache_clear()
    try:
        with pytest.raises(VeilleError, match="borders are missing"):
            report_images.border_rings()
    finally:
        report_images._atlas.cache_clear()


def test_map_frames_the_events():
    png = report_images.map_png([{"lat": 50.0, "lon": 36.2, "type": "ASSAULT", "sources": 3, "place": "Kharkiv"},
                                 {"lat": 46.5, "lon": 30.7, "type": "AID", "sources": 1, "place": "Odesa"}])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    x0, x1, y0, y1 = report_images._frame([{"lat": 50.0, "lon": 36.2}, {"lat": 46.5, "lon": 30.7}])
    assert x0 < 30.7 < 36.2 < x1 and y0 < 46.5 < 50.0 < y1 and x1 - x0 < 20
