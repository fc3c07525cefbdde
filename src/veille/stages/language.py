"""language: ISO 639-1 code of the clean text, from py3langid (offline, ships its model)."""
from __future__ import annotations

import re
from itertools import islice

from veille.model import Document
from veille.pipeline import Context, Stage


# The written languages of the news veille may meet. Leaving out the model's creoles,
# dialects and minority languages keeps a short English or French passage from being taken
# for one of them ("Gunmen killed three villagers near Kano" read as Nigerian Pidgin).
LANGUAGES = ("fr", "en", "de", "es", "it", "pt", "nl", "ru", "uk", "be", "pl", "cs", "sk", "ro", "bg", "sr", "hr",
             "sl", "hu", "el", "tr", "az", "hy", "ka", "kk", "ar", "fa", "ur", "he", "hi", "bn", "zh", "ja", "ko",
             "vi", "id", "ms", "th", "sw", "am", "sv", "da", "no", "fi", "et", "lv", "lt")


def identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    ident.set_languages([c for c in LANGUAGES if c in ident.nb_classes])
    return ident


WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,25}(?![^\W\d_])")  # a word of letters, not a run of them
SAMPLE_WORDS = 320  # ample to tell two languages apart; the cost grows with the sample


def sample_of(text: str) -> str:
    """The first words of a text, without signs, digits, emoji or runs of letters: what tells
    its language (a page that opens on 8,000 brackets and emoji is still French)."""
    return " ".join(m.group() for m in islice(WORD.finditer(text), SAMPLE_WORDS))


def language(doc: Document, ctx: Context) -> Document:
    sample = sample_of((doc.title or "") + "\n" + doc.text[:200_000])
    if not sample.strip():
        doc.language = None
        return doc
    if "langid" not in ctx.cache:
        ctx.cache["langid"] = identifier()
    code, _prob = ctx.cache["langid"].classify(sample)
    doc.language = code
    return doc


STAGE = Stage("language", language, requires=("text",), provides=("language",))
