"""events: PLOVER events from each sentence of the clean text, with their evidence.

For every sentence: triggers from ``kb/events/triggers.tsv`` (verbs by lemma, nouns
that French news uses for events: "les frappes", "l'offensive", "le blocus"); their
source and target (``veille.coding.arguments``); mode from the words around; place
from the sentence's resolved places; date from its temporal expressions, or the
publication date when the verb is in the present or the passé composé; quantities;
modality and attribution (``veille.coding.modality``). Events of one type in one
sentence are one event. No event without a real trigger in the text.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Callable

from veille.coding import arguments, english, grammar, modality, quantities
from veille.coding.lexicon import MODES, NO_EVENT, EventLexicon, Trigger, load
from veille.lexicon import fold
from veille.model import Document, Event
from veille.pipeline import Context, Stage

QUOTES = ('"', "«", "»", "“", "”")
LOCATIVE = re.compile(r"(?:\b(?:à|en|dans|près de|vers|sur|au|aux|depuis|in|at|near|from)\s*)$", re.I)
# a part of a country named as where something is: "au nord-est du Nigeria", "dans le sud du Liban"
QUARTER = re.compile(r"\b(?:au|à l['’]|dans l['’]|dans le|in the)\s*(?:extrême[- ])?(?:nord|sud|est|ouest|centre|north|south|"
                     r"east|west)(?:[- ](?:est|ouest|east|west))?\s+(?:du|de la|de l['’]|des|de|of)\s*$", re.I)
ORIGIN = re.compile(r"\b(?:depuis|from)\s*$", re.I)
DIRECTION = {w: 0 for w in ("a", "en", "dans", "vers", "sur", "pres", "au", "aux", "in", "at", "to", "toward", "towards",
                             "into", "near", "on")} | {w: 2 for w in ("depuis", "from")}
SPEECH = ("ACCUSE", "REQUEST", "THREATEN", "REJECT", "SUPPORT", "PROTEST")
# what qualifies a noun inside its phrase: a place there takes the phrase's preposition
PHRASE_INSIDE = ("compound", "poss", "amod", "nmod", "nmod:poss", "flat", "flat:name", "case:poss")
KIND_RANK = {"city": 1, "region": 2, "water": 2, "area": 2, "mountain": 2, "country": 3}
NOUN_DEPS = ("nsubj", "nsubj:pass", "obj", "obl", "obl:arg", "obl:mod", "obl:agent", "ROOT", "appos", "conj", "iobj")
SYMMETRIC = ("AGREE", "CONSULT", "COOPERATE")
FORCE = ("ASSAULT", "COERCE")  # acts that need someone able to act
MAIN_CLAUSE = ("ROOT", "ccomp", "conj", "xcomp", "parataxis")
THREATS = ("ASSAULT", "COERCE", "SANCTION", "REJECT", "PROTEST")  # said to come, they are threats
WEAPONS = MODES["ASSAULT"]
VIOLENT = ("abduct", "targeted", "torture", "primitive", "beat")  # ASSAULT modes that are violence themselves
# CAMEO sectors of people who do not carry force: scientists, doctors, traders, teachers,
# farmers, refugees... ("Kenyan scientists captured butterflies" is no attack by Kenya)
# a wire's dateline opening a paragraph, "KHERSON, Ukraine (Agence Exemple) —", "GAO (AFP) -": the
# place it was written in, no actor of the sentence that follows: a place in capitals and its country,
# or a place and an agency's name in brackets ("NATO - Russia talks" is no dateline).
DATELINE = re.compile(r"(?:^|\n)((?:[A-ZÀ-Ý][A-ZÀ-Ý'’.-]{2,}(?:[ -][A-ZÀ-Ý'’.-]+){0,3}"
                      r"(?:,\s*[^\W\d_][\w'’. -]{1,30}){1,2}(?:\s*\([^()\n]{1,40}\))?"
                      r"|[^\W\d_][\w'’.-]*(?:[ -][\w'’.-]+){0,3}(?:,\s*[^\W\d_][\w'’. -]{1,30}){0,2}"
                      r"\s*\([^()\n]{1,40}\))\s*[—–-]{1,2}\s)")
UNARMED = frozenset(("CVL", "EDU", "BUS", "MED", "HLH", "AGR", "ENV", "LAB", "REF", "NGO", "HRI",
                     "REL", "CHR", "JEW", "HIN", "BUD", "ELI", "PPL", "RAD", "IGO", "LEG", "JUD", "PTY"))
# what an actor promises, offers or plans to do for others is an AGREE (PLOVER: "agree to, offer,
# promise or otherwise indicate willingness or commitment to cooperate")
INTENT = ("CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT")
DOMESTIC = ("COERCE", "PROTEST", "CONCEDE", "REQUEST", "ACCUSE", "REJECT")  # with no one else named, done at home
PRONOUNS = frozenset(("il", "ils", "elle", "elles", "he", "she", "they", "we", "nous", "i", "je"))
CASUALTIES = ("killed", "wounded", "captured", "missing")
ADDRESSED = ("REQUEST", "ACCUSE")  # a demand's addressee, an accusation's accused can stand in another clause or noun


@dataclass(frozen=True)
class Grammar:
    """What the coder asks of a language's parse: is an event told (``told``), how
    (``modality``), according to whom (``source``), by whom to whom (``arguments``)."""

    told: Callable
    modality: Callable
    source: Callable
    arguments: Callable
    subject_of: Callable


GRAMMARS = {"fr": Grammar(grammar.told, modality.french, modality.french_source, arguments.french,
                          arguments.subject_of),
            "en": Grammar(english.told, english.modality, english.source, english.arguments, english.subject_of)}
# the labels of both parsers' schemes (French UD, English ClearNLP) where the coder reads them
SUBJECT_LIKE = ("nsubj", "nsubj:pass", "nsubjpass", "obj", "dobj", "appos", "ROOT", "dislocated")
RELATIVE = ("acl:relcl", "relcl")


def _token_keys(tok) -> list[str]:
    return [p for p in fold(tok.text).split("-") if p]


def triggers(sent, lex: EventLexicon, parsed: bool):
    """(token, Trigger) for every trigger in the sentence, longest phrase first. Phrases
    are matched on the words as written (hyphens split: "cessez-le-feu" = "cessez le feu")."""
    toks = list(sent)
    flat: list[tuple[str, int]] = []  # (word key, index of its token)
    for j, t in enumerate(toks):
        for k in _token_keys(t):
            flat.append((k.rstrip("'’"), j))
    out, i, done = [], 0, -1
    while i < len(flat):
        key, j = flat[i]
        hit = None
        for size in lex.phrase_sizes.get(key, ()):
            words = tuple(k for k, _ in flat[i:i + size])
            found = lex.triggers.get(words) if len(words) == size else None
            if found:
                covered = toks[j:flat[i + size - 1][1] + 1]
                hit = _phrase_head(covered, found, parsed)
                i += size
                done = flat[i - 1][1]
                break
        if hit is None:
            i += 1
            if j <= done:
                continue
            done = j
            t = toks[j]
            pos = t.pos_ if parsed else None
            if parsed and _in_a_name(t, sent):
                continue  # "le Front de Libération nationale", "le quotidien Libération": a name
            if not parsed or pos in ("VERB", "NOUN", "PROPN"):
                want = ("NOUN" if pos == "PROPN" else pos) if parsed else None
                key1 = (fold(t.lemma_ or t.text),) if parsed else (fold(t.text),)
                trig = frame_trigger(t, lex) if parsed and pos == "VERB" and lex.frames else None
                if trig is not None and trig.type == NO_EVENT:
                    continue  # "battled the blaze", "combattre la corruption": what is fought is no one
                trig = trig or lex.trigger(key1, want)
                if trig is None and parsed:
                    trig = lex.trigger((fold(t.text),), want)
                if trig is None and parsed and pos == "VERB" and lex.lang == "fr" and lex.trigger(key1, "NOUN"):
                    # a verb the lemmatizer read as its event noun ("reproche")
                    trig = next(filter(None, (lex.trigger((k,), want) for k in grammar.verb_lemmas(t))), None)
                if trig is None and parsed and pos == "VERB" and (lex.verbs or lex.patterns):
                    trig = cameo_trigger(t, lex)
                if parsed and pos == "VERB":
                    trig = grammar.eased(t, lex) or trig  # "a levé le blocus": a concession
                if trig:
                    hit = (t, trig)
        if hit:
            out.append(hit)
    if parsed and lex.cues.get("obligation"):
        out += obligations(toks, lex)
    if parsed and lex.cues.get("toll"):
        out += tolls(toks, lex)
    if parsed:
        out += ultimatums(toks, lex)
    return out


def _typed(tok, lex: EventLexicon):
    pos = tok.pos_ if tok.pos_ in ("NOUN", "VERB") else None
    return lex.trigger((fold(tok.lemma_),), pos) or lex.trigger((fold(tok.text),), pos)


def ultimatums(toks, lex: EventLexicon) -> list:
    """A demand with a coercive alternative ("urged Russia to accept a ceasefire or face new
    sanctions", "exhorte Moscou à se retirer ou à subir des sanctions") is also a threat
    (PLOVER THREATEN: "threaten ... with sanctions"), whose word is the verb of demanding."""
    out = []
    for t in toks:
        if t.pos_ != "VERB" or not any(c.dep_ == "xcomp" for c in t.children):
            continue
        asked = _typed(t, lex)
        if asked is None or asked.type != "REQUEST":
            continue
        for comp in (c for c in t.children if c.dep_ == "xcomp"):
            alternatives = [c for c in comp.children if c.dep_ == "conj"
                            and any(fold(x.text) in ("or", "ou") for x in comp.children if x.dep_ == "cc")]
            if any(trig is not None and trig.type in english.THREATENING and trig.type != "THREATEN"
                   for a in alternatives for x in arguments.subtree(a) for trig in [_typed(x, lex)]):
                out.append((t, Trigger("THREATEN", None, "VERB", "ultimatum")))
                break
    return out


def tolls(toks, lex: EventLexicon) -> list:
    """A count of the dead said to exist ("there were 25 deaths as a result of the riot") is an
    ASSAULT when the sentence names a violence; deaths of a disease or on the roads are not."""
    counts = [t for t in toks if t.dep_ == "attr" and lex.is_cue("toll", fold(t.text))
              and any(c.dep_ == "expl" for c in t.head.children) and any(c.dep_ == "nummod" for c in t.children)]
    if not counts or not {w for t in toks for w in (fold(t.text), fold(t.lemma_))} & lex.cue_words("violent"):
        return []
    return [(t, Trigger("ASSAULT", None, "NOUN", "toll")) for t in counts]


def _can_be_asked(subj, lex: EventLexicon) -> bool:
    """Someone a demand can be made of: a name, people, a force ("the rebels"), not "the economy"."""
    words = {w for t in arguments.subtree(subj) for w in (fold(t.text), fold(t.lemma_))}
    return any(t.pos_ == "PROPN" for t in arguments.subtree(subj)) or bool(
        words & (lex.cue_words("perpetrator") | lex.cue_words("person") | lex.cue_words("office")))


def obligations(toks, lex: EventLexicon) -> list:
    """A duty said of someone ("the minister said the rebels must disarm") is the speaker's demand
    on them: a REQUEST, whose word is the verb of saying."""
    out = []
    for t in toks:
        verb, said = t.head, t.head.head
        if t.dep_ == "aux" and lex.is_cue("obligation", fold(t.text)) and verb.dep_ == "ccomp" and said.i != verb.i \
                and (lex.is_cue("report", fold(said.lemma_)) or lex.is_cue("report", fold(said.text))) \
                and any(_can_be_asked(s, lex) for s in verb.children if s.dep_ == "nsubj"):
            out.append((said, Trigger("REQUEST", None, "VERB", "obligation")))
    return out


def _phrase_head(covered: list, found: list[Trigger], parsed: bool):
    """(word the grammar reads, trigger) of a phrase: the phrase's own head ("a 24-hour hunger
    strike": "strike", not "hunger"), with the trigger of its part of speech ("a build-up": the
    noun); for a prepositional phrase ("on strike", "on alert"), the verb it hangs on."""
    if not parsed:
        return max(covered, key=lambda t: t.pos_ in ("NOUN", "VERB")), found[0]
    inside = {t.i for t in covered}
    heads = [t for t in covered if t.head.i not in inside or t.head.i == t.i]
    head = next((t for t in heads if t.pos_ in ("NOUN", "VERB", "PROPN", "ADP")), None) \
        or max(covered, key=lambda t: t.pos_ in ("NOUN", "VERB"))
    if head.pos_ == "ADP" and any(t.pos == "VERB" for t in found):
        for h in (head.head, head.head.head):
            if h.pos_ in ("VERB", "AUX"):
                return h, next(t for t in found if t.pos == "VERB")
    pos = "VERB" if head.pos_ in ("VERB", "AUX") else "NOUN"
    return head, next((t for t in found if t.pos == pos), found[0])


def frame_trigger(verb, lex: EventLexicon) -> Trigger | None:
    """A verb of ``frames.tsv`` with one of its objects (the object's head or a word compounded
    with it; the subject of a passive): "lifted the blockade", "ended mediation efforts"."""
    prt = [fold(c.text) for c in verb.children if c.dep_ == "prt"]
    keys = [f"{k} {p}" for p in prt for k in (fold(verb.lemma_), fold(verb.text))] + [fold(verb.lemma_), fold(verb.text)]
    found = next((lex.frames[k] for k in keys if k in lex.frames), None)  # "called off" before "called"
    if not found:
        return None
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass", "nsubj:pass")]
    objects += [o for c in objects for o in c.children if o.dep_ == "conj"]
    objects += [o for c in objects for p in c.children if p.dep_ == "prep" and fold(p.text) == "of"
                for o in p.children if o.dep_ == "pobj"]  # "freed dozens of pupils", "ended the siege of the town"
    words = {w for o in objects for t in [o] + [c for c in o.children if c.dep_ in ("compound", "amod")]
             for w in (fold(t.lemma_), fold(t.text))}
    return next((t for needs, t in found if needs & words), None)


# what a CAMEO pattern does not read: the subject, and the clauses that tell events of their own
OUTSIDE_PATTERN = ("nsubj", "nsubjpass", "csubj", "punct", "aux", "auxpass", "ccomp", "advcl", "conj", "parataxis",
                   "relcl", "xcomp", "mark", "cc")


def _in_a_name(tok, sent) -> bool:
    """A capitalised word inside a sentence and inside a named entity is part of a name."""
    return tok.ent_type_ != "" and tok.text[:1].isupper() and tok.i > sent.start and not tok.nbor(-1).is_punct


def cameo_trigger(verb, lex: EventLexicon):
    """A verb of CAMEO's dictionary: with the objects one of its patterns names ("speed up the
    delivery of aid"), else alone with its particles ("call off")."""
    key = fold(verb.lemma_)
    if lex.is_cue("responsibility", key) and any(fold(c.lemma_) == "responsibility" for c in verb.children):
        return None  # "claimed responsibility for the attack": the attack is the event
    if (lex.is_cue("light", key) or lex.is_cue("light", fold(verb.text))) and any(
            c.dep_ == "dobj" and (lex.trigger((fold(c.lemma_),), "NOUN") or lex.trigger((fold(c.text),), "NOUN") or any(
                lex.trigger((fold(m.text), fold(c.text)), "NOUN") for m in c.children if m.dep_ == "compound"))
            for c in verb.children):
        return None  # "imposed sanctions", "staged rallies": the noun tells the event, the verb carries it
    purposes = [o for c in verb.children if c.dep_ == "prep" and fold(c.text) == "for" for o in c.children]
    if any(t is not None and t.type in ("PROTEST", "CONSULT") for o in purposes
           for t in (lex.trigger((fold(o.lemma_),), "NOUN"), lex.trigger((fold(o.text),), "NOUN"))):
        return None  # "gathered for a rally", "arrived for talks": the noun tells the event
    if key in lex.patterns:
        around = {w for c in verb.children if c.dep_ not in OUTSIDE_PATTERN
                  for t in arguments.subtree(c) for w in (fold(t.lemma_), fold(t.text))}
        for needs, trig in lex.patterns[key]:
            if all(need & around for need in needs):
                return Trigger(trig.type, trig.mode, "PATTERN", trig.origin)
    particles = {fold(c.text) for c in verb.children if c.dep_ in ("prt", "prep", "dobj", "advmod")}
    best = None
    for words, trig in lex.verbs.get(key, ()):
        if all(w in particles for w in words) and (best is None or len(words) > len(best[0])):
            best = (words, trig)
    return best[1] if best else None


class Coder:
    def __init__(self, doc: Document, lex: EventLexicon):
        self.doc = doc
        self.lex = lex
        # sorted by start, so that a sentence finds its own by bisection; the last field is the
        # first order, which ties and the order of actor codes keep
        datelines = [m.span(1) for m in DATELINE.finditer(doc.text)]
        self.mentions = _by_start((m.start, m.end, e.actor, e.type, m.source) for e in doc.entities if e.actor
                                  for m in e.mentions if m.segment == "body"
                                  and not any(s <= m.start < e for s, e in datelines))
        self.mention_starts = [x[0] for x in self.mentions]
        self.unarmed = sorted((m.start, m.end) for e in doc.entities if e.sector in UNARMED
                              for m in e.mentions if m.segment == "body")
        self.unarmed_starts = [x[0] for x in self.unarmed]
        self.named = sorted((m.start, m.end) for e in doc.entities if e.type in ("PER", "ORG", "NORP")
                            for m in e.mentions if m.segment == "body")
        self.named_starts = [x[0] for x in self.named]
        # a name the page gives a person, or a person's surname, is no place ("Joseph among them"
        # after "Arnel Joseph")
        persons = {w for e in doc.entities if e.type == "PER" for m in e.mentions
                   for w in (fold(m.text), fold(m.text).split()[-1] if m.text.strip() else "")} - {""}
        self.places = _by_start((m.start, m.end, p, m.source) for p in doc.places if p.resolved
                                for m in p.mentions if m.segment == "body" and fold(m.text) not in persons)
        self.place_starts = [x[0] for x in self.places]
        self.dates = sorted((t for t in doc.dates if t.segment == "body"), key=lambda t: t.start)
        self.date_starts = [t.start for t in self.dates]
        week = date.fromisoformat(doc.published).isocalendar() if doc.published else None
        self.this_week = f"{week[0]}-W{week[1]:02d}" if week else None
        self.breaks = [m.start() for m in re.finditer("(?=\n\n)", doc.text)]  # where paragraphs end
        self.events: list[Event] = []
        # AGREE events a verb tells of one actor ("promised to democratize", "will evacuate", "accepted
        # the plan"): PLOVER's AGREE needs no recipient; a noun ("an agreement") still needs two parties
        self.one_sided: set[int] = set()
        # events whose doer the text does not name (their state stands for it): two of them are
        # not one event told twice ("armed prisoners exchanged gunfire with guards" after "police killed him")
        self.unnamed: set[int] = set()
        self.last_of_type: dict[str, int] = {}  # type → index in self.events of its last event
        self.by_key: dict[tuple, list[Event]] = {}  # (type, source, modality) → events, in list order
        self.topic: list[str] = []  # the actor the previous sentence was about (its subject)
        self.lead_end = 0
        self.means = frozenset(k[0] for k in lex.modes if len(k) == 1)
        self.roles = arguments.Roles(self.means, frozenset(lex.cue_words("perpetrator")),
                                     frozenset(lex.cue_words("patient")))
        self.weapons = frozenset(k[0] for k, found in lex.modes.items() if len(k) == 1
                                 and any(t == "ASSAULT" and m in WEAPONS for t, m in found))
        self._according: tuple | None = None  # (sentence, heads of "selon") of the sentence at hand
        self.grammar = GRAMMARS.get(lex.lang, GRAMMARS["fr"])

    def actors(self, sdoc, offset: int) -> arguments.Actors:
        a = arguments.Actors()
        end = offset + len(sdoc.text)
        has_parse = sdoc.has_annotation("DEP")
        for s, e, code, etype, how, _ in _between(self.mentions, self.mention_starts, offset, end):
            span = sdoc.char_span(s - offset, e - offset, alignment_mode="expand")
            if how == "demonym" and span is not None and has_parse:
                code = self._where_they_live(span, offset, code) or code
            for t in span if span is not None else ():
                a.by_token.setdefault(t.i, []).append(code)
                if how != "demonym" and etype in ("GPE", "ORG", "PER"):
                    a.proper.add(t.i)
        for s, e in self.named[bisect_left(self.named_starts, offset):bisect_left(self.named_starts, end)]:
            span = sdoc.char_span(s - offset, e - offset, alignment_mode="expand")
            a.people.update(t.i for t in (span if span is not None else ()))
        for s, e in self.unarmed[bisect_left(self.unarmed_starts, offset):bisect_left(self.unarmed_starts, end)]:
            span = sdoc.char_span(s - offset, e - offset, alignment_mode="expand")
            a.unarmed.update(t.i for t in (span if span is not None else ()))
        return a

    def _where_they_live(self, span, offset: int, kin: str) -> str | None:
        """A people named by where they live, not by a state: "the Albanians of southern Serbia",
        "les Albanais du sud de la Serbie" (the state of the place their noun names), "ethnic
        Albanians … in southeastern Serbia" (the one other state the sentence places things in).
        PLOVER and ACLED code such people by that state."""
        head = span.root
        if head.pos_ not in ("NOUN", "PROPN") or head.dep_ == "amod":
            return None  # "Serbian forces": an adjective names the state
        where = [c for c in head.children if (c.dep_ == "prep" and fold(c.text) in ("of", "in"))
                 or (c.dep_ in ("nmod", "obl") and arguments.case_of(c) in ("de", "du", "des", "en", "au", "aux"))]
        toks = [t for w in where for t in arguments.subtree(w)]
        words = [head.doc[span.start - 1]] if span.start > 0 else []  # "ethnic Albanians"
        words += [c for c in head.children if c.dep_ == "amod"]  # "Albanais ethniques"
        if not toks and not any(self.lex.is_cue("ethnic", fold(w.text)) for w in words):
            return None
        if not toks:
            toks = list(head.sent)
        lo, hi = offset + min(t.idx for t in toks), offset + max(t.idx + len(t) for t in toks)
        states = {self._state_of({"country": p.country}) for _, _, p, _, _ in _between(self.places, self.place_starts, lo, hi)
                  if p.country} - {None, kin}
        return next(iter(states)) if len(states) == 1 else None

    def run(self) -> list[Event]:
        parsed = self.doc.work.get("parsed", {}).get("body", [])
        if parsed:  # the first paragraph of the body: the lead
            k = bisect_right(self.breaks, parsed[0][0])
            self.lead_end = self.breaks[k] if k < len(self.breaks) else len(self.doc.text)
        for offset, sdoc in parsed:
            has_parse = sdoc.has_annotation("DEP")
            actors = self.actors(sdoc, offset)
            self.topic = []  # a paragraph's subject does not carry into the next one
            for sent in sdoc.sents:
                self.sentence(sent, offset, actors, has_parse)
        return self.events

    def sentence(self, sent, offset: int, actors, has_parse: bool) -> None:
        found = triggers(sent, self.lex, has_parse)
        s0, s1 = offset + sent.start_char, offset + sent.end_char
        evidence = self.doc.text[s0:s1]
        figures = quantities.find(evidence, self.lex)
        if has_parse:
            figures.update(quantities.from_parse(sent, self.lex, actors.people))
        made: list[Event] = []
        tokens_of: list = []
        toks = list(sent)
        quoted = evidence.lstrip()[:1] in QUOTES
        opening = re.sub(r"[^\w' ]", " ", fold(" ".join(evidence.split()[:4])))
        analysis = any(re.match(rf"{re.escape(p)}\b", opening) for p in self.lex.cue_phrases("analysis"))
        for tok, trig in found:
            if quoted or analysis:
                break  # words quoted verbatim, or the writer's conclusion: not events the text reports
            if not has_parse:
                break  # no grammar, no event: a word alone does not tell who did what
            ev = self.code(tok, trig, actors, sent)
            if ev is not None and trig.origin == "cameo" and not (ev.source and tok.dep_ in MAIN_CLAUSE and (
                    set(ev.target) - set(ev.source) or trig.pos == "PATTERN")):
                continue  # a verb of CAMEO's dictionary codes an event as PETRARCH does: in a main clause, with
                # its actor and, for a verb alone, another one it acts on; a pattern names what it is done with
            if ev is not None:
                self.sentence_fallbacks(ev, tok, actors, sent, trig.type)
                if ev.type in FORCE and not self.can_act(ev, tok, trig, actors, sent):
                    continue  # a storm, a crash or a disease touches, kills and stops: no one attacks
                if ev.type not in FORCE and self._by_hazard(tok):
                    continue  # "the cyclone slammed into Mozambique": no one speaks or acts
            if ev is None:
                continue
            ev.evidence, ev.start, ev.end = evidence, s0, s1
            ev.trigger, ev.trigger_start, ev.trigger_end = tok.text, offset + tok.idx, offset + tok.idx + len(tok.text)
            same = next((m for m in made if m.type == ev.type), None)
            if same:  # one event per type and sentence: the verb's frame absorbs the noun's
                same.source += [c for c in ev.source if c not in same.source]
                same.target += [c for c in ev.target if c not in same.target and c not in same.source]
                same.mode = same.mode or ev.mode
                continue
            made.append(ev)
            if ev.type == "AGREE" and tok.pos_ == "VERB" and ev.source and ev.modality == "asserted" \
                    and trig.origin != "cameo":
                self.one_sided.add(id(ev))
            tokens_of.append(tok)
        for ev, tok in zip(made, tokens_of):
            self.place_and_date(ev, sent, offset, tok)
            self.fallbacks(ev)
        self.attach_quantities(made, figures)
        for ev in made:
            twin = self.restated(ev)
            if twin is None:
                self.last_of_type[ev.type] = len(self.events)
                self.events.append(ev)
                self.by_key.setdefault(_key(ev), []).append(ev)
            elif twin.start >= self.lead_end and _richness(ev) > _richness(twin):  # keep the fuller telling
                i = self.events.index(twin)
                same = self.by_key[_key(self.events[i])]
                same[next(j for j, x in enumerate(same) if x is self.events[i])] = ev
                self.events[i] = ev
            elif twin.start < self.lead_end:  # the lead's telling keeps its sentence; a later one fills its gaps
                twin.target = twin.target or ev.target
                twin.place = twin.place if twin.place and twin.place.get("kind") != "country" else (ev.place or twin.place)
                if not twin.date and ev.date:
                    twin.date, twin.date_precision, twin.date_from = ev.date, ev.date_precision, ev.date_from
                twin.quantities = twin.quantities or ev.quantities
                twin.mode = twin.mode or ev.mode
                twin.attributed_to = twin.attributed_to or ev.attributed_to
        if has_parse:
            root = sent.root
            subj = self.grammar.subject_of(root, ()) if root.pos_ in ("VERB", "AUX") else []
            topic = actors.of(t for x in subj for t in arguments.subtree(x))
            self.topic = topic or self.topic

    # ------------------------------------------------------------------ one trigger
    def code(self, tok, trig, actors, sent) -> Event | None:
        lex, g = self.lex, self.grammar
        if not g.told(tok, trig, lex, frozenset(e.type for e in self.events)):
            return None
        mod, governor = g.modality(tok, lex)
        if governor is not None and mod == "threatened" and self.lex.trigger((fold(governor.lemma_),), "VERB"):
            return None  # "menacé de livrer", "threatened to send": the threat is the event
        skip = self._according_heads(sent) + self._speaker_heads(tok)
        source, target, borrowed = g.arguments(tok, actors, skip, self.roles)
        if not target and trig.type in SYMMETRIC + ("THREATEN",):
            # "promised to continue aid to Mozambique", "threatened to ban opposition parties": the act's other party
            for comp in (c for c in tok.children if c.dep_ in ("xcomp", "ccomp")):
                target = arguments.others(g.arguments(comp, actors, skip, self.roles)[1], source)
                if target:
                    break
        if not target and trig.type in SYMMETRIC and tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "nsubj":
            # "the talks brought together ministers from Britain and Canada": whom a meeting gathers are its parties
            gathered = [c for c in tok.head.children if c not in skip and (
                c.dep_ in ("dobj", "obj") or (c.dep_ == "prep" and fold(c.text) == "from"))]
            target = arguments.others(actors.of(t for c in gathered for t in arguments.subtree(c, skip)), source)
        if trig.type == "MOBILIZE" and tok.pos_ in ("VERB", "AUX"):
            # "UN forces have been deployed": forces moved are their owner's act, not what it is done to
            moved = [c for c in tok.children if c.dep_ in ("nsubjpass", "nsubj:pass") and c not in skip]
            owners = actors.of(t for m in moved for t in arguments.subtree(m, list(skip) + _where(m)))
            if owners and not any(c.dep_ in ("agent", "obl:agent") for c in tok.children):
                source, target = owners, [c for c in target if c not in owners]
        if trig.type in ADDRESSED and tok.pos_ in ("VERB", "AUX"):
            target = self._addressee(tok, trig.type, actors, skip, source) or target
        mode = trig.mode or self.mode(trig.type, tok, sent)
        etype = trig.type
        committed = governor is None or lex.is_cue("commit", fold(governor.lemma_)) or lex.is_cue("commit", fold(governor.text))
        if etype == "ASSAULT" and mod == "planned" and governor is not None and (
                lex.is_cue("prepare", fold(governor.lemma_)) or lex.is_cue("prepare", fold(governor.text))):
            etype, mode, mod = "MOBILIZE", self.mode("MOBILIZE", tok, sent), "asserted"  # readiness short of force
        if etype == "PROTEST" and tok.pos_ == "NOUN" and (lex.is_cue("written", fold(tok.head.lemma_))
                                                          or lex.is_cue("written", fold(tok.head.text))):
            etype, mode = "ACCUSE", None  # "lodged a protest with Iraq": a written protest (PLOVER: ACCUSE)
        if etype == "AGREE" and mod == "denied" and governor is None and (
                lex.is_cue("consent", fold(tok.lemma_)) or lex.is_cue("consent", fold(tok.text))):
            etype, mod = "REJECT", "asserted"  # "will not accept", "failed to reach agreement": a refusal
        if etype == "COERCE" and self.civil_obstruction(tok, actors):
            etype, mode = "PROTEST", "obstruct"  # workers blocking a bridge protest; police blocking it coerce
        if mod == "planned" and committed and (etype in THREATS or _conditional(tok, lex)):
            etype, mode, mod = "THREATEN", None, "asserted"  # "will blockade Paris", "will withdraw unless …"
        elif mod == "planned" and etype in INTENT and (committed or lex.is_cue("prepare", fold(governor.lemma_))
                                                       or lex.is_cue("prepare", fold(governor.text))):
            etype, mode, mod = "AGREE", None, "asserted"  # a promise (or a future) is told: an agreement
        return Event(type=etype, mode=mode, source=source, target=target, date=None, date_precision=None,
                     date_from=None, place=None, quantities={}, attributed_to=g.source(tok, lex),
                     modality=mod, evidence="", start=0, end=0, trigger="", trigger_start=0, trigger_end=0,
                     confidence=_confidence(tok.pos_ == "VERB", source, target, borrowed))

    def civil_obstruction(self, tok, actors) -> bool:
        """Civilians obstruct passage (PLOVER: a PROTEST, mode obstruct): a blocking verb whose
        subject is people who carry no force ("workers", "young Algerians"), or whose purpose is
        a protest or a demand ("blocked roads to press their demands"). Forces and police coerce."""
        lex = self.lex
        if tok.pos_ != "VERB" or not (lex.is_cue("obstruct", fold(tok.text)) or lex.is_cue("obstruct", fold(tok.lemma_))):
            return False
        frame = self._agent_tokens(tok)
        words = {w for t in frame for w in (fold(t.text), fold(t.lemma_))}
        if not frame or words & lex.cue_words("perpetrator") or any(
                t.i in actors.proper and t.i not in actors.unarmed for t in frame):
            return False
        if words & lex.cue_words("civilian") or any(t.i in actors.unarmed for t in frame):
            return True
        for c in tok.children:  # the purpose: "to protest", "to demand", "to press their demands"
            if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB":
                said = [lex.trigger((fold(x.lemma_),), x.pos_) or lex.trigger((fold(x.text),), x.pos_)
                        for x in [c] + [o for o in c.children if o.dep_ in ("dobj", "obj")]]
                if any(t is not None and t.type in ("PROTEST", "REQUEST", "ACCUSE") for t in said):
                    return True
        return False

    def _addressee(self, verb, etype: str, actors, skip, source) -> list[str]:
        """Whom a demand or an accusation is about, when the verb's frame says it through another
        clause or noun: the subject of the clause demanded ("demanded that Hamas renounce …",
        "exige que la Russie retire …"), the doer of the act investigated or condemned
        ("investigating crimes by Croatian extremists against Serb civilians")."""
        g = self.grammar
        if etype == "REQUEST":
            for comp in (c for c in verb.children if c.dep_ == "ccomp" and c not in skip):
                codes = actors.of(t for x in g.subject_of(comp, skip) for t in arguments.subtree(x, skip))
                if codes:
                    return arguments.others(codes, source)
            return []
        for obj in (c for c in verb.children if c.dep_ in ("dobj", "obj") and c not in skip):
            agents = [o for c in obj.children if c.dep_ in ("prep", "agent") and fold(c.text) == "by"
                      for o in c.children if o.dep_ == "pobj"]
            agents += [c for c in obj.children if c.dep_.startswith("nmod") and arguments.case_of(c) == "par"]
            codes = actors.of(t for a in agents for t in arguments.subtree(a, skip))
            if codes:
                return arguments.others(codes, source)
        return []

    def can_act(self, ev: Event, tok, trig, actors, sent) -> bool:
        """Is there someone who attacks, kills or arrests? An actor with a code, a person, group
        or force, a pronoun that stands for the paragraph's actor, or a weapon or violence noun
        in the frame; never a storm, a crash, a disease or a market."""
        lex = self.lex
        frame = self._agent_tokens(tok)
        words = {w for t in frame for w in (fold(t.text), fold(t.lemma_))}
        if words & lex.cue_words("hazard") or self._phrase_in(frame, "hazard"):
            return False
        armed = [t for t in frame if t.i not in actors.unarmed]
        if actors.of(armed) or words & lex.cue_words("perpetrator") or self._phrase_in(frame, "perpetrator") \
                or any(t.i in actors.people for t in armed):
            return True
        if any(t.i in actors.unarmed for t in frame):
            return self._undergoer_is_human(tok, actors)  # "villagers killed two gunmen", not "scientists captured butterflies"
        clause = list(sent)
        clause_words = {w for t in clause for w in (fold(t.text), fold(t.lemma_))}
        if clause_words & lex.cue_words("hazard") or self._phrase_in(clause, "hazard"):
            return False  # "tués dans un accident", "touchée par la tempête"
        if trig.mode in WEAPONS + VIOLENT or tok.pos_ in ("NOUN", "PROPN") or clause_words & self.weapons:
            return True  # a weapon or a violence in the word itself ("bombarder", "kidnap", "l'attentat"), "tué par balles"
        if frame and not any(t.pos_ == "PRON" for t in frame):
            return self._undergoer_is_human(tok, actors)  # someone neither a force nor named: "men killed two guards"
        if ev.source:
            return True  # the actor the paragraph is about
        if ev.type == "COERCE" and self._undergoer_is_human(tok, actors):
            return True  # "quatre personnes ont été arrêtées": only an authority arrests people
        if ev.type == "ASSAULT" and not frame and self._undergoer_is_force(tok):
            return True  # "16 militants were killed", "deux soldats ont été tués": fighters fall to someone
        return not frame and any(e.type == "ASSAULT" and e.source and ev.start - e.end < 400 for e in self.events[-3:])

    def _by_hazard(self, tok) -> bool:
        """Whoever acts in the trigger's frame is a natural hazard, an accident, an illness or a market."""
        frame = self._agent_tokens(tok)
        words = {w for t in frame for w in (fold(t.text), fold(t.lemma_))}
        return bool(words & self.lex.cue_words("hazard")) or self._phrase_in(frame, "hazard")

    def _undergoer_is_human(self, tok, actors) -> bool:
        """Who undergoes the act (a passive subject, an object) is a person or people."""
        lex = self.lex
        heads = [c for c in tok.children if c.dep_ in ("nsubj:pass", "nsubjpass", "obj", "dobj")]
        toks = [t for h in heads for t in arguments.subtree(h, _where(h))]
        words = {w for t in toks for w in (fold(t.text), fold(t.lemma_))}
        return bool(words & lex.cue_words("person") or words & lex.cue_words("perpetrator") or words & PRONOUNS
                    or any(t.i in actors.people for t in toks) or actors.of(toks))

    def _undergoer_is_force(self, tok) -> bool:
        """Who undergoes the act is a fighter, a soldier or a police officer."""
        heads = [c for c in tok.children if c.dep_ in ("nsubj:pass", "nsubjpass", "obj", "dobj")]
        return any(fold(h.text) in self.lex.cue_words("perpetrator") or fold(h.lemma_) in self.lex.cue_words("perpetrator")
                   for h in heads)

    def _agent_tokens(self, tok) -> list:
        """The words of whoever acts in a trigger's frame: the subject, the agent of a passive,
        a noun's adjectives and complements, or the subject the clause borrows."""
        if tok.pos_ in ("NOUN", "PROPN"):
            heads = [c for c in tok.children if c.dep_ in ("amod", "nmod", "poss", "compound", "agent")
                     or (c.dep_ == "prep" and fold(c.text) == "by")]
        else:
            agents = [c for c in tok.children if c.dep_ in ("obl:agent", "agent")
                      or (c.dep_.startswith("obl") and arguments.case_of(c) in arguments.SOURCE_CASES)]
            passive = any(c.dep_ in ("aux:pass", "auxpass", "nsubj:pass", "nsubjpass") for c in tok.children)
            heads = agents if passive else self.grammar.subject_of(tok, ())
            if not heads and not passive:
                heads = (english.borrowed_subject(tok, ()) if self.lex.lang == "en"
                         else arguments.borrowed_subject(tok, ()))
        return [t for h in heads for t in arguments.subtree(h, _where(h))]

    def _phrase_in(self, toks, cue: str) -> bool:
        """A cue of several words ("crise cardiaque", "gas leak") among the tokens, in order."""
        text = " " + " ".join(fold(t.text) for t in sorted(toks, key=lambda t: t.i)) + " "
        return any(len(k) > 1 and f" {' '.join(k)} " in text for k in self.lex.cues.get(cue, ()))

    def _speaker_heads(self, tok) -> list:
        """The subjects of the reporting verbs a trigger's clause is told by ("…, the Israeli army
        said", "a spokeswoman for the U.S. embassy said", "a affirmé le ministère"): whoever
        reports an event is no argument of it. A clause that shares its subject with the report
        ("claimed to have struck", "affirme avoir frappé") or names it by a pronoun ("said they
        attempted to kill") keeps it: the speaker tells its own act."""
        lex, out, h = self.lex, [], tok
        # "X struck Y, officials said", "… à Bamako, a indiqué l'ambassade" (a verb after the trigger)
        verbs = [(c, c, False) for c in tok.children if c.dep_ in ("parataxis", "conj", "ccomp") and c.i > tok.i]
        pronoun = False
        for _ in range(5):
            pronoun = pronoun or any(c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass") and c.pos_ == "PRON"
                                     for c in h.children)
            if h.head.i == h.i:
                break
            verbs.append((h.head, h, pronoun))
            h = h.head
        for verb, via, own in verbs:
            if own or (via is not verb and via.dep_ in ("xcomp", "conj")) or not (lex.is_cue("report", fold(verb.lemma_))
                                                     or lex.is_cue("report", fold(verb.text))):
                continue
            if via is not verb and via.dep_ in ("obj", "dobj") and (lex.is_cue("light", fold(verb.lemma_))
                                                                  or lex.is_cue("light", fold(verb.text))):
                continue  # "ont annoncé le boycott": an event noun announced is its subject's act
            subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass") and c is not via]
            first = min([verb] + [c for c in verb.children if c.dep_.startswith("aux")], key=lambda t: t.i)
            if not subj and verb.i > tok.i and first.i > 0 and first.nbor(-1).text == ",":
                # ", a indiqué l'ambassade": an inverted subject, which the French parser reads as an object
                subj = [c for c in verb.children if c.dep_ == "obj" and c.i > verb.i]
            out += subj
        return out

    def _according_heads(self, sent) -> list:
        """Heads of "selon …" in the sentence, once per sentence (a sentence can hold hundreds of triggers)."""
        if self._according is None or self._according[0] is not sent:
            skip = [c for c in sent if fold(c.text) in self.lex.cue_words("according")]
            self._according = (sent, [c.head for c in skip if c.head.i != c.i])
        return self._according[1]

    def mode(self, etype: str, tok, sent) -> str | None:
        allowed = MODES.get(etype)
        if not allowed:
            return None
        for t in _by_distance(list(sent), tok.i - sent.start):
            for key in ((fold(t.text),), (fold(t.lemma_),)):
                for typ, mode in self.lex.modes.get(key, ()):
                    if typ == etype and mode in allowed:
                        return mode
        return None

    # ------------------------------------------------------------------ context
    def place_and_date(self, ev: Event, sent, offset: int, tok) -> None:
        s0, s1 = ev.start, ev.end
        # a capital standing for its state ("l'offensive de Bakou") is no place of the event,
        # and a state named as an actor ("l'Azerbaïdjan a envoyé") is no place either, unless
        # the text puts the event in it ("en Ukraine")
        speaker = self._speaker_spans(tok, offset)
        here = [(s, e, p) for s, e, p, how, _ in _between(self.places, self.place_starts, s0, s1)
                if ((how != "metonym" and p.kind != "country") or LOCATIVE.search(self.doc.text[max(0, s - 12):s])
                    or QUARTER.search(self.doc.text[max(0, s - 30):s]))
                and not any(a <= s < b for a, b in speaker)]
        if here:  # where the event goes rather than where it comes from, the most precise, the nearest
            s, e, p = min(here, key=lambda x: (self._direction(x[0], sent, offset), KIND_RANK.get(x[2].kind, 2),
                                               abs(x[0] - ev.trigger_start)))
            ev.place = _place(p, "sentence")
        else:  # the story's place: where the paragraph's last event was told to be, or else the last
            # city or region the paragraph named before (not a train's destination or a speaker's town)
            k = bisect_right(self.breaks, s0 - 2) - 1
            para = self.breaks[k] + 2 if k >= 0 else 0
            story = next((x for x in reversed(self.events) if x.place and x.place.get("from") == "sentence"
                          and x.place.get("kind") != "country" and x.start >= para), None)
            before = [(s, p) for s, e, p, how, _ in _between(self.places, self.place_starts, para, s0)
                      if p.kind != "country" and how != "metonym"]
            if story is not None:
                ev.place = dict(story.place, **{"from": "context"})
            elif before:
                ev.place = _place(max(before, key=lambda x: x[0])[1], "context")
        # the event's clause first: a date inside a clause of another word ("les accords
        # d'Évian, signés le 18 mars 1962", "the girls, who were kidnapped on Friday") dates that
        # ("cette semaine", "this week": the page's own week names no day an event can carry; the story's does)
        times = [t for t in self.dates[bisect_left(self.date_starts, s0):bisect_left(self.date_starts, s1)]
                 if not _in_other_clause(tok, t.start - offset, t.end - offset)
                 and not (self.this_week and t.timex == self.this_week)]
        if times:
            if ev.type in SPEECH:  # a statement is dated by its frame ("un communiqué publié mercredi")
                t = min(times, key=lambda t: t.start)
            else:
                t = min(times, key=lambda t: abs(t.start - ev.trigger_start))
            ev.date, ev.date_precision, ev.date_from = t.value, t.precision, "sentence" if t.value else None
            return
        if not _recent(tok, bool(ev.attributed_to)):
            return
        # then the paragraph's last day before the sentence, then the story's, then the page's
        k = bisect_right(self.breaks, s0 - 2) - 1
        para = self.breaks[k] + 2 if k >= 0 else 0
        said = [t for t in self.dates[bisect_left(self.date_starts, max(para, s0 - CONTEXT_REACH)):
                                      bisect_left(self.date_starts, s0)] if t.value and t.precision == "day"]
        story = next((p for p in reversed(self.events) if p.date_from == "sentence" and p.date_precision == "day"
                      and s0 - p.end < CONTEXT_REACH), None)
        if said:
            ev.date, ev.date_precision, ev.date_from = said[-1].value, "day", "context"
        elif story is not None:
            ev.date, ev.date_precision, ev.date_from = story.date, "day", "context"
        elif self.doc.published:
            ev.date, ev.date_precision, ev.date_from = self.doc.published, "day", "publication"

    def _speaker_spans(self, tok, offset: int) -> list[tuple[int, int]]:
        """Where the words of whoever reports the event stand ("officials in Kyiv said …",
        "selon des sources à Gao"): a place there is the speaker's, not the event's."""
        spans, h = [], tok
        for _ in range(4):
            if h.head.i == h.i:
                break
            h = h.head
            if self.lex.is_cue("report", fold(h.lemma_)) or self.lex.is_cue("report", fold(h.text)):
                for subj in (c for c in h.children if c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass")):
                    toks = arguments.subtree(subj)
                    spans.append((offset + min(t.idx for t in toks), offset + max(t.idx + len(t) for t in toks)))
        return spans

    def _direction(self, start: int, sent=None, offset: int = 0) -> int:
        """0 where the event goes or is (à, en, vers…), 2 where it comes from (depuis), 1 else:
        the preposition of the phrase the place heads or qualifies ("in Pakistan's restive
        southwestern Balochistan province": both are in), else the words just before it."""
        tok = next((t for t in sent if t.idx + offset == start), None) if sent is not None else None
        if tok is not None:
            head = tok
            for _ in range(6):  # up through the names and words that qualify a noun
                if head.dep_ not in PHRASE_INSIDE or head.head.i == head.i:
                    break
                head = head.head
            preps = [head.head] if head.dep_ == "pobj" else [c for c in head.children if c.dep_ == "case"]
            found = [DIRECTION[w] for w in (fold(x.text) for x in preps) if w in DIRECTION]
            if found:
                return found[0]
        before = self.doc.text[max(0, start - 30):start].rsplit(",", 1)[-1]
        words = re.findall(r"\w+", fold(before))
        last = next((w for w in reversed(words) if w in DIRECTION), None)
        return 1 if last is None else DIRECTION[last]

    def sentence_fallbacks(self, ev: Event, tok, actors, sent, told_type: str = "") -> None:
        """When the parse loses the frame: the named actor heading a phrase before the
        trigger is the source; else, for a clause with no subject of its own (or "il"),
        the actor the paragraph is about; the first other actor after it is the target (also
        for a promise, whose ``told_type`` is the act promised)."""
        if not ev.source:
            before = [t for t in sent if t.i < tok.i and t.i in actors.proper and t.dep_ in SUBJECT_LIKE]
            subj = [c for c in tok.children if c.dep_ == "nsubj"]
            said = self._speaker_of(tok, actors) if subj and subj[0].pos_ == "PRON" else []
            if before:
                ev.source = list(actors.by_token[before[-1].i])
            elif said:
                ev.source = [c for c in said if c not in ev.target]  # "Somali forces say they killed …"
            elif self.topic and (not subj or subj[0].pos_ == "PRON"):
                ev.source = [c for c in self.topic if c not in ev.target]
                if not subj and tok.pos_ in ("NOUN", "PROPN"):
                    self.unnamed.add(id(ev))  # "there were 25 deaths": no one said to act
            ev.confidence = round(ev.confidence - 0.1, 2)
        if not ev.target and (told_type or ev.type) not in SYMMETRIC and not (tok.pos_ == "NOUN" and tok.dep_.startswith("nsubj")):
            # (an event noun as subject: what the predicate names is what the event caused, not its target)
            # (nor from a relative clause, nor from whoever reports the event, nor from a clause the
            # trigger is not in: "prevented the march … to protest the sending of troops to Iraq")
            relative = [t for t in sent if t.dep_ in RELATIVE] + self._speaker_heads(tok)
            holds = {tok.i} | {a.i for a in tok.ancestors}
            # a condition names whom a threat is about: "threatened to stop talks if the United States goes ahead"
            holds |= {t.i for t in sent if t.dep_ == "advcl" and any(
                m.dep_ == "mark" and self.lex.is_cue("hypothetical", fold(m.text)) for m in t.children)}
            after = [c for t in sent if t.i > tok.i and t.i in actors.by_token
                     and not any(r in t.ancestors or r.i == t.i for r in relative)
                     and not _in_another_clause(t, tok, holds)
                     for c in actors.by_token[t.i] if c not in ev.source]
            ev.target = after[:1]

    def _speaker_of(self, tok, actors) -> list[str]:
        """For a clause whose subject is a pronoun: the actors of the subject of the clause it
        hangs on, up to the sentence's main verb ("the army says it struck …")."""
        h = tok
        for _ in range(4):
            if h.head.i == h.i:
                return []
            h = h.head
            subj = self.grammar.subject_of(h, ())
            codes = actors.of(t for x in subj for t in arguments.subtree(x)) if subj else []
            if codes:
                return codes
        return []

    def fallbacks(self, ev: Event) -> None:
        """What the sentence leaves out, from the story around it."""
        prev = self.events[self.last_of_type[ev.type]] if ev.type in self.last_of_type else None
        if (prev is not None and ev.type == "ASSAULT" and not ev.place and prev.place
                and set(prev.source) == set(ev.source) and ev.start - prev.end < 600):
            ev.place = prev.place  # "… a touché le même site"
        if not ev.source and prev is not None and ev.type == "ASSAULT" and ev.start - prev.end < 600:
            ev.source = list(prev.source)  # "une nouvelle vague de drones a touché le même site"
            ev.target = ev.target or list(prev.target)
            ev.place = ev.place or prev.place
            ev.confidence -= 0.1
        if ev.type in SYMMETRIC and not ev.source and len(ev.target) > 1:
            ev.source = list(ev.target)  # "convenu entre Bakou et Erevan": both sides
        if ev.type in SYMMETRIC and not ev.target and len(ev.source) > 1:
            ev.target = list(ev.source)  # "la Turquie et l'Azerbaïdjan ont signé un accord"
        if ev.type not in SYMMETRIC:
            ev.target = arguments.others(ev.target, ev.source)
        home = self._state_of(ev.place)
        if not ev.source and ev.type not in SYMMETRIC and home and (
                not ev.target or ev.target == [home] or ev.type == "ASSAULT"):
            # someone unnamed, in a state, acting on it: its own people (PLOVER and ACLED code the country);
            # an attack by no one named ("a roadside bomb near Samarra killed a U.S. soldier") too
            ev.source = [home]
            ev.confidence = round(ev.confidence - 0.1, 2)
            self.unnamed.add(id(ev))
        elif not ev.source and ev.type in DOMESTIC and len(ev.target) == 1 and self._is_state(ev.target[0]):
            ev.source = list(ev.target)  # "quatre Français ont été arrêtés": at home
        if not ev.target and ev.type not in SYMMETRIC and home:
            ev.target = [home]  # an attack on a town, a statement about a place: its state, when nothing better is said
        if not ev.target and ev.type in DOMESTIC and len(ev.source) == 1 and self._is_state(ev.source[0]):
            ev.target = list(ev.source)  # "the police arrested", "a union demanded": at home
        ev.source, ev.target = self._with_homes(ev.source), self._with_homes(ev.target)

    def _with_homes(self, side: list[str]) -> list[str]:
        """A side with the home state of each group on it: PLOVER and ACLED code Hezbollah's
        acts LBN, Hamas's PSE, the Taliban's AFG; the group's own code stays first."""
        from veille.kb import load as load_kb

        homes = [h for h in map(load_kb().home_of, side) if h]
        return side + [h for h in dict.fromkeys(homes) if h not in side]

    def _state_of(self, place: dict | None) -> str | None:
        """The actor code of the state a place is in."""
        if not place or not place.get("country"):
            return None
        from veille.kb import load as load_kb

        return next((a for a, a2 in load_kb().alpha2.items() if a2 == place["country"]), None)

    def _is_state(self, code: str) -> bool:
        from veille.kb import load as load_kb

        return code in load_kb().alpha2

    def attach_quantities(self, made: list[Event], figures: dict) -> None:
        if not figures:
            return
        if made:
            best = next((e for e in made if e.type == "ASSAULT"), made[0])
            best.quantities.update(figures)
            return
        casualties = {k: v for k, v in figures.items() if k in CASUALTIES}
        recent = [e for e in self.events[-3:] if e.type == "ASSAULT" and not any(k in e.quantities for k in CASUALTIES)]
        if casualties and recent:  # "… des combats. Au moins 10 morts et 6 blessés."
            recent[-1].quantities.update(casualties)


    def restated(self, ev: Event) -> Event | None:
        """An earlier event of this document that ``ev`` tells again: same type and source,
        compatible target, place and mode, and no time of its own ("dix jours plus tard"
        makes a second strike, "en définitive, la Russie a frappé" does not; nor does a time finer
        than the earlier telling's: "in January" after "has been attacking since 2011")."""
        times = self.dates[bisect_left(self.date_starts, ev.start):bisect_left(self.date_starts, ev.end)]
        own_time = [t for t in times if t.precision == "day" or (t.value is None and t.anchor == "previous")]
        if not ev.source or own_time or id(ev) in self.unnamed:
            return None
        for old in self.by_key.get(_key(ev), ()):  # same type, source and modality
            if old.date and any(t.value and len(t.value) > len(old.date) for t in times):
                continue
            if (set(old.target) & set(ev.target)
                    and (ev.type != "ASSAULT" or not old.mode or not ev.mode or old.mode == ev.mode)
                    and _same_place(old.place, ev.place)):
                return old
        return None


def _key(ev: Event) -> tuple:
    return ev.type, frozenset(ev.source), ev.modality


def _by_start(items) -> list[tuple]:
    return sorted(((*x, i) for i, x in enumerate(items)), key=lambda x: x[0])


def _between(items: list, starts: list[int], lo: int, hi: int) -> list:
    """The items (from ``_by_start``) that start in [lo, hi), in their first order."""
    return sorted(items[bisect_left(starts, lo):bisect_left(starts, hi)], key=lambda x: x[-1])


def _by_distance(toks: list, i: int):
    """toks[i], then its neighbours ever further away, the left one first at equal distance."""
    yield toks[i]
    for d in range(1, len(toks)):
        if i - d < 0 and i + d >= len(toks):
            return
        if i - d >= 0:
            yield toks[i - d]
        if i + d < len(toks):
            yield toks[i + d]


def _same_place(a: dict | None, b: dict | None) -> bool:
    """Places that can be one event's: unknown, equal, or a country and a place in it."""
    if not a or not b or a.get("name") == b.get("name"):
        return True
    return a.get("country") == b.get("country") and "country" in (a.get("kind"), b.get("kind"))


def _richness(ev: Event) -> int:
    return sum(bool(x) for x in (ev.target, ev.place and ev.place.get("kind") != "country", ev.date, ev.quantities,
                                 ev.mode, ev.attributed_to))


CLAUSE_OF_A_NOUN = frozenset(("acl", "acl:relcl", "relcl"))
CONTEXT_REACH = 800  # characters back (a few sentences) where a day the text gave still dates the story


def _in_other_clause(tok, start: int, end: int) -> bool:
    """Whether the words at ``start:end`` (offsets in the trigger's parsed paragraph) sit in
    a relative or participial clause of a noun that does not hold the trigger."""
    span = tok.doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    chain = {tok.i} | {a.i for a in tok.ancestors}
    for a in (span.root, *span.root.ancestors):
        if a.i in chain:
            return False
        if a.dep_ in CLAUSE_OF_A_NOUN:
            return True
    return False


CLAUSES = frozenset(("relcl", "acl:relcl", "pcomp"))


def _in_another_clause(tok, trigger, holds: set[int]) -> bool:
    """Does ``tok`` stand in a clause that does not tell the trigger's frame: a relative clause,
    the purpose of another act ("the demonstration staged by students … to protest the sending
    of troops to Iraq"), or what the trigger's object is told to do ("ordered Menem to appear …
    in an investigation of arms sales to Croatia")? Its actors are no arguments of the trigger.
    A clause the trigger governs ("demanded that Hamas renounce …", "launched an operation to
    flush out al-Shabab") and a participle that describes a noun ("refugees fleeing the war in
    Liberia") are. ``holds``: the trigger, its ancestors and the clauses that belong to its frame."""
    told_to = any(c.dep_ in ("dobj", "obj") for c in trigger.children)
    t = tok
    while t.i not in holds and t.head.i != t.i:
        if t.dep_ in CLAUSES or (t.dep_ in ("advcl", "xcomp") and t.head.i != trigger.i) or (
                t.dep_ == "xcomp" and told_to):
            return True
        t = t.head
    return False


def _reported(verb) -> bool:
    """A clause in indirect speech after a verb in the past ("said it had blown up", "a
    affirmé qu'il avait frappé"): its pluperfect is the reported past, not an older one."""
    head = verb.head
    return (verb.dep_ == "ccomp" and head.i != verb.i and (
        head.tag_ in ("VBD", "VBN") or "Past" in head.morph.get("Tense")
        or any(c.dep_.startswith("aux") for c in head.children)))


def _recent(tok, attributed: bool = False) -> bool:
    """The clause that carries the trigger tells something of the page's days, not of an
    unstated past ("avait frappé", "had struck") or future: in French the present or the
    passé composé, in English the present, the present perfect or the simple past (news
    English tells the day's events in the simple past), and a French passive in the imperfect
    (a state of the scene: "étaient déployés"). A pluperfect counts in reported speech (``attributed``: "according to police, 10 had been rescued"; or after "said")."""
    if not tok.doc.has_annotation("MORPH") or not tok.doc.has_annotation("DEP"):
        return False
    verb = tok
    for _ in range(4):  # up to the finite verb: "ont pu pénétrer", "vient de lancer une offensive"
        if "Fin" in verb.morph.get("VerbForm") or any(c.dep_.startswith("aux") for c in verb.children):
            break
        if verb.head.i == verb.i:
            return False
        verb = verb.head
    auxes = [c for c in verb.children if c.dep_.startswith("aux")]
    reported = attributed or _reported(verb)
    if tok.lang_ == "en":
        if any(a.tag_ == "MD" for a in auxes):
            return False  # "will strike"
        if any(a.tag_ == "VBD" and fold(a.text) == "had" for a in auxes):
            return reported  # "had struck"
        return bool(auxes) or verb.tag_ in ("VBD", "VBZ", "VBP")
    if auxes:
        finite = [a for a in auxes if "Fin" in a.morph.get("VerbForm")]
        if reported and any("Imp" in a.morph.get("Tense") and "Ind" in a.morph.get("Mood") for a in finite):
            return True  # "avait frappé" in reported speech
        if finite and all(a.dep_ == "aux:pass" and "Imp" in a.morph.get("Tense") for a in finite):
            return True  # "des blindés étaient stationnés": the scene the story describes, not an older past
        return all("Pres" in a.morph.get("Tense") and "Ind" in a.morph.get("Mood") for a in finite)
    return "Pres" in verb.morph.get("Tense") and "Ind" in verb.morph.get("Mood")


def _place(p, how: str) -> dict:
    return {"name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country, "kind": p.kind,
            "geo_precision": KIND_RANK.get(p.kind, 2), "from": how}


def _conditional(tok, lex: EventLexicon) -> bool:
    """The act comes with a condition: "will withdraw unless a ceasefire is arranged",
    "frappera si …". Both parsers hang the condition as an adverbial clause with its mark."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and lex.is_cue("hypothetical", fold(m.text))
                                         for m in c.children) for c in verb.children)


WHERE_CASES = frozenset(("in", "near", "at", "inside", "outside", "à", "en", "dans", "près", "au", "aux"))


def _where(head) -> list:
    """The place phrases inside a noun phrase ("doctors in Lagos", "les habitants de … à Gao"):
    where someone is does not tell who they are."""
    return [c for t in arguments.subtree(head) for c in t.children
            if (c.dep_ == "prep" and fold(c.text) in WHERE_CASES)
            or (c.dep_ in ("nmod", "obl", "obl:mod") and arguments.case_of(c) in WHERE_CASES)]


def _confidence(verb: bool, source, target, borrowed: bool) -> float:
    c = 0.45 + (0.2 if verb else 0.1) + (0.15 if source else 0) + (0.15 if target else 0) - (0.05 if borrowed else 0)
    return round(min(c, 0.95), 2)


def events(doc: Document, ctx: Context) -> Document:
    lang = doc.work.get("nlp_lang", "fr")
    coder = Coder(doc, load(lang, ctx.options.kb_dir))
    doc.events = coder.run()
    doc.events = [e for e in doc.events if (e.source or e.target or e.place)
                  and (e.type not in SYMMETRIC or len(set(e.source) | set(e.target)) > 1
                       or id(e) in coder.one_sided)]  # a meeting needs two; a promise one
    return doc


STAGE = Stage("events", events, requires=("text", "parsed", "entities", "places", "dates"), provides=("events",))
