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

from veille.coding import arguments, modality, quantities
from veille.coding.lexicon import MODES, EventLexicon, load
from veille.lexicon import fold
from veille.model import Document, Event
from veille.pipeline import Context, Stage

QUOTES = ('"', "«", "»", "“", "”")
LOCATIVE = re.compile(r"(?:\b(?:à|en|dans|près de|vers|sur|au|aux|depuis|in|at|near|from)\s*)$", re.I)
KIND_RANK = {"city": 1, "region": 2, "water": 2, "area": 2, "mountain": 2, "country": 3}
NOUN_DEPS = ("nsubj", "nsubj:pass", "obj", "obl", "obl:arg", "obl:mod", "obl:agent", "ROOT", "appos", "conj", "iobj")
CASUALTIES = ("killed", "wounded", "captured", "missing")


def _token_keys(tok) -> list[str]:
    return [p for p in fold(tok.text).split("-") if p]


def triggers(sent, lex: EventLexicon, parsed: bool):
    """(token, Trigger) for every trigger in the sentence, longest phrase first."""
    toks = list(sent)
    out, i = [], 0
    while i < len(toks):
        hit = None
        for size in range(min(lex.longest + 2, len(toks) - i), 1, -1):  # phrases, on the words as written
            keys = tuple(k for t in toks[i:i + size] for k in _token_keys(t) + (["'"] if t.text.endswith(("'", "’")) else []))
            keys = tuple(k.rstrip("'’") or "'" for k in keys)
            trig = lex.triggers.get(keys) or lex.triggers.get(tuple(k for k in keys if k != "'"))
            if trig:
                head = max(toks[i:i + size], key=lambda t: t.pos_ in ("NOUN", "VERB"))
                hit = (head, trig[0], size)
                break
        if hit is None:
            t = toks[i]
            pos = t.pos_ if parsed else None
            if not parsed or pos in ("VERB", "NOUN", "PROPN"):
                key = (fold(t.lemma_ or t.text),) if parsed else (fold(t.text),)
                trig = lex.trigger(key, ("NOUN" if pos == "PROPN" else pos) if parsed else None)
                if trig is None and parsed:
                    trig = lex.trigger((fold(t.text),), "NOUN" if pos == "PROPN" else pos)
                if trig:
                    hit = (t, trig, 1)
        if hit:
            out.append(hit[:2])
            i += hit[2]
        else:
            i += 1
    return out


class Coder:
    def __init__(self, doc: Document, lex: EventLexicon):
        self.doc = doc
        self.lex = lex
        self.mentions = [(m.start, m.end, e.actor, e.type, m.source) for e in doc.entities if e.actor
                         for m in e.mentions if m.segment == "body"]
        self.places = [(m.start, m.end, p, m.source) for p in doc.places if p.resolved
                       for m in p.mentions if m.segment == "body"]
        self.dates = [t for t in doc.dates if t.segment == "body"]
        self.events: list[Event] = []
        self.topic: list[str] = []  # the actor the previous sentence was about (its subject)
        self.means = frozenset(k[0] for k in lex.modes if len(k) == 1)

    def actors(self, sdoc, offset: int) -> arguments.Actors:
        a = arguments.Actors()
        for s, e, code, etype, how in self.mentions:
            for t in sdoc:
                ts = offset + t.idx
                if s <= ts < e:
                    a.by_token.setdefault(t.i, []).append(code)
                    if how not in ("demonym",) and etype in ("GPE", "ORG", "PER"):
                        a.proper.add(t.i)
        return a

    def run(self) -> list[Event]:
        parsed = self.doc.work.get("parsed", {}).get("body", [])
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
        made: list[Event] = []
        toks = list(sent)
        quoted = evidence.lstrip()[:1] in QUOTES and evidence.rstrip(" ,.")[-1:] in QUOTES
        for tok, trig in found:
            if quoted:
                break  # words reported verbatim: claims, not events the text reports
            if has_parse:
                ev = self.code_french(tok, trig, actors, sent)
            else:
                ev = self.code_english(tok, trig, actors, toks)
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
        for ev in made:
            self.place_and_date(ev, sent, offset)
            self.fallbacks(ev)
        self.attach_quantities(made, figures)
        self.events.extend(made)
        if has_parse:
            root = sent.root
            subj = arguments.subject_of(root, ()) if root.pos_ in ("VERB", "AUX") else []
            topic = actors.of(t for x in subj for t in arguments.subtree(x))
            self.topic = topic or self.topic

    # ------------------------------------------------------------------ French
    def code_french(self, tok, trig, actors, sent) -> Event | None:
        lex = self.lex
        if tok.pos_ == "NOUN" and tok.dep_ not in NOUN_DEPS:
            return None  # "une campagne de frappes": a modifier, not the event said
        if tok.pos_ == "NOUN" and arguments.case_of(tok) in ("comme", "pour", "as", "for", "like"):
            return None  # "ce qui a commencé comme des frappes", "pour une attaque": no event told
        if tok.pos_ == "NOUN" and tok.dep_ == "nsubj" and _definite(tok):
            return None  # "les frappes russes … ont créé le risque": back to an event already told
        if tok.pos_ == "VERB" and tok.dep_ == "acl" and "Part" in tok.morph.get("VerbForm"):
            return None  # "les soldats déployés par Moscou": a description, not an event
        objects = [c for c in tok.children if c.dep_ in ("obj", "nsubj:pass")]
        if tok.pos_ == "VERB" and trig.type == "ASSAULT" and not objects and any(c.dep_ == "xcomp" for c in tok.children):
            return None  # "visant à remettre en question": aiming, not striking
        if any(fold(o.lemma_) in lex.cue_words("figurative") for o in objects):
            return None  # "il envoie un signal"
        if any(fold(c.text) in lex.cue_words("generic") for c in list(tok.children) + list(tok.head.children)):
            return None  # "régulièrement visés": a habit, not one event
        mod, governor = modality.french(tok, lex)
        if governor is not None and mod == "threatened" and self.lex.trigger((fold(governor.lemma_),), "VERB"):
            return None  # "menacé de livrer": the threat is the event
        skip = [c for c in sent if fold(c.text) in lex.cue_words("according")]
        skip = [c.head for c in skip if c.head is not c]
        source, target, borrowed = arguments.french(tok, actors, skip, self.means)
        if tok.pos_ == "NOUN" and not source and not target and _definite(tok) and not self._placed(tok):
            return None  # "l'attaque": a reference back to an event already told
        mode = trig.mode or self.mode(trig.type, tok, sent)
        return Event(type=trig.type, mode=mode, source=source, target=target, date=None, date_precision=None,
                     date_from=None, place=None, quantities={}, attributed_to=modality.french_source(tok, lex),
                     modality=mod, evidence="", start=0, end=0, trigger="", trigger_start=0, trigger_end=0,
                     confidence=_confidence(tok.pos_ == "VERB", source, target, borrowed))

    def _placed(self, tok) -> bool:
        return False

    def mode(self, etype: str, tok, sent) -> str | None:
        allowed = MODES.get(etype)
        if not allowed:
            return None
        near = sorted(sent, key=lambda t: abs(t.i - tok.i))
        for t in near:
            for key in ((fold(t.text),), (fold(t.lemma_),)):
                for typ, mode in self.lex.modes.get(key, ()):
                    if typ == etype and mode in allowed:
                        return mode
        return None

    # ------------------------------------------------------------------ English
    def code_english(self, tok, trig, actors, toks) -> Event | None:
        i = toks.index(tok)
        words = [fold(t.text) for t in toks]
        if any(w in self.lex.cue_words("generic") for w in words[max(0, i - 3):i + 2]):
            return None
        by = next((j for j in range(i + 1, min(len(toks), i + 3)) if words[j] == "by"), None)
        passive = by is not None and i > 0 and words[i - 1] in ("was", "were", "been", "be", "is", "are")
        source, target = arguments.english(toks, i, actors, by if passive else None)
        names = self._names(toks, actors)
        mod = modality.english(toks, i, self.lex)
        mode = trig.mode
        if not mode and trig.type in MODES:
            for t in sorted(toks, key=lambda t: abs(t.i - tok.i)):
                hit = next((m for typ, m in self.lex.modes.get((fold(t.text),), ()) if typ == trig.type), None)
                if hit:
                    mode = hit
                    break
        return Event(type=trig.type, mode=mode, source=source, target=target, date=None, date_precision=None,
                     date_from=None, place=None, quantities={}, attributed_to=modality.english_source(toks, self.lex, names),
                     modality=mod, evidence="", start=0, end=0, trigger="", trigger_start=0, trigger_end=0,
                     confidence=_confidence(True, source, target, False) - 0.1)

    def _names(self, toks, actors):
        spans, cur = [], None
        for j, t in enumerate(toks):
            if t.i in actors.by_token:
                if cur and cur[1] == j:
                    cur[1] = j + 1
                else:
                    cur = [j, j + 1]
                    spans.append(cur)
        base = toks[0].i if toks else 0
        return [(a, b, toks[0].doc[base + a:base + b].text) for a, b in spans]

    # ------------------------------------------------------------------ context
    def place_and_date(self, ev: Event, sent, offset: int) -> None:
        s0, s1 = ev.start, ev.end
        # a capital standing for its state ("l'offensive de Bakou") is no place of the event
        here = [(s, e, p) for s, e, p, how in self.places if s0 <= s < s1
                and (how != "metonym" or LOCATIVE.search(self.doc.text[max(0, s - 12):s]))]
        if here:
            s, e, p = min(here, key=lambda x: (KIND_RANK.get(x[2].kind, 2), abs(x[0] - ev.trigger_start)))
            ev.place = {"name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country, "kind": p.kind,
                        "geo_precision": KIND_RANK.get(p.kind, 2)}
        times = [t for t in self.dates if s0 <= t.start < s1]
        if times:
            t = min(times, key=lambda t: abs(t.start - ev.trigger_start))
            ev.date, ev.date_precision, ev.date_from = t.value, t.precision, "sentence" if t.value else None
        elif self.doc.published and _recent(sent, ev.trigger_start - offset):
            ev.date, ev.date_precision, ev.date_from = self.doc.published, "day", "publication"

    def fallbacks(self, ev: Event) -> None:
        """What the sentence leaves out, from the story around it."""
        prev = next((p for p in reversed(self.events) if p.type == ev.type), None)
        if not ev.source and prev is not None and ev.type == "ASSAULT" and ev.start - prev.end < 600:
            ev.source = list(prev.source)  # "une nouvelle vague de drones a touché le même site"
            ev.target = ev.target or list(prev.target)
            ev.place = ev.place or prev.place
            ev.confidence -= 0.1
        if ev.type in ("AGREE", "CONSULT", "COOPERATE") and not ev.source and len(ev.target) > 1:
            ev.source = list(ev.target)  # "convenu entre Bakou et Erevan": both sides
        if not ev.source and self.topic and not set(self.topic) & set(ev.target):
            ev.source = list(self.topic)  # the story's subject carries on to a sentence without one
            ev.confidence -= 0.1
        if ev.place and ev.place.get("country") and ev.type in ("ASSAULT", "COERCE", "MOBILIZE"):
            from veille.kb import load as load_kb

            code = next((a for a, a2 in load_kb().alpha2.items() if a2 == ev.place["country"]), None)
            if code and code not in ev.source and code not in ev.target:
                ev.target.append(code)

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


def _definite(tok) -> bool:
    return any(c.dep_ == "det" and "Def" in c.morph.get("Definite") for c in tok.children)


def _recent(sent, trigger_idx: int) -> bool:
    """Present tense or passé composé in the trigger's sentence: the event is of the page's day."""
    verbs = [t for t in sent if t.pos_ in ("VERB", "AUX")]
    if not verbs or not sent.doc.has_annotation("MORPH"):
        return False
    main = min(verbs, key=lambda t: abs(t.idx - trigger_idx))
    tense = set(main.morph.get("Tense"))
    auxes = [c for c in main.children if c.dep_.startswith("aux")]
    if auxes:
        return all("Pres" in a.morph.get("Tense") and "Ind" in a.morph.get("Mood") for a in auxes)
    return "Pres" in tense and "Ind" in main.morph.get("Mood")


def _confidence(verb: bool, source, target, borrowed: bool) -> float:
    c = 0.45 + (0.2 if verb else 0.1) + (0.15 if source else 0) + (0.15 if target else 0) - (0.05 if borrowed else 0)
    return round(min(c, 0.95), 2)


def events(doc: Document, ctx: Context) -> Document:
    lang = doc.work.get("nlp_lang", "fr")
    doc.events = Coder(doc, load(lang, ctx.options.kb_dir)).run()
    doc.events = [e for e in doc.events if e.source or e.target or e.place]
    return doc


STAGE = Stage("events", events, requires=("text", "parsed", "entities", "places", "dates"), provides=("events",))
