"""Who did it and to whom: source and target actor codes of a trigger.

French sentences carry spaCy's dependency parse: the subject (or the ``par`` agent of a
passive) is the source, objects and obliques the target; a noun takes its source from
a demonym or an ``de``/``par`` complement and its target from ``contre``, ``sur``, ``à``.
A clause without its own subject borrows the one of the clause it hangs on. English has
its own reading of its own parse (``veille.coding.english``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from veille.lexicon import fold

SUBJECT = ("nsubj",)
TARGET_DEPS = ("obj", "iobj", "obl", "obl:arg", "obl:mod", "nmod", "dep", "nsubj:pass", "appos")
BORROW = ("xcomp", "advcl", "conj", "acl", "acl:relcl", "nmod", "obl", "obj", "ccomp", "csubj")
SOURCE_CASES = ("par", "by")
TARGET_CASES = ("contre", "sur", "vers", "à", "au", "aux", "en", "dans", "avec", "against", "on", "at", "in", "into", "to", "with")


@dataclass(frozen=True)
class Roles:
    """Words that tell on which side of an event a noun's complement stands."""

    means: frozenset = frozenset()  # weapons: "des frappes de drones russes": the demonym is the attacker
    agents: frozenset = frozenset()  # those who act: "l'assaut des forces spéciales"
    patient: frozenset = frozenset()  # event nouns whose complement undergoes: "l'invasion de l'Ukraine"

    def doer(self, noun, complement, proper: bool) -> bool:
        """Is a noun's "de"/"of" complement the one who acts?"""
        if fold(complement.text) in self.means or fold(complement.lemma_) in self.means:
            return True  # an instrument: its owner acts
        if fold(noun.lemma_) in self.patient or fold(noun.text) in self.patient:
            return False
        return proper or fold(complement.lemma_) in self.agents or fold(complement.text) in self.agents


@dataclass
class Actors:
    """Actor codes standing on the tokens of one parsed paragraph."""

    by_token: dict[int, list[str]] = field(default_factory=dict)
    proper: set[int] = field(default_factory=set)  # tokens of named actors (not demonyms)
    people: set[int] = field(default_factory=set)  # tokens of any named person or body, with a code or not
    unarmed: set[int] = field(default_factory=set)  # tokens of generic people who carry no force (scientists)

    def of(self, tokens) -> list[str]:
        out: list[str] = []
        for t in tokens:
            for code in self.by_token.get(t.i, ()):
                if code not in out:
                    out.append(code)
        return out


def others(target, source) -> list[str]:
    """The target's codes less the source's; all of them when it names no one else: an act
    at home ("the Ugandan president banned Ugandan candidates") has one state on both sides."""
    target = list(dict.fromkeys(target))
    return [c for c in target if c not in source] or target


def subtree(tok, skip=()) -> list:
    """Tokens under ``tok``, leaving out the branches rooted at ``skip``."""
    out, stack = [], [tok]
    while stack:
        t = stack.pop()
        if t in skip:
            continue
        out.append(t)
        stack.extend(t.children)
    return out


def case_of(tok) -> str | None:
    c = next((c for c in tok.children if c.dep_ in ("case", "mark")), None)
    return fold(c.text).rstrip("'") if c is not None else None


def subject_of(verb, skip) -> list:
    return [c for c in verb.children if c.dep_ in SUBJECT and c not in skip]


def borrowed_subject(tok, skip, actors: "Actors | None" = None, depth: int = 5):
    """The subject of the clause a subjectless clause or noun hangs on; with ``actors``,
    the first such subject that names an actor ("son armée" names none, "M. Aliev" does)."""
    h = tok
    for _ in range(depth):
        if h.dep_ not in BORROW or h.head.i == h.i:
            return []
        h = h.head
        subj = subject_of(h, skip)
        if subj and (actors is None or actors.of(t for s in subj for t in subtree(s, skip))):
            return subj
    return []


def without_clauses(toks, skip):
    """A subtree less its relative clauses: "l'enclave qui échappe au contrôle de Bakou"
    is not about Bakou."""
    drop = [t for t in toks if t.dep_ in ("acl:relcl",)]
    return [t for t in toks if not any(t.i == d.i or d in t.ancestors for d in drop)]


def french(trigger, actors: Actors, skip, roles: Roles = Roles()) -> tuple[list[str], list[str], bool]:
    """(source, target, borrowed) for a trigger token of a parsed French sentence."""
    if trigger.pos_ == "NOUN":
        return _noun(trigger, actors, skip, roles)
    children = [c for c in trigger.children if c not in skip]
    agent = [c for c in children if c.dep_ == "obl:agent" or (c.dep_.startswith("obl") and case_of(c) in SOURCE_CASES)]
    passive = any(c.dep_ == "aux:pass" for c in children) or "Pass" in trigger.morph.get("Voice")
    subj = subject_of(trigger, skip)
    if not passive:  # the parser sometimes marks an active subject as passive
        subj = subj or [c for c in children if c.dep_ == "nsubj:pass"]
    borrowed = False
    if passive:
        source = actors.of(t for a in agent for t in subtree(a, skip))
    else:
        source = actors.of(t for s in subj for t in subtree(s, skip))
        if not source:
            source = actors.of(t for s in borrowed_subject(trigger, skip, actors) for t in subtree(s, skip))
            borrowed = bool(source)
        if not source and not subj:  # a subject the parser hung elsewhere: the noun just before
            before = [t for t in trigger.sent if t.i < trigger.i and t.pos_ in ("NOUN", "PROPN")
                      and t.dep_ not in ("obj", "nmod", "iobj")][-1:]
            source = actors.of(t for b in before for t in subtree(b, skip) if t.i < trigger.i)
            borrowed = bool(source)
    objs = [c for c in children if c.dep_ in TARGET_DEPS and c not in agent and c not in subj]
    target = actors.of(t for o in objs for t in without_clauses(subtree(o, skip), skip))
    return source, others(target, source), borrowed


def _noun(noun, actors: Actors, skip, roles: Roles):
    """A noun's own complements: "les frappes russes", "l'offensive de Bakou contre
    Erevan", "le blocus du Haut-Karabakh par Bakou", "des frappes de drones russes",
    "l'assaut des forces spéciales algériennes", "l'invasion de l'Ukraine"."""
    source, target = [], []
    for c in noun.children:
        if c in skip:
            continue
        toks = without_clauses(subtree(c, skip), skip)
        codes = actors.of(toks)
        if not codes:
            continue
        case = case_of(c)
        if c.dep_ == "amod" or case in SOURCE_CASES:
            source += codes
        elif case in ("de", "du", "des", "d", "of"):
            (source if roles.doer(noun, c, c.i in actors.proper) else target).extend(codes)
        elif case in TARGET_CASES or c.dep_ in ("nmod", "appos"):
            target += codes
    borrowed = False
    head = noun.head
    for _ in range(3):  # "Lors d'un appel …, le président a affirmé": the clause's verb
        if head.pos_ in ("VERB", "AUX") or head.head.i == head.i:
            break
        head = head.head
    if noun.dep_ in ("obj", "obl", "obl:mod", "obl:arg", "nmod") and head.i != noun.i:
        if not source:  # "il a ordonné l'envoi", "vient de lancer une offensive"
            subj = subject_of(head, skip) or borrowed_subject(head, skip, actors)
            source = actors.of(t for s in subj for t in subtree(s, skip))
            borrowed = bool(source)
        if not target and head.pos_ == "VERB":  # "lancer une offensive … contre l'Arménie"
            for c in head.children:
                if c.i != noun.i and c not in skip and c.dep_.startswith("obl") and case_of(c) in TARGET_CASES:
                    target += actors.of(without_clauses(subtree(c, skip), skip))
    source = list(dict.fromkeys(source))
    return source, others(target, source), borrowed
