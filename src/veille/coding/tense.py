"""Which way a clause points in time, from its verb: forward (a future, "va se rendre",
"will meet", "plans to visit", a conditional present "se rendrait"), back (a past, an
imperfect, a compound past "a frappé", "has said"), or unknown (the present, no verb).

The dates stage uses it to place a day, month or season named without a date. The verbs
that point forward when they govern an infinitive are the ``ahead`` rows of
``kb/time_words.tsv``.
"""
from __future__ import annotations

from veille.lexicon import fold
from veille.timewords import words

MAX_CLIMB = 6  # head links from a date word up to its clause's verb


def _has(tok, feature: str, value: str) -> bool:
    return value in tok.morph.get(feature)


def _finite(tok) -> bool:
    return _has(tok, "VerbForm", "Fin") or tok.tag_ == "MD"


def _past(tok) -> bool:
    return _has(tok, "Tense", "Past") or _has(tok, "Tense", "Imp") or tok.tag_ == "VBD"


def direction(tok, lang: str) -> int:
    """+1, -1 or 0 for the clause that holds ``tok`` (a token of a date expression)."""
    doc = tok.doc
    if not doc.has_annotation("MORPH") or not doc.has_annotation("DEP"):
        return 0
    ahead = words(lang, "ahead")
    verb, from_infinitive = tok, False
    for _ in range(MAX_CLIMB):
        if verb.pos_ in ("VERB", "AUX"):
            auxes = [c for c in verb.children if c.dep_.startswith("aux")]
            if _finite(verb) or any(_finite(a) for a in auxes):
                break
            # "signer", "être ratifié", "to visit": an infinitive, whose governor may point forward
            from_infinitive = from_infinitive or _has(verb, "VerbForm", "Inf") or any(
                _has(a, "VerbForm", "Inf") for a in auxes)
        if verb.head.i == verb.i:
            return 0
        verb = verb.head
    else:
        return 0
    auxes = [c for c in verb.children if c.dep_.startswith("aux")]
    participle = _has(verb, "VerbForm", "Part") or verb.tag_ == "VBN"
    passive = participle and any(c.dep_ in ("aux:pass", "auxpass") for c in verb.children)
    past_aux = any(_past(a) or _has(a, "Mood", "Cnd") for a in auxes)
    if _has(verb, "Tense", "Fut") or any(_has(a, "Tense", "Fut") for a in auxes):
        return 1
    if any(fold(a.lemma_) in ahead and not _past(a) for a in auxes):
        return 1  # "will meet", "va se rendre"
    if fold(verb.lemma_) in ahead and not past_aux and (
            (from_infinitive and not participle and not _past(verb)) or passive):
        return 1  # "doit signer", "plans to visit", "is going to", "est prévu", "is expected"
    if _has(verb, "Mood", "Cnd") and not auxes:
        return 1  # "il se rendrait mardi à Paris"
    if passive and not past_aux and not any(fold(a.lemma_) in ("avoir", "have") for a in auxes):
        return 0  # a present passive: "est attendu", "is held"
    if past_aux or _past(verb) or (auxes and participle):
        return -1  # "avait frappé", "aurait frappé", "a frappé", "has struck", "said"
    return 0
