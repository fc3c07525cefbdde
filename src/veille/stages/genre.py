"""genre: news, analysis, opinion, satire or press release, with the words that tell it.

Reported speech ("a déclaré", "selon") in many sentences tells news; the writer's own
voice (first person, exclamation marks) tells opinion; the writer's reasoning
("le message est clair", "en définitive") with little reported speech tells analysis.
A page that calls itself a press release or satire is one. The evidence goes to the
document's signals.
"""
from __future__ import annotations

import re

from veille.coding.lexicon import load as load_events
from veille.lexicon import fold, rows, split
from veille.model import Document
from veille.pipeline import Context, Stage

NEWS_SHARE = 0.2  # of sentences with reported speech


def cues(lang: str, user_dir: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in rows("genre.tsv", user_dir):
        if r["lang"] == lang:
            out.setdefault(r["cue"], []).extend(fold(f) for f in split(r["forms"]))
    return out


def _find(text: str, words: list[str]) -> list[str]:
    found = []
    for w in words:
        pat = rf"(?<!\w){re.escape(w)}" + ("" if w.endswith("'") else r"(?!\w)")
        found += re.findall(pat, text)
    return found


FIRST_PERSON = frozenset(("je", "j'", "nous", "on", "i", "we"))
QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"\n]*\"")


def _unquoted(text: str) -> str:
    return QUOTED.sub(" ", text)


def _reports(tok, report: set[str], parsed: bool) -> bool:
    """A reporting verb with someone saying ("Bakou affirme", "a déclaré le ministère"),
    or "selon …"; not "afin d'assurer l'efficacité". Without a parse (English), the verb
    alone: a document with no parser has no children to read, and spaCy crashes reading them."""
    if fold(tok.text) in report and tok.pos_ == "ADP":
        return True
    if fold(tok.lemma_) not in report and fold(tok.text) not in report:
        return False
    # someone else speaks: "je le dis sans détour" is the writer's own voice
    return not parsed or any(c.dep_ in ("nsubj", "nsubj:pass") and fold(c.text) not in FIRST_PERSON
                             for c in tok.children)


def genre(doc: Document, ctx: Context) -> Document:
    lang = doc.language if doc.language in ("fr", "en") else "fr"
    words = cues(lang, ctx.options.kb_dir)
    lex = load_events(lang, ctx.options.kb_dir)
    body = fold(doc.text)
    page = fold((doc.title or "") + "\n" + (doc.site or "") + "\n" + doc.text[:400])
    report = lex.cue_words("report") | lex.cue_words("according")
    sentences, reported = [], []
    for _, sdoc in doc.work.get("parsed", {}).get("body", []):
        parsed = sdoc.has_annotation("DEP")
        for sent in sdoc.sents:
            if len(sent) <= 4:
                continue
            sentences.append(sent.text)
            if any(_reports(t, report, parsed) for t in sent):
                reported.append(sent.text)
    share = len(reported) / max(1, len(sentences))
    own = fold(_unquoted(doc.text))  # the writer's own voice: quotations are someone else's
    first = _find(own, words.get("first_person", []))
    exclaim = own.count("!") + (doc.title or "").count("!")
    reasoning = _find(own, words.get("analysis", []))
    if _find(page, words.get("press_release", [])):
        value, why = "press_release", _find(page, words["press_release"])
    elif _find(page, words.get("satire", [])):
        value, why = "satire", _find(page, words["satire"])
    elif (len(first) >= 3 or exclaim >= 2) and share < NEWS_SHARE:  # much reported speech: the "I" is theirs
        value, why = "opinion", first[:5] + (["!" * min(exclaim, 3)] if exclaim else [])
    elif reasoning and share < NEWS_SHARE:
        value, why = "analysis", reasoning[:5] + [f"reported speech in {len(reported)} of {len(sentences)} sentences"]
    else:  # a report by default: the writer neither argues nor speaks for himself
        value, why = "news", [s[:80] for s in reported[:3]] or ["no argument, no first person"]
    doc.genre = value
    doc.signals = [s for s in doc.signals if s.get("kind") != "genre"] + [
        {"kind": "genre", "value": value, "evidence": why, "reported_share": round(share, 2)}]
    return doc


STAGE = Stage("genre", genre, requires=("text", "language", "parsed"), provides=("genre",))
