"""Accuracy on every gold set, as a new user would measure it: the real CLI in a fresh
folder, then ../shared/eval/score.py.

Sets: the seeds (../shared/gold/seeds), PLOVER's English sentences (../shared/gold/plover-dev),
our own gold for French Wikinews pages (tests/gold/wikinews-fr) and VOA stories
(tests/gold/voa-en). For the Wikinews corpus it also counts the ASSAULT and COERCE events
found on the pages whose story holds no violence or coercion (tests/gold/wikinews-fr/_pages.json).

    python bench/accuracy.py [set ...] [-v]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SETS = {
    "seeds": ([SHARED / "seeds"], SHARED / "gold" / "seeds"),
    "plover-dev": ([SHARED / "gold" / "plover-dev" / "articles"], SHARED / "gold" / "plover-dev" / "gold"),
    "wikinews-fr": ([SHARED / "corpus" / "wikinews-fr"], ROOT / "tests" / "gold" / "wikinews-fr"),
    "voa-en": ([SHARED / "corpus" / "voa-en" / "voa_stories.jsonl"], ROOT / "tests" / "gold" / "voa-en"),
}


def veille(*args: str, cwd: Path) -> str:
    exe = shutil.which("veille", path=str(Path(sys.executable).parent)) or "veille"
    done = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0 and args[0] != "ingest":
        sys.exit(f"accuracy: veille {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def score(name: str, verbose: bool) -> dict:
    inputs, gold = SETS[name]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        veille("ingest", "-q", *map(str, inputs), cwd=work)
        (work / "out.jsonl").write_text(veille("export", "--format", "jsonl", cwd=work), encoding="utf-8")
        (work / "links.json").write_text(veille("export", "--links", cwd=work), encoding="utf-8")
        cmd = [sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(gold),
               "--pred", str(work / "out.jsonl"), "--links", str(work / "links.json")]
        print(f"== {name}")
        print(subprocess.run(cmd + (["-v"] if verbose else []), capture_output=True, text=True).stdout)
        metrics = json.loads(subprocess.run(cmd + ["--json"], capture_output=True, text=True).stdout)
        pages = gold / "_pages.json"
        if pages.exists():
            calm = {p["doc"] for p in json.loads(pages.read_text(encoding="utf-8")) if not p["violence_or_coercion"]}
            found = []
            for line in (work / "out.jsonl").read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                if Path(rec["doc"]).name in calm:
                    found += [(rec["doc"], e["type"], e["evidence"][:90]) for e in rec["events"]
                              if e["type"] in ("ASSAULT", "COERCE")]
            print(f"ASSAULT/COERCE on the {len(calm)} pages with no violence or coercion: {len(found)}")
            for doc, kind, ev in found:
                print(f"    {doc} {kind}: {ev}")
            metrics["calm_assault_coerce"] = len(found)
        return metrics


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", default=list(SETS), help=f"any of {', '.join(SETS)} (default: all)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    a = ap.parse_args(argv)
    unknown = [s for s in a.sets if s not in SETS]
    if unknown:
        ap.error(f"no such set: {', '.join(unknown)}")
    for name in a.sets:
        score(name, a.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
