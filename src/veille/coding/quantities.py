"""Quantities a sentence gives: "au minimum 10 morts et 6 blessés et 12 soldats capturés",
"deux millions de dollars", "killing at least 12 people and wounding 30"."""
from __future__ import annotations

import re
from functools import lru_cache

from veille.coding.lexicon import EventLexicon
from veille.lexicon import fold
from veille.timeparse import number_pattern, number_value


@lru_cache(maxsize=8)
def _patterns(lang: str, words: tuple[str, ...]):
    num = number_pattern(lang)
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    # number, up to two words (soldats, civils, people), the quantity word
    word = r"(?!(?:and|et|ou|or)\b)[\w’'-]+"
    after = re.compile(rf"(?<![\w,.])(?P<n>{num})(?:\s+(?:de|d'|d’|of))?(?:\s+{word}){{0,2}}?\s+(?P<w>{alt})(?!\w)", re.I)
    # the quantity word first: "killing at least 12", "tuant au moins 4"
    before = re.compile(rf"(?<!\w)(?P<w>{alt})\s+(?:(?:at least|au moins|au minimum|plus de|more than|some|about|environ|près de)\s+)?(?P<n>{num})(?!\w)", re.I)
    return after, before


def find(sentence: str, lex: EventLexicon) -> dict[str, float]:
    """Key → number for every quantity the sentence states (the first figure for a key)."""
    if not lex.quantities:
        return {}
    folded = fold(sentence)
    after, before = _patterns(lex.lang, tuple(lex.quantities))
    out: dict[str, float] = {}
    spans = []
    for pat in (before, after):
        for m in pat.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            value = number_value(sentence[m.start("n"):m.end("n")], lex.lang)
            key = lex.quantities.get(fold(m.group("w")))
            if value is None or key is None or key in out:
                continue
            out[key] = value
            spans.append(m.span())
    return out


PATIENT_DEPS = ("obj", "dobj", "nsubj:pass", "nsubjpass")
NUMBER_DEPS = ("nummod", "det", "nmod", "quantmod")


def from_parse(sent, lex: EventLexicon, people: set[int]) -> dict[str, float]:
    """Figures the parse ties to a verb of casualties: "killed all six attackers", "seven
    people were killed", "wounding 30", "killed Mansoor Tima-Weeyne" (one person: 1). They
    are more precise than the sentence's first figure when a sentence holds several."""
    out: dict[str, float] = {}
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        key = lex.quantities.get(fold(tok.text)) or lex.quantities.get(fold(tok.lemma_))
        if key is None or key in out:
            continue
        for patient in _patients(tok):
            value = _count(patient, lex, people)
            if value is not None:
                out[key] = value
                break
    return out


def _patients(verb) -> list:
    """Who undergoes a verb of casualties: its object or passive subject; for a participle that
    describes the subject of the clause it hangs on ("one of the leaders is dead, killed in a
    raid", "two soldiers died, shot by snipers"), that subject."""
    own = [c for c in verb.children if c.dep_ in PATIENT_DEPS]
    if own or verb.tag_ != "VBN" or verb.dep_ not in ("advcl", "conj") or verb.head.i == verb.i \
            or any(c.dep_ in ("nsubj", "nsubj:pass", "aux", "auxpass") for c in verb.children):
        return own
    return [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass", "nsubj:pass")]


def _count(noun, lex: EventLexicon, people: set[int]) -> float | None:
    if noun.pos_ == "NUM":  # "wounding 30"
        return number_value(noun.text, lex.lang)
    for c in noun.children:
        if c.dep_ in NUMBER_DEPS and (c.pos_ == "NUM" or c.like_num):
            value = number_value(c.text, lex.lang)
            if value is not None:
                return value
    single = "Sing" in noun.morph.get("Number") or (noun.tag_ in ("NN", "NNP") and noun.lang_ == "en")
    if (noun.i in people or noun.ent_type_ in ("PERSON", "PER")) and "Plur" not in noun.morph.get("Number"):
        return 1.0  # a named person
    if single and (fold(noun.lemma_) in lex.cue_words("person") or fold(noun.text) in lex.cue_words("person")
                   or fold(noun.lemma_) in lex.cue_words("office")):
        return 1.0  # "le maire", "a journalist"
    return None
