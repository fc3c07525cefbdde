"""Accuracy gate: the seeds through the real CLI and ../shared/eval/score.py.

The minimum figures are pinned so that no later change can lower them unnoticed.
Raise a floor when the pipeline gets better; never lower one to make a change pass.
"""
import json
import subprocess
import sys

import pytest
from conftest import run_cli

FLOORS = {
    "clean.keep": 1.00,
    "clean.drop": 0.95,
    "meta.title": 1.00,
    "meta.published": 1.00,
    "meta.language": 1.00,
    "meta.truncated": 1.00,
    "meta.genre": 1.00,
    "entities.recall": 0.95,
    "entities.type": 0.90,
    "entities.actor": 0.90,
    "places.recall": 0.90,
    "places.accuracy": 0.95,
    "events.recall": 0.80,
    "events.precision": 0.80,
    "events.actors": 0.80,
    "events.date": 0.80,
    "events.place": 0.80,
    "events.quantities": 1.00,
    "links.same_event": 1.00,
    "links.contradictions": 1.00,
}


@pytest.fixture(scope="module")
def scores(shared, tmp_path_factory):
    work = tmp_path_factory.mktemp("score")
    ingest = run_cli("ingest", str(shared / "seeds"), cwd=work)
    assert ingest.returncode == 0, ingest.stderr
    out = run_cli("export", "--format", "jsonl", cwd=work)
    links = run_cli("export", "--links", cwd=work)
    (work / "out.jsonl").write_text(out.stdout, encoding="utf-8")
    (work / "links.json").write_text(links.stdout, encoding="utf-8")
    cmd = [sys.executable, str(shared / "eval" / "score.py"), "--gold", str(shared / "gold" / "seeds"),
           "--pred", str(work / "out.jsonl"), "--links", str(work / "links.json")]
    verbose = subprocess.run(cmd + ["-v"], capture_output=True, text=True)
    print(verbose.stdout)  # shown by pytest when a floor fails
    return json.loads(subprocess.run(cmd + ["--json"], capture_output=True, text=True, check=True).stdout)["metrics"]


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(scores, metric):
    assert scores[metric] is not None, f"{metric} was not measured"
    assert scores[metric] >= FLOORS[metric], f"{metric} = {scores[metric]:.3f} < floor {FLOORS[metric]}"
