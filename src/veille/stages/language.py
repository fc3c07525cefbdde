"""language: ISO 639-1 code of the clean text, from py3langid (offline, ships its model)."""
from __future__ import annotations

from veille.model import Document
from veille.pipeline import Context, Stage


def identifier():
    import py3langid

    return py3langid


def language(doc: Document, ctx: Context) -> Document:
    sample = (doc.title or "") + "\n" + doc.text[:2000]  # ample for two languages; its cost grows with it
    if not sample.strip():
        doc.language = None
        return doc
    if "langid" not in ctx.cache:
        ctx.cache["langid"] = identifier()
    code, _prob = ctx.cache["langid"].classify(sample)
    doc.language = code
    return doc


STAGE = Stage("language", language, requires=("text",), provides=("language",))
