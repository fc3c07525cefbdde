"""Accuracy gate: every gold set through the real CLI and ../shared/eval/score.py.

- seeds: the five French articles the project started from (../shared/gold/seeds);
- plover-dev: PLOVER's 166 English sentences with their gold event (../shared/gold/plover-dev);
- wikinews-fr, voa-en: our own gold for real French Wikinews pages and VOA stories
  (tests/gold/, read its README), on texts from ../shared/corpus.

The minimum figures are pinned at what veille reaches, so that no later change can lower
them unnoticed. Raise a floor when the pipeline gets better; never lower one to make a
change pass. On the Wikinews pages whose story holds no violence or coercion, the number of
ASSAULT and COERCE events is capped the same way.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

HERE = Path(__file__).resolve().parent

FLOORS = {
    "seeds": {
        "clean.keep": 1.00, "clean.drop": 0.95, "meta.title": 1.00, "meta.published": 1.00,
        "meta.language": 1.00, "meta.truncated": 1.00, "meta.genre": 1.00,
        "entities.recall": 0.95, "entities.type": 0.90, "entities.actor": 0.90,
        "places.recall": 0.90, "places.accuracy": 0.95,
        "events.recall": 0.80, "events.precision": 0.80, "events.actors": 0.80, "events.date": 0.80,
        "events.place": 0.80, "events.quantities": 1.00,
        "links.same_event": 1.00, "links.contradictions": 1.00,
    },
    "plover-dev": {
        "meta.language": 0.99,
        "events.recall": 0.86, "events.precision": 0.91, "events.actors": 0.81,
    },
    "wikinews-fr": {
        "clean.keep": 0.98, "meta.title": 1.00, "meta.published": 1.00, "meta.language": 1.00, "meta.genre": 0.96,
        "meta.truncated": 1.00,
        "entities.recall": 0.91, "entities.type": 0.98, "entities.actor": 0.89,
        "places.recall": 0.90, "places.accuracy": 0.98,
        # events.place went 8/9 -> 10/12: more events found, two of them placed by the story's context
        # wrongly or not at all (44550 'Louisiana' for Quebec, 45625 no place for Madrid)
        "events.recall": 0.84, "events.precision": 0.97, "events.actors": 0.82, "events.date": 0.92,
        "events.place": 0.83, "events.quantities": 1.00,
    },
    "voa-en": {
        "clean.keep": 1.00, "meta.title": 1.00, "meta.published": 1.00, "meta.language": 1.00,
        "meta.genre": 1.00, "meta.truncated": 1.00,
        "entities.recall": 0.95, "entities.type": 0.97, "entities.actor": 0.95,
        "places.recall": 0.91, "places.accuracy": 0.98,
        # events.place 39/48 -> 42/56: seven more core events found, some
        # where the text gives no day or place of their own (a jailbreak's gunfire and toll placed at the
        # lead's town, Croix-des-Bouquets being no place the places stage finds; "221 cases of rape ...
        # reported ... last year" dated by the page, its date hanging on "children"; Charlevoix not found)
        "events.recall": 0.85, "events.precision": 0.85, "events.actors": 0.80, "events.date": 0.80,
        "events.place": 0.75, "events.quantities": 0.88,
    },
}
CALM_CAP = 0  # ASSAULT/COERCE events on the Wikinews pages that tell no violence or coercion


def _sets(shared: Path) -> dict:
    return {
        "seeds": ([shared / "seeds"], shared / "gold" / "seeds", True),
        "plover-dev": ([shared / "gold" / "plover-dev" / "articles"], shared / "gold" / "plover-dev" / "gold", False),
        "wikinews-fr": ([shared / "corpus" / "wikinews-fr"], HERE / "gold" / "wikinews-fr", False),
        "voa-en": ([shared / "corpus" / "voa-en" / "voa_stories.jsonl"], HERE / "gold" / "voa-en", False),
    }


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request, shared, tmp_path_factory, dbs):
    """Ingest a gold set through the CLI, export, score. In the PostgreSQL pass the CLI's database
    in ``work`` is a PostgreSQL one (``dbs``): the same floors hold whatever the store."""
    name = request.param
    inputs, gold, links = _sets(shared)[name]
    work = tmp_path_factory.mktemp(name)
    dbs.url(work)
    ingest = run_cli("ingest", "-q", *map(str, inputs), cwd=work)
    assert ingest.returncode == 0, ingest.stderr
    out = run_cli("export", "--format", "jsonl", cwd=work)
    (work / "out.jsonl").write_text(out.stdout, encoding="utf-8")
    cmd = [sys.executable, str(shared / "eval" / "score.py"), "--gold", str(gold), "--pred", str(work / "out.jsonl")]
    if links:  # the links of a set of unrelated sentences or pages say nothing
        (work / "links.json").write_text(run_cli("export", "--links", cwd=work).stdout, encoding="utf-8")
        cmd += ["--links", str(work / "links.json")]
    print(subprocess.run(cmd + ["-v"], capture_output=True, text=True).stdout)  # shown when a floor fails
    metrics = json.loads(subprocess.run(cmd + ["--json"], capture_output=True, text=True, check=True).stdout)["metrics"]
    return name, metrics, work / "out.jsonl", gold


def test_floors(scored):
    name, metrics, _, _ = scored
    low = {m: (metrics[m], floor) for m, floor in FLOORS[name].items() if metrics[m] is None or metrics[m] < floor}
    assert not low, f"{name}: below the floor: " + ", ".join(
        f"{m} = {'not measured' if v is None else f'{v:.3f}'} < {f}" for m, (v, f) in low.items())


def test_calm_pages_tell_no_attack(scored):
    name, _, out, gold = scored
    pages = gold / "_pages.json"
    if not pages.exists():
        pytest.skip(f"{name} classifies no page as calm")
    calm = {p["doc"] for p in json.loads(pages.read_text(encoding="utf-8")) if not p["violence_or_coercion"]}
    found = [(rec["doc"], e["type"], e["evidence"]) for rec in map(json.loads, out.read_text(encoding="utf-8").splitlines())
             if Path(rec["doc"]).name in calm for e in rec["events"] if e["type"] in ("ASSAULT", "COERCE")]
    assert len(found) <= CALM_CAP, found
