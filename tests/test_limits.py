"""Hostile inputs: no document of 20 MB or less may take more than a bounded time or memory.

Each hostile document goes through the whole pipeline (``Veille.process``) in a child
process, so a crash shows as a failed test and the peak RSS is the child's own. A child
runs several cases (loading the models dominates); between cases it resets the kernel's
high-water mark (``/proc/self/clear_refs``) so each case's peak is its own.

Run ``python tests/test_limits.py CASE ...`` to print the figures of some cases.
"""
from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

SECONDS = 30  # the goal is 60 s; this machine should do every case in half of it
PEAK_MB = 1536

WORDS = ("frappe armée ville village gouvernement ministre accord frontière soldats civils drones "
         "missiles négociations conflit région autorités habitants pont route usine centrale électrique "
         "porte-parole communiqué cessez-le-feu offensive blocus sanctions réunion sommet").split()
NAMES = ("Kiev Moscou Odessa Kharkiv Bakou Erevan Paris Berlin Washington Pékin Goris Stepanakert "
         "Zelensky Poutine Aliev Pachinian Macron OTAN ONU").split()
SUBJECTS = ("Les forces russes", "L'armée ukrainienne", "Le ministère de la Défense", "Kiev", "Moscou",
            "Les autorités locales", "Le gouvernement arménien", "Bakou", "Le président français")
VERBS = ("ont frappé", "a bombardé", "a annoncé avoir visé", "affirme avoir détruit", "a condamné",
         "a rencontré", "aurait attaqué", "a livré des armes à", "menace de frapper")
OBJECTS = ("des positions près d'Odessa", "la ville de Kharkiv", "un dépôt de carburant à Bakou",
           "les représentants de l'OTAN", "la centrale de Zaporijia", "des villages près de Goris")
WHEN = ("le 12 mars 2024", "mardi", "hier soir", "trois jours plus tard", "", "", "en septembre 2023")
TAILS = (", selon le porte-parole.", ", a déclaré un responsable.", ".", ", d'après l'agence.")


def _french(size: int, seed: int = 1) -> str:
    """Paragraphs of news-like French sentences, about ``size`` characters."""
    rnd = random.Random(seed)
    paras, n = [], 0
    while n < size:
        para = " ".join(
            f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {rnd.choice(WHEN)}".rstrip()
            + rnd.choice(TAILS) + f" Au moins {rnd.randint(2, 40)} personnes ont été tuées et "
            f"{rnd.randint(2, 90)} blessées." for _ in range(rnd.randint(2, 5)))
        paras.append(para)
        n += len(para) + 2
    return "Frappes dans le sud du pays\n\n" + "\n\n".join(paras)


def _words(size: int, seed: int = 2, caps: float = 0.1) -> str:
    rnd = random.Random(seed)
    vocab = WORDS + NAMES
    out, n = [], 0
    while n < size:
        w = rnd.choice(vocab)
        w = w.capitalize() if rnd.random() < caps else w
        out.append(w)
        n += len(w) + 1
    return " ".join(out)


def _emoji(n: int, spaced: bool) -> str:
    rnd = random.Random(3)
    pool = ["\U0001F600", "\U0001F4A5", "\U0001F1FA\U0001F1E6", "\U0001F44D\U0001F3FD",
            "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\u2764\uFE0F", "\U0001F525", "\U0001F680"]
    return (" " if spaced else "").join(rnd.choice(pool) for _ in range(n))


def _mixed_scripts(size: int) -> str:
    rnd = random.Random(4)
    ranges = [(0x41, 0x7A), (0x410, 0x44F), (0x621, 0x64A), (0x5D0, 0x5EA), (0x4E00, 0x4FFF), (0x905, 0x939),
              (0xE01, 0xE2E), (0x1100, 0x1112), (0x300, 0x36F)]
    out, n = [], 0
    while n < size:
        a, b = rnd.choice(ranges)
        word = "".join(chr(rnd.randint(a, b)) for _ in range(rnd.randint(1, 12)))
        out.append(word)
        n += len(word) + 1
    return " ".join(out)


def _english(size: int) -> str:
    sentence = ("Residents of the area (local): officials said the strike (near the border) hit a school "
                "and that the army (which denies it) would respond, according to the governor's office. ")
    para = sentence * 4
    return "Officials say strike hit a school\n\n" + "\n\n".join([para.strip()] * (size // len(para) + 1))


def _html_deep(n: int) -> str:
    return "<html><head><title>Page</title></head><body>" + "<div>texte " * n + "</div>" * n + "</body></html>"


def _html_wide(n: int) -> str:
    return ("<html><head><title>Page</title></head><body><article>"
            + "".join(f"<p>Paragraphe {i} du texte.</p>" for i in range(n)) + "</article></body></html>")


def _html_article(size: int) -> str:
    paras = _french(size, seed=5).split("\n\n")
    return ("<html><head><title>Frappes dans le sud</title></head><body><article><h1>Frappes dans le sud</h1>"
            + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>")


def _nested_words(n: int) -> str:
    return "Le texte " + "(selon " * n + "Kiev" + ")" * n + " a été publié."


ENGLISH = ("the army attacked struck shelled a village near Kyiv officials said Russia Ukraine troops killed "
           "wounded drones missiles border talks ceasefire according to the ministry spokesman").split()


def _english_words(size: int) -> str:
    rnd = random.Random(7)
    out, n = [], 0
    while n < size:
        w = rnd.choice(ENGLISH)
        out.append(w)
        n += len(w) + 1
    return "Officials said the army struck a village near the border " + " ".join(out)


def _html_figures(n: int) -> str:
    figures = "".join(f"<figure><img src='p{i}.jpg'><figcaption>Photo {i} du front</figcaption></figure>"
                      for i in range(n))
    return ("<html><head><title>Frappes</title></head><body><article>" + figures
            + "".join(f"<p>{p}</p>" for p in _french(20 * KB).split("\n\n")) + "</article></body></html>")


def _short_lines(size: int) -> str:
    rnd = random.Random(6)
    lines, n = [], 0
    while n < size:
        line = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 6)))
        lines.append(line)
        n += len(line) + 1
    return "\n".join(lines)


KB = 1000
MB = 1000 * KB
CASES: dict[str, tuple[str, callable]] = {  # name → (kind, builder)
    "parens": ("txt", lambda: "(" * 50 * KB + ")" * 50 * KB),
    "parens_spaced": ("txt", lambda: "( " * 25 * KB + ") " * 25 * KB),
    "parens_words": ("txt", lambda: _nested_words(10 * KB)),
    "emoji": ("txt", lambda: _emoji(25 * KB, spaced=False)),
    "emoji_spaced": ("txt", lambda: _emoji(20 * KB, spaced=True)),
    "digits": ("txt", lambda: "Le code est " + "0123456789" * 24 * KB + ", selon Kiev."),
    "numbers_spaced": ("txt", lambda: " ".join(str(i % 997) for i in range(60 * KB))),
    "numbers_separated": ("txt", lambda: " ".join(f"{i % 900 + 1} {i % 1000:03d},{i % 97}" for i in range(24 * KB))),
    "dates_like": ("txt", lambda: "12/12/12 " * (240 * KB // 9)),
    "dates_many": ("txt", lambda: "\n\n".join(f"Le {i % 28 + 1} mars 2024, trois jours plus tard, puis la veille "
                                                f"du {i % 12 + 1} juin, mardi {i % 28 + 1} avril 2023." for i in range(5000))),
    "sentence_5mb": ("txt", lambda: "Le texte commence ici " + _words(5 * MB)),
    "line_1mb_letters": ("txt", lambda: "abcdefghij" * 100 * KB),
    "line_1mb_mixed": ("txt", lambda: "Kiev,Moscou.(Odessa)-l'OTAN/12:30«x»" * (MB // 36)),
    "names_repeated": ("txt", lambda: "Paris " * 40 * KB),
    "names_mixed": ("txt", lambda: _words(300 * KB, caps=1.0)),
    "quotes": ("txt", lambda: "« Nous frapperons », a dit Kiev. " * 8 * KB + "«" * 20 * KB + "»" * 20 * KB),
    "punctuation": ("txt", lambda: "!?.…" * 25 * KB + "\n" + "-" * 100 * KB + "\n" + "." * 100 * KB),
    "mixed_scripts": ("txt", lambda: _mixed_scripts(200 * KB)),
    "zalgo": ("txt", lambda: ("a" + "\u0301\u0316\u0338" * 300 + " ") * 200),
    "many_paragraphs": ("txt", lambda: "Un mot.\n\n" * 300 * KB),
    "short_lines_20mb": ("txt", lambda: _short_lines(19 * MB)),
    "french_20mb": ("txt", lambda: _french(19 * MB)),
    "english_parens": ("txt", lambda: _english(20 * KB)),
    "html_deep": ("html", lambda: _html_deep(50 * KB)),
    "html_wide": ("html", lambda: _html_wide(100 * KB)),
    "html_20mb": ("html", lambda: _html_article(19 * MB)),
    "html_figures": ("html", lambda: _html_figures(20 * KB)),
    "breadcrumbs": ("txt", lambda: _french(2 * KB) + "\n\n" + "\n".join(["ab » " * 25 + "x" * 70] * 3)),
    "number_words": ("txt", lambda: "trois cent vingt " * 6 * KB),
    "digit_groups": ("txt", lambda: "Il y a " + "100 " * 60 * KB + "jours."),
    "decimal_lists": ("txt", lambda: "\n\n".join(["Des obus de " + ",".join(["1"] * 60) + " x."] * 200)),
    "english_words": ("txt", lambda: _english_words(MB)),
    "header_lines": ("txt", lambda: _short_lines(400 * KB) + "\n" + _french(3 * KB)),
    "comment_lines": ("txt", lambda: _french(3 * KB) + "\n\nCommentaires\n" + _short_lines(400 * KB)),
}


def build(name: str):
    from veille.readers import RawInput

    kind, make = CASES[name]
    return RawInput(source=name, kind=kind, content=make())


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_cases(names: list[str]) -> None:
    """In the child: one JSON line per case with its seconds, peak RSS and warnings."""
    from veille import Veille
    from veille.errors import VeilleError
    from veille.readers import RawInput

    v = Veille(db=os.devnull, progress=False)
    v.process(RawInput(source="warm-up", kind="txt", content=_french(3000)))  # models load here, unmeasured
    for name in names:
        raw = build(name)
        exact = _reset_peak()
        t0 = time.perf_counter()
        error = None
        try:
            doc = v.process(raw)
            errors, size = doc.errors, len(doc.text)
        except VeilleError as e:
            errors, size, error = [], 0, str(e)
        line = {"name": name, "seconds": round(time.perf_counter() - t0, 2), "peak_mb": round(_peak_mb()),
                "exact_peak": exact, "input_chars": len(raw.content), "text_chars": size, "errors": errors,
                "error": error}
        print(json.dumps(line), flush=True)


GROUPS = [  # the heavy cases spread over two children, so that they share the two cores about evenly
    ["french_20mb", "html_wide", "names_repeated", "parens", "emoji", "quotes", "numbers_spaced", "dates_many",
     "number_words", "english_words", "parens_spaced", "numbers_separated", "dates_like", "english_parens",
     "breadcrumbs", "header_lines", "comment_lines"],
    ["html_20mb", "short_lines_20mb", "sentence_5mb", "html_figures", "digit_groups", "punctuation", "mixed_scripts",
     "names_mixed", "many_paragraphs", "parens_words", "emoji_spaced", "line_1mb_letters", "line_1mb_mixed",
     "zalgo", "html_deep", "digits", "decimal_lists"],
]


def _child(names: list[str]) -> dict[str, dict]:
    """Figures of the cases from one child; a case it never reported on counts as crashed."""
    proc = subprocess.Popen([sys.executable, __file__, *names], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        stdout, stderr = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    out = {}
    for line in stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            out[r["name"]] = r
    for name in names:
        out.setdefault(name, {"name": name, "crashed": proc.returncode, "stderr": stderr[-2000:]})
    return out


@pytest.fixture(scope="module")
def figures() -> dict[str, dict]:
    assert sorted(n for g in GROUPS for n in g) == sorted(CASES), "every case belongs to one group"
    with ThreadPoolExecutor(len(GROUPS)) as pool:
        results = list(pool.map(_child, GROUPS))
    return {k: v for r in results for k, v in r.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_document_is_bounded(figures, name):
    r = figures[name]
    assert "crashed" not in r, f"{name}: the child died (status {r.get('crashed')}): {r.get('stderr')}"
    assert r["seconds"] < SECONDS, f"{name}: {r['seconds']} s"
    assert r["peak_mb"] < PEAK_MB, f"{name}: peak RSS {r['peak_mb']} MB"
    assert not [e for e in r["errors"] if "stage" in e and "failed" in e], f"{name}: {r['errors']}"


ENGLISH_BRACKETS = ("Strike near the border\n\n" + "\n\n".join([
    "Residents of the area (local): officials said the strike (near the border) hit a school, according to "
    "the governor.",
    "The army (which denies it) said it would respond; residents (dozens of them) fled to the city (Kharkiv).",
    "Officials were told (by the military) only minutes before the strike, the mayor said."] * 6))


def test_english_text_without_a_parser_does_not_kill_the_process(tmp_path):
    """spaCy crashes (SIGSEGV) reading a token's children in a document no parser has seen:
    English has none. Run in a child so that a regression fails here instead of killing pytest."""
    script = ("import json, sys\nfrom veille import Veille\nfrom veille.readers import RawInput\n"
              "d = Veille(db=sys.argv[2], progress=False).process(RawInput(source='en', kind='txt', "
              "content=open(sys.argv[1], encoding='utf-8').read()))\n"
              "print(json.dumps({'language': d.language, 'genre': d.genre, 'errors': d.errors}))\n")
    (tmp_path / "en.txt").write_text(ENGLISH_BRACKETS, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "en.txt"), str(tmp_path / "v.db")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"status {proc.returncode}: {proc.stderr[-1000:]}"
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"language": "en", "genre": "news", "errors": []}


def test_a_long_text_is_cut_with_a_warning_and_offsets_stay_exact(process):
    from veille.stages.clean import MAX_TEXT

    text = _french(2 * MAX_TEXT, seed=11)
    body = text.split("\n\n", 1)[1]  # the cleaner takes the first line for a title
    doc = process(text)
    assert len(doc.text) <= MAX_TEXT and body.startswith(doc.text)
    assert body[len(doc.text):].startswith("\n\n")  # cut between paragraphs
    assert doc.errors == [f"only the first {len(doc.text):,} of {len(body):,} characters were analysed"]
    assert doc.events and all(doc.text[e.start:e.end] == e.evidence for e in doc.events)
    assert all(doc.text[e.trigger_start:e.trigger_end] == e.trigger for e in doc.events)
    assert all(doc.text[m.start:m.end] == m.text for e in doc.entities for m in e.mentions if m.segment == "body")
    assert all(doc.text[t.start:t.end] == t.text for t in doc.dates)


def test_a_long_article_is_not_cut(process):
    text = _french(150 * KB, seed=12)
    doc = process(text)
    assert not doc.errors and len(doc.text) > 149 * KB


def test_runs_without_spaces_reach_the_parser_in_pieces_and_offsets_hold(process):
    from veille.stages.nlp import MAX_RUN, parser_input

    run = "(" * 3000 + "l'" * 2000 + "\U0001F525" * 1000
    assert len(parser_input(run)) == len(run) and max(map(len, parser_input(run).split())) <= MAX_RUN
    text = ("Frappes\n\n" + run + " Les forces russes ont frappé Odessa le 12 mars 2024, selon Kiev.\n\n"
            "Le ministère a annoncé mardi que trois personnes avaient été tuées.")
    doc = process(text)
    assert not doc.errors
    strike = next(e for e in doc.events if e.type == "ASSAULT")
    assert doc.text[strike.trigger_start:strike.trigger_end] == strike.trigger == "frappé"
    assert doc.text[strike.start:strike.end] == strike.evidence and strike.evidence.endswith("selon Kiev.")
    assert "Odessa" in [m.text for p in doc.places for m in p.mentions]


def test_the_language_is_read_from_words_not_from_signs():
    from veille.stages.language import sample_of

    assert sample_of("((((l'l'l'\U0001F525\U0001F525 Les forces russes, 12 mars 2024 ; selon Kiev") == \
        "Les forces russes mars selon Kiev"
    assert sample_of("x" * 40 + " mot") == "mot"  # a run of letters is no word


def test_a_run_of_signs_ends_a_sentence():
    from veille.stages.nlp import model

    doc = model("fr")("Bonjour " + "( " * 20 + "Les forces russes ont frappé Odessa.")
    assert [s.text for s in doc.sents][-1] == "Les forces russes ont frappé Odessa."
    doc = model("fr")("Les forces (russes) ont frappé Odessa - selon Kiev - mardi.")
    assert len(list(doc.sents)) == 1


def test_a_long_sentence_is_broken_for_the_stages_after_the_parser():
    from veille.stages.nlp import MAX_SENTENCE, model

    doc = model("fr")(" ".join(["frappe"] * (3 * MAX_SENTENCE)))
    assert max(len(s) for s in doc.sents) <= MAX_SENTENCE


def test_spans_answer_as_a_pass_over_every_span_would():
    from veille.lexicon import Spans

    rnd = random.Random(5)
    spans, taken = [], Spans()
    for _ in range(2000):
        s = rnd.randrange(0, 5000)
        e = s + rnd.randrange(1, 30)
        if rnd.random() < 0.5:
            spans.append((s, e))
            taken.add(s, e)
        assert taken.overlaps(s, e) == any(s < b and a < e for a, b in spans)


def test_a_breadcrumb_line_is_read_in_linear_time():
    from veille.stages.clean import classify, clutter_rules

    rules = clutter_rules()
    assert classify("Accueil › International › Europe", rules).reason == "breadcrumb"
    t0 = time.perf_counter()
    assert classify("ab » " * 200 + "x" * 70, rules) is None
    assert time.perf_counter() - t0 < 1


if __name__ == "__main__":
    run_cases(sys.argv[1:])
