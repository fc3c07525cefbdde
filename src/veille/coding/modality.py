"""How the text holds an event, and who says so.

modality: denied (negation on the trigger, or a denial verb above it), threatened
(under a threat verb), planned (under a word of intention or readiness), hypothetical
(in an "if" clause), claimed (French conditional mood, or a claim word), else asserted.
attributed_to: the object of "selon"/"according to", or the subject of a reporting
verb the event's clause hangs on.
"""
from __future__ import annotations

from veille.coding.arguments import subtree
from veille.coding.lexicon import EventLexicon
from veille.lexicon import fold


def _key(tok) -> str:
    return fold(tok.lemma_ or tok.text)


def ancestors(tok, depth: int = 4):
    h = tok
    for _ in range(depth):
        if h.head.i == h.i:
            return
        h = h.head
        yield h


def negated(tok, lex: EventLexicon) -> bool:
    neg = lex.cue_words("negation")
    return any(c.dep_ in ("advmod", "det", "cc", "advmod:neg") and fold(c.text) in neg for c in tok.children) or (
        any(fold(c.text) in neg for a in tok.children if a.dep_.startswith("aux") for c in a.children))


def french(trigger, lex: EventLexicon) -> tuple[str, object | None]:
    """(modality, governing cue token)."""
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else (trigger.head if trigger.head.pos_ == "VERB" else trigger)
    if negated(trigger, lex) or (verb.i != trigger.i and negated(verb, lex) and trigger.dep_ in ("obj", "nsubj")):
        return "denied", None
    if any(lex.is_cue("deny", _key(c)) or lex.is_cue("deny", fold(c.text)) for c in trigger.children):
        return "denied", None  # "Moscou dément avoir bombardé" (the parser may hang "dément" below)
    subj = [c for c in verb.children if c.dep_.startswith("nsubj")]
    if any(fold(d.text) in lex.cue_words("negation") for s in subj for d in s.children if d.dep_ == "det"):
        return "denied", None  # "aucun pays ne reconnaît"
    below = trigger
    for a in ancestors(trigger):
        k = _key(a)
        if below.dep_ == "conj" and below.head.i == a.i:
            below = a
            continue  # "ils lui avaient offert X et elle l'avait refusé": a clause joined to the cue, not under it
        below = a
        if lex.is_cue("deny", k):
            return "denied", a
        if lex.is_cue("threat", k):
            return "threatened", a
        if lex.is_cue("plan", k) or lex.is_cue("commit", k):
            return "planned", a
        if a.pos_ == "VERB" and a.dep_ == "ROOT":
            break
    clause = [trigger] + list(ancestors(trigger, 2))
    if any(fold(c.text) in lex.cue_words("hypothetical") for h in clause for c in h.children if c.dep_ == "mark"):
        return "hypothetical", None
    moods = {m for t in [verb] + [c for c in verb.children if c.dep_.startswith("aux")] for m in t.morph.get("Mood")}
    if "Cnd" in moods:
        return "claimed", None
    if "Fut" in verb.morph.get("Tense"):
        return "planned", None  # "fournira": announced, not done
    if any(_key(c) in lex.cue_words("claimed") or fold(c.text) in lex.cue_words("claimed") for c in trigger.children):
        return "claimed", None
    return "asserted", None


def french_source(trigger, lex: EventLexicon) -> str | None:
    sent = trigger.sent
    for tok in sent:  # "selon les premiers rapports", "d'après Kiev"
        if fold(tok.text) in lex.cue_words("according") or lex.is_cue("according", fold(tok.text), fold(tok.nbor(1).text) if tok.i + 1 < len(tok.doc) else ""):
            head = tok.head if tok.head.i != tok.i else None
            if head is not None and head.i > tok.i:
                words = [t for t in subtree(head) if t.i > tok.i and not t.is_punct]
                words = sorted(words, key=lambda t: t.i)
                if words:
                    return tok.doc[words[0].i:words[-1].i + 1].text.strip(" ,")
    below = [c for c in trigger.children if c.dep_ in ("parataxis", "ccomp", "conj", "advcl") and c.i > trigger.i]
    for a in list(ancestors(trigger, 5)) + below:  # "X a frappé Y, a déclaré le porte-parole"
        if lex.is_cue("report", _key(a)):
            subj = [c for c in a.children if c.dep_ in ("nsubj", "nsubj:pass")]
            if subj:
                toks = sorted(subtree(subj[0]), key=lambda t: t.i)
                return trigger.doc[toks[0].i:toks[-1].i + 1].text.strip(" ,")
    return None
