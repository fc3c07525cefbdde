"""English grammar for the events stage, on spaCy's English parse (ClearNLP labels) and tags.

The same questions as for French (``grammar``, ``modality``, ``arguments``), asked of
English syntax: is the event told or only mentioned; is it asserted, claimed, planned,
threatened, denied or supposed; who says so; who did it to whom. Words come from the
lexicons (``kb/events/cues.tsv``); the code reads only the grammar.
"""
from __future__ import annotations

from veille.coding.arguments import Actors, Roles, others, subtree
from veille.coding.lexicon import EventLexicon
from veille.coding.modality import ancestors
from veille.lexicon import fold

SUBJECTS = ("nsubj", "csubj")
OBJECTS = ("dobj", "dative", "oprd")
BORROW = ("xcomp", "conj", "advcl", "ccomp", "pcomp", "acl", "relcl")
SOURCE_PREPS = ("by",)
TARGET_PREPS = ("against", "on", "at", "in", "into", "to", "with", "upon", "onto", "toward", "towards", "over",
                "across", "inside")
OF = ("of",)
CLAUSE_MARKS = ("after", "before", "while", "when", "since", "by", "without", "upon", "despite", "following")


def _key(tok) -> str:
    return fold(tok.lemma_ or tok.text)


def _cue(lex: EventLexicon, cue: str, tok) -> bool:
    return lex.is_cue(cue, _key(tok)) or lex.is_cue(cue, fold(tok.text))


def _cue_verb(lex: EventLexicon, cue: str, verb) -> bool:
    """The verb, alone or with its particle ("carried out", "brought together"), is a word of the cue."""
    return _cue(lex, cue, verb) or any(
        c.dep_ in ("prt", "advmod")
        and (lex.is_cue(cue, _key(verb), fold(c.text)) or lex.is_cue(cue, fold(verb.text), fold(c.text)))
        for c in verb.children)


def _pobj(prep):
    return [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]


def _prep_objects(tok, preps, skip=()) -> list:
    """Objects of the prepositions under ``tok`` that are in ``preps`` ("attack on Kyiv")."""
    out = []
    for c in tok.children:
        if c in skip:
            continue
        if c.dep_ in ("prep", "agent", "dative") and fold(c.text) in preps:
            out += _pobj(c) or ([c] if c.dep_ == "dative" and c.pos_ != "ADP" else [])
    return out


def _finite_verbs(sent) -> bool:
    return any(t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm") for t in sent)


def _definite(tok) -> bool:
    return any(c.dep_ in ("det", "poss") and (fold(c.text) in ("the", "this", "that", "these", "those")
                                               or c.dep_ == "poss" and c.pos_ == "PRON") for c in tok.children)


def _auxes(verb) -> list:
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass")]


def _passive(verb) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _modal(verb) -> str | None:
    m = next((a for a in _auxes(verb) if a.tag_ == "MD"), None)
    return fold(m.text) if m is not None else None


# ------------------------------------------------------------------ told or mentioned
def told(tok, trig, lex: EventLexicon, known: frozenset = frozenset()) -> bool:
    """Does the sentence tell this event, rather than mention, describe, plan in the
    abstract or refer back to one? ``known``: the types the document has told already."""
    head = tok.head
    if tok.pos_ in ("NOUN", "PROPN"):
        if trig.origin == "toll" or _counted(tok) or (
                tok.dep_ == "pobj" and fold(head.text) == "of" and _counted(head.head)):
            return True  # "there were 25 deaths in the clashes", "there were 221 cases of rape": counted, they happened
        if tok.dep_ == "ROOT":  # a line without a verb: "Suspension of talks with ..."
            return not _finite_verbs(tok.sent)
        if tok.dep_ == "nsubjpass":  # "their demands are met", "the attack was condemned": it undergoes another act
            return any(_cue_verb(lex, cue, head) for cue in ("light", "occur", "aspect")) and not (
                _definite(tok) and trig.type in known)
        if tok.dep_ == "nsubj":
            if any(c.dep_ == "mark" and lex.is_cue("hypothetical", fold(c.text)) for c in head.children):
                return False  # "if the raids go on": a condition, not an event
            happens = _cue_verb(lex, "occur", head) or lex.trigger((_key(head),), "VERB") is not None \
                or _cue(lex, "aspect", head)
            # "the attack killed 15": a definite noun tells the event at its first mention only
            return happens and (not _definite(tok) or trig.type not in known)
        if tok.dep_ == "pobj" and head.dep_ == "prep" and _cue(lex, "undergo", head.head):
            return True  # "the target of an attack", "victims of the bombing"
        if tok.dep_ == "pobj" and fold(head.text) == "for" and _key(head.head) == "responsibility" \
                and _cue(lex, "responsibility", head.head.head):
            return True  # "claimed responsibility for the attack": the claimer did it
        if tok.dep_ in ("dobj", "attr") and _cue(lex, "light", head):
            if _in_relative(head):
                return False  # "a resolution that aims to impose a blockade": what a noun is about
            modal = _modal(head)  # "must reach an agreement", "could launch an attack": not done
            return modal is None or not (lex.is_cue("hypothetical", modal) or modal in ("would", "could", "might", "may", "must"))
        if tok.dep_ == "pobj" and fold(head.text) == "in" and head.dep_ == "prep" and _cue(lex, "light", head.head) \
                and head.head.pos_ == "VERB":
            return True  # "engaged in ethnic cleansing", "took part in the talks"
        if tok.dep_ == "pobj" and fold(head.text) == "for" and head.head.pos_ == "VERB" \
                and trig.type in ("PROTEST", "CONSULT") and not _in_relative(head.head):
            return True  # "gathered for a rally", "arrived in Geneva for talks": the purpose of the coming
        if tok.dep_ == "pobj" and _cue(lex, "frame", head):
            return True  # "during a phone call"
        if tok.dep_ == "conj":  # "talks and an agreement": as the first of the pair
            first = tok
            while first.dep_ == "conj" and first.head.i != first.i:
                first = first.head
            return first.i != tok.i and told(first, trig, lex)
        return False
    if tok.dep_ == "amod":
        return False  # "the attacked convoy": a participle describes a noun
    if tok.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass") and any(c.dep_ == "det" for c in tok.children):
        return False  # "evacuated the wounded": a participle standing for people
    chain, c = [tok], tok
    while c.dep_ in ("xcomp", "ccomp", "conj") and c.head.i != c.i and len(chain) < 4:
        c = c.head
        chain.append(c)
    if any(x.dep_ == "relcl" for x in chain):
        return False  # "the rebels who attacked the town": background to another statement
    if tok.dep_ == "acl" and tok.tag_ == "VBG" and trig.type in SPEECH_ACTS + ("THREATEN", "SUPPORT") \
            and head.dep_ in ("dobj", "attr") and _cue(lex, "light", head.head):
        return True  # "issued a declaration demanding …", "released a statement condemning …": what it says is told
    if tok.dep_ == "acl" and tok.tag_ in ("VBN", "VBG"):
        return False  # "troops deployed in the region", "a group fighting the army": a description
    first = tok  # "charged with robbing, raping and attacking": the gerunds of a list stand where the first stands
    while tok.tag_ == "VBG" and first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    if tok.tag_ == "VBG" and (first.dep_ in ("pcomp", "csubj", "nsubj", "pobj")
                                or any(c.dep_ == "mark" and fold(c.text) in CLAUSE_MARKS for c in first.children)):
        return False  # "after attacking the base", "by sending troops": the manner or time of something else
    if _cue(lex, "question", tok) and not any(c.dep_ in ("dobj", "xcomp", "dative") or (
            c.dep_ == "prep" and fold(c.text) == "for") for c in tok.children):
        return False  # "what does he want, she asked", "asked whether …": a question, not a request
    if _cue(lex, "caution", tok) and not any(c.dep_ == "xcomp" or (c.dep_ in ("dobj", "dative") and _party(c, lex))
                                             for c in tok.children) \
            and not any(_threat_in(c, lex) for c in tok.children if c.dep_ in ("ccomp", "prep")):
        return False  # "warned that diabetes could spread", "warned of a resurgence": a caution, not a threat
    if _cue(lex, "caution", tok) and any(_key(t) in lex.cue_words("hazard") or fold(t.text) in lex.cue_words("hazard")
                                         for c in tok.children if c.dep_ not in SUBJECTS for t in subtree(c)):
        return False  # "warned measles could kill thousands": the danger is a hazard's
    auxes = _auxes(tok)
    if _passive(tok) and all(a.tag_ in ("VBP", "VBZ") for a in auxes if a.dep_ == "auxpass") \
            and not any(a.dep_ == "aux" for a in auxes):
        return False  # "troops are stationed", "the town is encircled": a state, not an event
    subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(fold(d.text) in lex.cue_words("negation") for x in subj for d in x.children if d.dep_ == "det"):
        return False  # "no country recognised": nobody did it
    if any(fold(c.text) in lex.cue_words("generic") for c in list(tok.children) + list(head.children)):
        return False  # "regularly targeted": a habit, not one event
    modal = _modal(tok)
    if modal == "would" and _reported(tok, lex):
        modal = "will"  # "said they would blockade Paris": the future of the day it was said
    if modal is not None and lex.is_cue("hypothetical", modal) or modal in ("would", "could", "might", "may", "must") \
            and not any(fold(a.text) == "have" for a in auxes):
        return False  # "would attack", "should strike": not done
    base = tok  # a verb joined to another ("to unite and mobilize") stands where the first one stands
    while base.dep_ == "conj" and base.head.i != base.i and base.head.pos_ in ("VERB", "AUX"):
        base = base.head
    if base.tag_ == "VB" and base.dep_ in ("advcl", "xcomp") and trig.mode == "investigate" \
            and _cue_verb(lex, "establish", base.head) and base.head.dep_ in ("ROOT", "ccomp", "conj") \
            and not _modal(base.head) and not negated(base.head, lex):
        return True  # "a commission was set up to investigate the killings": the inquiry is under way
    if base.tag_ == "VB" and base.dep_ == "xcomp":
        if negated(base.head, lex):
            return False  # "did not manage to arrest", "cannot ban": not done
        return any(_cue(lex, cue, base.head) for cue in ("aspect", "plan", "commit", "threat"))
    if base.tag_ == "VB" and base.dep_ in ("acl", "advcl", "relcl") and any(
            c.dep_ in ("aux", "mark") and fold(c.text) == "to" for c in base.children) and not (
            base.dep_ == "advcl" and any(_cue(lex, cue, base.head) for cue in ("commit", "threat"))):
        # (a promise's or a threat's infinitive the parser hangs as a purpose is still its content: "sworn to fight")
        return False  # "an offer to host talks", "resigned to allow elections": what is meant, not done
    if base.dep_ in ("ccomp", "xcomp", "acl") and _speech_act(base.head, lex):
        return False  # "demanded that the US cancel", "refused to hand over", "accused him of …": the act is the demand
    if subj and subj[0].pos_ == "PRON" and fold(subj[0].text) in ("this", "that", "something", "what", "which"):
        return False  # "this targets ...": an argument, not an actor
    objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    if trig.type == "ASSAULT" and not objects and any(c.dep_ == "xcomp" for c in tok.children):
        return False  # "aimed to ...": aiming, not striking
    if any(_key(o) in lex.cue_words("figurative") for o in objects):
        return False  # "sent a signal"
    return True


def _counted(noun) -> bool:
    """A number of something said to exist: "there were 25 deaths", "there were three attacks"."""
    return noun.dep_ == "attr" and any(c.dep_ == "expl" for c in noun.head.children) \
        and any(c.dep_ == "nummod" for c in noun.children) and not any(c.dep_ == "neg" for c in noun.head.children)


def _in_relative(verb) -> bool:
    """The verb stands in a relative clause, or in a clause hanging on one ("that aims to impose")."""
    c = verb
    for _ in range(4):
        if c.dep_ in ("relcl", "acl"):
            return True
        if c.dep_ not in ("xcomp", "ccomp", "conj") or c.head.i == c.i:
            return False
        c = c.head
    return False


def _party(tok, lex: EventLexicon) -> bool:
    """A word that can stand for someone warned or asked: a name, a pronoun, people, a force, an office."""
    return tok.pos_ in ("PROPN", "PRON") or any(
        _key(t) in words or fold(t.text) in words for t in [tok] + [c for c in tok.children if c.dep_ == "compound"]
        for words in (lex.cue_words("person"), lex.cue_words("perpetrator"), lex.cue_words("office")))


def _threat_in(clause, lex: EventLexicon) -> bool:
    """A warning's content is a threat when it names a coercive act ("warned it would strike",
    "warned of sanctions")."""
    heads = _pobj(clause) if clause.dep_ == "prep" else [clause]
    for t in (t for h in heads for t in subtree(h)):
        trig = lex.trigger((_key(t),), t.pos_ if t.pos_ in ("NOUN", "VERB") else None) \
            or lex.trigger((fold(t.text),), t.pos_ if t.pos_ in ("NOUN", "VERB") else None)
        if trig is not None and trig.type in THREATENING:
            return True
    return False


THREATENING = ("ASSAULT", "COERCE", "SANCTION", "REJECT", "PROTEST", "MOBILIZE", "THREATEN")


# ------------------------------------------------------------------ modality
SPEECH_ACTS = ("REQUEST", "REJECT", "ACCUSE")  # acts whose content is not done


def _speech_act(verb, lex: EventLexicon) -> bool:
    """Is the verb (or noun: "its demands that …") a demand, a refusal or an accusation (in our
    lexicon or CAMEO's)?"""
    key = _key(verb)
    trig = lex.trigger((key,), "NOUN" if verb.pos_ == "NOUN" else "VERB")
    if trig is not None:
        return trig.type in SPEECH_ACTS
    return any(t.type in SPEECH_ACTS and not words for words, t in lex.verbs.get(key, ()))


def _reported(verb, lex: EventLexicon) -> bool:
    """Is the clause what someone said ("said they would …", "announced it would …")?"""
    return verb.dep_ == "ccomp" and (_cue(lex, "report", verb.head) or _cue(lex, "commit", verb.head))


def negated(tok, lex: EventLexicon) -> bool:
    return any(c.dep_ == "neg" for c in tok.children) or any(
        c.dep_ == "det" and fold(c.text) in ("no",) for c in tok.children)


def modality(trigger, lex: EventLexicon) -> tuple[str, object | None]:
    """(modality, governing cue token) of a trigger."""
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else (trigger.head if trigger.head.pos_ in ("VERB", "AUX")
                                                             else trigger)
    if negated(trigger, lex) or (verb.i != trigger.i and negated(verb, lex) and trigger.dep_ in ("dobj", "nsubj")):
        return "denied", None
    for a in ancestors(trigger):
        if _cue(lex, "deny", a):
            return "denied", a
        if lex.is_cue("negation", fold(a.text), "to") and any(c.dep_ == "xcomp" for c in a.children):
            return "denied", None  # "failed to reach agreement": not done
        if _cue(lex, "threat", a):
            return "threatened", a
        if (_cue(lex, "plan", a) or _cue(lex, "commit", a)) and a.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            return "planned", a
        if a.dep_ == "ROOT":
            break
    clause = [verb] + list(ancestors(verb, 2))
    if any(c.dep_ == "mark" and lex.is_cue("hypothetical", fold(c.text)) for h in clause for c in h.children):
        return "hypothetical", None
    modal = _modal(verb)
    if modal in ("will", "shall", "'ll") or (modal == "would" and _reported(verb, lex)):
        return "planned", None
    if modal in ("would", "could", "might", "may", "must") and any(fold(a.text) == "have" for a in _auxes(verb)):
        return "claimed", None  # "may have attacked"
    near = list(trigger.children) + (list(verb.children) if verb.i != trigger.i else [])
    if any(_cue(lex, "claimed", c) for c in near):
        return "claimed", None  # "reportedly struck", "the alleged attack"
    return "asserted", None


def source(trigger, lex: EventLexicon) -> str | None:
    """Who says so: the object of "according to", or the subject of a reporting verb the
    event's clause hangs on ("..., the ministry said")."""
    doc = trigger.doc
    for tok in trigger.sent:
        if fold(tok.text) in lex.cue_words("according") or (
                fold(tok.text) == "according" and tok.i + 1 < len(doc) and fold(doc[tok.i + 1].text) == "to"):
            objs = [o for c in [tok] + list(tok.children) for o in _pobj(c)]
            if objs:
                toks = sorted(subtree(objs[0]), key=lambda t: t.i)
                return doc[toks[0].i:toks[-1].i + 1].text.strip(" ,")
    below = [c for c in trigger.children if c.dep_ in ("parataxis", "ccomp", "conj", "advcl") and c.i > trigger.i]
    for a in list(ancestors(trigger, 5)) + below:
        if _cue(lex, "report", a) and a.pos_ in ("VERB", "AUX"):
            subj = [c for c in a.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and fold(subj[0].text) not in ("it", "this", "that", "which", "who"):
                toks = sorted(subtree(subj[0]), key=lambda t: t.i)
                return doc[toks[0].i:toks[-1].i + 1].text.strip(" ,")
    return None


# ------------------------------------------------------------------ arguments
def subject_of(verb, skip=()) -> list:
    return [c for c in verb.children if c.dep_ in SUBJECTS and c not in skip]


def borrowed_subject(tok, skip, actors: Actors | None = None, depth: int = 5) -> list:
    """The subject of the clause a subjectless clause hangs on ("decided to attack", "attacked
    the town and killed five"); for a relative clause, the noun it describes."""
    h = tok
    for _ in range(depth):
        if h.dep_ not in BORROW or h.head.i == h.i:
            return []
        if h.dep_ in ("relcl", "acl"):
            return [h.head]
        h = h.head
        subj = subject_of(h, skip)
        if subj and (actors is None or actors.of(t for s in subj for t in subtree(s, skip))):
            return subj
    return []


def _without_clauses(toks) -> list:
    """A subtree less its relative and participle clauses: "the town that Russia controls"
    is not about Russia."""
    drop = [t for t in toks if t.dep_ in ("relcl", "acl")]
    return [t for t in toks if not any(t.i == d.i or d in t.ancestors for d in drop)]


def arguments(trigger, actors: Actors, skip, roles: Roles = Roles()) -> tuple[list[str], list[str], bool]:
    """(source, target, borrowed) of a trigger token."""
    if trigger.pos_ in ("NOUN", "PROPN"):
        return _noun(trigger, actors, skip, roles)
    children = [c for c in trigger.children if c not in skip]
    passive = _passive(trigger) or (trigger.tag_ == "VBN" and not any(a.dep_ == "aux" for a in _auxes(trigger))
                                    and any(c.dep_ == "agent" for c in children))
    agent = [o for c in children if c.dep_ == "agent" for o in _pobj(c)]
    borrowed = False
    if passive:
        source = actors.of(t for a in agent for t in subtree(a, skip))
        undergoer = [c for c in children if c.dep_ == "nsubjpass"]
    else:
        subj = subject_of(trigger, skip)
        source = actors.of(t for s in subj for t in _without_clauses(subtree(s, skip)))
        if not source and not subj:
            source = actors.of(t for s in borrowed_subject(trigger, skip, actors) for t in subtree(s, skip))
            borrowed = bool(source)
        undergoer = []
    objs = undergoer + [c for c in children if c.dep_ in OBJECTS] + _prep_objects(trigger, TARGET_PREPS, skip)
    target = actors.of(t for o in objs for t in _without_clauses(subtree(o, skip)))
    return source, others(target, source), borrowed


def _noun(noun, actors: Actors, skip, roles: Roles):
    """A noun's own complements: "the Russian attack on Kyiv", "Israel's strikes in Gaza",
    "an attack by the Taliban", "the bombing of Gaza", "a Taliban attack"."""
    source, target = [], []
    for c in noun.children:
        if c in skip:
            continue
        if c.dep_ in ("amod", "poss", "compound", "nmod"):
            source += actors.of(_without_clauses(subtree(c, skip)))
        elif c.dep_ in ("prep", "agent") and fold(c.text) in SOURCE_PREPS:
            source += actors.of(t for o in _pobj(c) for t in _without_clauses(subtree(o, skip)))
        elif c.dep_ == "prep" and fold(c.text) in OF:
            for o in _pobj(c):
                codes = actors.of(_without_clauses(subtree(o, skip)))
                (source if roles.doer(noun, o, o.i in actors.proper) else target).extend(codes)
        elif c.dep_ == "prep" and fold(c.text) in TARGET_PREPS:
            target += actors.of(t for o in _pobj(c) for t in _without_clauses(subtree(o, skip)))
    borrowed = False
    head = noun.head
    if noun.dep_ in ("dobj", "pobj", "attr", "nsubjpass", "conj") and head.i != noun.i:
        verb = head
        for _ in range(3):  # "during talks with ...", "ordered the bombing of ...": the clause's verb
            if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
                break
            verb = verb.head
        if not source and verb.pos_ in ("VERB", "AUX"):
            subj = subject_of(verb, skip) or borrowed_subject(verb, skip, actors)
            source = actors.of(t for s in subj for t in _without_clauses(subtree(s, skip)))
            borrowed = bool(source)
        if not target and verb.pos_ == "VERB":  # "launched an offensive against Armenia"
            target = actors.of(t for o in _prep_objects(verb, TARGET_PREPS, skip) if o.i != noun.i
                               for t in _without_clauses(subtree(o, skip)))
    source = list(dict.fromkeys(source))
    return source, others(target, source), borrowed
