"""Fuzz campaign: generated hostile inputs through the readers, clean, meta, dates and the
whole ingest. Nothing may raise out of them, no stage may fail, no worker may crash or hang.

The seed is fixed (``derandomize``) so CI runs the same inputs every time; ``make fuzz``
runs the same properties with ten times the examples and a random seed
(``VEILLE_FUZZ_SCALE=10 VEILLE_FUZZ_RANDOM=1``).
"""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille import Veille
from veille.errors import InputError
from veille.model import Document
from veille.pipeline import Context
from veille.readers import decode, read, read_jsonl
from veille.settings import Options

SCALE = float(os.environ.get("VEILLE_FUZZ_SCALE", "1"))
RANDOM = os.environ.get("VEILLE_FUZZ_RANDOM") == "1"


def runs(n: int):
    return settings(max_examples=max(1, int(n * SCALE)), derandomize=not RANDOM, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))


# ------------------------------------------------------------------ strategies
WORDS = ["Kyiv", "Paris", "le", "la", "a", "frappé", "mardi", "12", "mai", "2024", "selon", "l'armée", "said",
         "the", "troops", "killed", "«", "»", "(", ")", "[", "]", "{", "}", "\u200b", "\ufeff", "\x00", "\x1b[2J",
         "\u202e", "𝕏", "🔥", "ﷺ", "İ", "ß", "\ud800", "1er", "3/4/5", "99999999999999999999", "--", "…", "\t",
         "\r", "\n", "\n\n", "<", ">", "&amp;", "&#0;", "&#xD800;", "é", "\u0301", "Α", "Ж", "中", "ـ"]
texty = st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=120).map(" ".join)
giant = st.tuples(st.sampled_from(["(", "[", "1", "x", "🔥", " ", "é", "<div>", "\n", "a.", "12/12/12 "]),
                  st.integers(1, 60_000)).map(lambda t: t[0] * t[1])
any_text = st.one_of(st.text(max_size=400), texty, giant)
def surrogates_ok(text: str) -> bytes:
    """UTF-8 bytes as a broken writer leaves them, lone surrogates included."""
    return text.encode("utf-8", "surrogatepass")


ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "cp1251", "shift_jis",
             "gb18030", "koi8-r"]


@st.composite
def broken_bytes(draw):
    """Text in some encoding, then cut, spliced with random bytes, or given a wrong BOM."""
    text = draw(texty)
    enc = draw(st.sampled_from(ENCODINGS))
    data = text.encode(enc, "surrogatepass" if enc.startswith("utf") else "replace")
    how = draw(st.sampled_from(["as is", "cut", "splice", "bom", "random"]))
    if how == "cut" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "splice":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=16)) + data[at:]
    elif how == "bom":
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])) + data
    elif how == "random":
        data = draw(st.binary(max_size=2000))
    return data


@st.composite
def html_page(draw):
    depth = draw(st.integers(0, 3000))
    tag = draw(st.sampled_from(["div", "p", "span", "table", "li", "b", "script", "figure", "a"]))
    body = draw(texty)
    parts = [draw(st.sampled_from(["", "<!DOCTYPE html>", "<?xml version='1.0'?>", "<html><head><meta charset='x'>"]))]
    parts.append(f"<title>{draw(texty)}</title>" if draw(st.booleans()) else "")
    parts.append(f"<{tag}>" * depth + f"<p>{body}</p>" + (f"</{tag}>" * depth if draw(st.booleans()) else ""))
    if draw(st.booleans()):
        parts.append("<p>" * draw(st.integers(0, 5000)))
    if draw(st.booleans()):
        parts.append(f"<figure><figcaption>{draw(texty)}</figcaption></figure><script>{draw(texty)}</script>")
    return "".join(parts)


json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=4), max_leaves=12)


@st.composite
def jsonl_line(draw):
    kind = draw(st.sampled_from(["record", "value", "broken", "deep", "nul"]))
    if kind == "record":
        rec = {k: draw(json_value | any_text) for k in draw(st.sets(st.sampled_from(
            ["url", "title", "published", "author", "site", "text", "html"]), max_size=7))}
        if draw(st.booleans()):
            rec["text"] = draw(texty)
        return json.dumps(rec, ensure_ascii=draw(st.booleans()))
    if kind == "value":
        return json.dumps(draw(json_value))
    if kind == "deep":
        n = draw(st.integers(1, 200_000))
        return draw(st.sampled_from(["[", "{\"a\":"])) * n
    if kind == "nul":
        return "\x00" * draw(st.integers(1, 10)) + draw(texty)
    return draw(st.text(max_size=200))


# ------------------------------------------------------------------ properties
@runs(3000)
@given(data=st.one_of(broken_bytes(), st.binary(max_size=3000)))
def test_decode_gives_text_or_an_input_error(data):
    try:
        text = decode(data, "fuzz.txt")
    except InputError as e:
        assert str(e).startswith("fuzz.txt: ") and "\n" not in str(e)
        return
    assert isinstance(text, str)
    text.encode("utf-8")  # no lone surrogate escapes


@runs(1500)
@given(lines=st.lists(jsonl_line(), min_size=1, max_size=5))
def test_jsonl_lines_fail_alone(lines):
    items = list(read_jsonl("\n".join(lines), "fuzz.jsonl"))
    for item in items:
        if isinstance(item, InputError):
            assert "\n" not in item.reason
        else:
            item.content.encode("utf-8")
            item.content_id


@runs(800)
@given(data=st.one_of(broken_bytes(), html_page().map(surrogates_ok)), suffix=st.sampled_from([".txt", ".html", ".jsonl"]))
def test_read_any_file(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("f") / f"fuzz{suffix}"
    path.write_bytes(data)
    for item in read(str(path), Options()):
        assert isinstance(item, InputError) or isinstance(item.content, str)


@pytest.fixture(scope="module")
def stages():
    from veille.stages import clean, dates, meta

    ctx = Context(Options())
    return ctx, clean.clean, meta.meta, dates.resolve


@runs(1500)
@given(raw=st.one_of(any_text, html_page()), kind=st.sampled_from(["txt", "html"]),
       hints=st.dictionaries(st.sampled_from(["title", "published", "author", "site"]), any_text, max_size=2))
def test_clean_and_meta_take_anything(stages, raw, kind, hints):
    ctx, clean, meta, _ = stages
    doc = Document(id="fuzz", source="fuzz", kind=kind, raw=raw, hints=hints)
    doc = meta(clean(doc, ctx), ctx)
    assert isinstance(doc.text, str)
    for d in doc.dropped:
        assert isinstance(d.text, str)


@runs(2500)
@given(text=any_text, lang=st.sampled_from(["fr", "en"]),
       published=st.none() | st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_dates_take_anything(stages, text, lang, published):
    *_, resolve = stages
    for t in resolve(text, lang, published):
        assert 0 <= t.start <= t.end <= len(text)
        assert t.value is None or t.value[:4].isdigit()


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, dbs):
    return Veille(db=dbs.url(tmp_path_factory.mktemp("fuzzdb"), "fuzz.db"), progress=False, workers=2, doc_timeout=60)


a_file = st.one_of(st.tuples(st.just(".txt"), st.one_of(broken_bytes(), any_text.map(surrogates_ok))),
                   st.tuples(st.just(".html"), html_page().map(surrogates_ok)),
                   st.tuples(st.just(".jsonl"), st.lists(jsonl_line(), min_size=1, max_size=6).map(
                       lambda ls: surrogates_ok("\n".join(ls)))))


@runs(25)
@given(files=st.lists(a_file, min_size=40, max_size=40))
def test_the_whole_ingest_survives_generated_inputs(fuzz_app, tmp_path_factory, files):
    """Batches of generated files through the real ingest with two workers: every input
    gets an outcome, no stage fails, no worker crashes or hangs."""
    folder = tmp_path_factory.mktemp("batch")
    names = []
    for i, (suffix, data) in enumerate(files):
        path = folder / f"{i:03d}{suffix}"
        path.write_bytes(data)
        names.append(str(path))
    report = fuzz_app.ingest([str(folder)])
    seen = {o.source.split("#")[0] for o in report.outcomes}
    missing = [n for n in names if n not in seen and not n.endswith(".jsonl")]
    assert not missing, missing[:5]
    crashed = [o for o in report.outcomes if o.status == "failed" and ("worker" in o.reason or "gave up" in o.reason)]
    assert not crashed, crashed[:5]
    stage_failures = [(o.source, w) for o in report.outcomes for w in o.warnings if "stage " in w and " failed" in w]
    assert not stage_failures, stage_failures[:5]
