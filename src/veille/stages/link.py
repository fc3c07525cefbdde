"""link: every entity mention → a canonical entity with a type and, where it has one,
an actor code.

Three sources of mentions, in order of trust: the knowledge-base gazetteer (names,
states, demonyms, capitals and seats of power), generic state organs next to a state
("le ministère russe de la Défense" → RUS, sector MIL), generic agent nouns ("la police
afghane" → AFG, COP; "les rebelles" → the group or state the paragraph is about, as the
agents file says) and equipment designations, then the statistical model's names, passed
through guards against its known failures on news pages (headlines in Title Case, an
office word glued to a surname, page text). Bodies the text defines with an acronym
("Armée de libération nationale (ALN)") are read before the generic nouns.

A person or body the knowledge base does not know takes the body or state of the office
written beside the name ("U.N. envoy for Haiti, X" → UN), else the state its paragraph or,
failing that, the story is about, when one leads (its names, people, bodies and clear towns).

A person or body with dated roles (Phoenix) is linked to the role valid on the document's
date: its publication date, or today when it has none.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import date
from functools import lru_cache

from veille.kb import TITLE, Match, Token, load, role_on, tokenize
from veille.lexicon import Spans, fold, rows
from veille.model import Document, Entity, Mention
from veille.pipeline import Context, Stage
from veille.stages.clean import is_headline_case

# the models' entity labels as veille's types (French: PER LOC ORG MISC; English: OntoNotes);
# the English labels for dates, numbers, works and laws name no actor and are left out
LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC", "MISC": "MISC",
          "EVENT": "MISC"}
BIG_CITY = 200_000  # a city this large is taken by its name alone, wherever it is
CONNECTORS = {"de", "du", "des", "la", "le", "l", "d", "'", "of", "the", "s", "’"}
POSSESSIVES = frozenset("son sa ses leur leurs notre nos votre vos his her its their our your".split())
DETERMINERS = {"l", "la", "le", "les", "d", "de", "du", "des", "'", "’", "the", "a", "an", "-", "–"}


@lru_cache(maxsize=4)
def shapes(user_dir: str = ""):
    pats = rows("patterns.tsv", user_dir)
    keep = [re.compile(r["pattern"]) for r in pats if r["kind"] == "equipment"]
    reject = [re.compile(r["pattern"]) for r in pats if r["kind"] == "not"]
    return keep, reject


class Linker:
    def __init__(self, doc: Document, ctx: Context):
        self.doc = doc
        self.kb = load(ctx.options.kb_dir)
        self.user_dir = ctx.options.kb_dir
        self.entities: dict[str, Entity] = {}
        self.toponyms: list[tuple[Mention, str | None]] = []  # with the country it must be in, if known
        self.options = ctx.options
        self._coded: dict[str, list] = {}  # segment → the coded mentions, for offices (see affiliation)
        self.day = (doc.published or date.today().isoformat())[:10]
        self.doc_states: Counter = Counter()  # state → mentions in the body, for generic nouns
        self.lang = doc.work.get("nlp_lang") or doc.language

    def mention(self, eid: str, name: str, etype: str, m: Mention, actor=None, sector=None, wikidata=None):
        ent = self.entities.get(eid)
        if ent is None:
            ent = self.entities[eid] = Entity(eid, name, etype, actor, sector, wikidata)
        ent.mentions.append(m)

    def run(self, segment: str) -> None:
        text = self.doc.segment_text(segment)
        if not text:
            return
        tokens = tokenize(text)
        matches = [m for m in self.kb.gazetteer.scan(tokens) if not self.part_of_longer_name(m, tokens)]
        names = self.capitalised_orgs(segment)
        if names:  # "Air France", "Radio France": a country inside an organisation's own name is no country
            matches = [m for m in matches if m.alias.kind not in ("country", "metonym")
                       or not _strictly_inside(tokens[m.start].start, tokens[m.end - 1].end, names)]
        taken = Spans()
        for m in matches:
            entry = self.kb.entries[m.alias.entry]
            s, e = tokens[m.start].start, tokens[m.end - 1].end
            taken.add(s, e)
            actor, sector = role_on(entry, self.day)
            self.mention(entry.id, entry.name, entry.type, Mention(text[s:e], s, e, segment, m.alias.kind),
                         actor, sector, entry.wikidata)
            if segment == "body" and actor in self.kb.alpha2:
                self.doc_states[actor] += 1
            if entry.type in ("GPE", "LOC") and m.alias.kind in ("name", "country", "metonym"):
                hint = self.kb.alpha2.get(entry.actor) if m.alias.kind == "metonym" else None
                self.toponyms.append((Mention(text[s:e], s, e, segment, m.alias.kind), hint))
        # each finder sees the spans of the finders before it, not its own
        for s, e in self.definitions(text, segment, taken):
            taken.add(s, e)
        for s, e in self.organs(text, tokens, matches, segment):
            taken.add(s, e)
        for s, e in self.agents(text, tokens, matches, segment, taken):
            taken.add(s, e)
        for s, e in self.equipment(text, segment, taken):
            taken.add(s, e)
        for s, e in self.gazetteer_places(text, segment, taken):
            taken.add(s, e)
        self.model_names(segment, text, taken)

    def capitalised_orgs(self, segment: str) -> list[tuple[int, int]]:
        """The model's organisation names written as names: two words or more, each capitalised
        but the small ones, in a sentence that is not a Title Case headline."""
        out = []
        for offset, sdoc in self.doc.work.get("parsed", {}).get(segment, []):
            for ent in sdoc.ents:
                words = [t.text for t in ent if t.is_alpha]
                if ent.label_ == "ORG" and len(words) >= 2 and words[0][0].isupper() \
                        and all(w[0].isupper() or w.lower() in SMALL for w in words) \
                        and not is_headline_case(ent.sent.text):
                    out.append((offset + ent.start_char, offset + ent.end_char))
        return out

    def part_of_longer_name(self, m: Match, tokens: list[Token]) -> bool:
        """A converted person's name followed by another capitalised word is the start of
        someone else's longer name ("Abdul Qadir Mumin")."""
        if m.alias.cased != TITLE or self.kb.entries[m.alias.entry].type != "PER" or m.end >= len(tokens):
            return False
        nxt = tokens[m.end]
        return nxt.text[:1].isupper() and nxt.text.isalpha() and nxt.start - tokens[m.end - 1].end <= 1

    def is_state(self, entry) -> bool:
        return entry.type == "GPE" and entry.actor in self.kb.alpha2

    def state_tokens(self, matches: list[Match]) -> dict[int, Match]:
        return {i: m for m in matches if m.alias.kind in ("demonym", "country", "metonym") for i in range(m.start, m.end)}

    @staticmethod
    def without_demonyms(tokens, states) -> list[int]:
        """Token indices with demonyms set aside, so that "forces armées ukrainiennes" reads as
        the head "forces armées" with its state beside it."""
        return [i for i in range(len(tokens)) if i not in states or states[i].alias.kind != "demonym"]

    @staticmethod
    def beside(tokens, states, a: int, b: int):
        """The state written in, after ("de la Russie", "afghane") or before ("Russian army",
        "Ukraine's army") the phrase tokens[a:b], and the phrase widened to take it in."""
        state = next((states[i] for i in range(a, b) if i in states), None)
        j = b
        while state is None and j < len(tokens) and j - b <= 3:
            if j in states:
                state = states[j]
                b = state.end
                break
            if tokens[j].key not in CONNECTORS:
                break
            j += 1
        if state is None and a >= 1:
            k = a - 1
            while k >= 0 and tokens[k].key in ("'", "s", "’"):
                k -= 1
            if k >= 0 and k in states:
                state = states[k]
                a = state.start
        return state, a, b

    def organs(self, text: str, tokens: list[Token], matches: list[Match], segment: str):
        """Generic organ phrases, matched with demonyms set aside, tied to the state beside them."""
        states = self.state_tokens(matches)
        kept = self.without_demonyms(tokens, states)
        view = [tokens[i] for i in kept]
        spans = []
        named = {i for m in matches if m.alias.kind == "name" for i in range(m.start, m.end)}
        for om in self.kb.organs.scan(view):
            state, a, b = self.beside(tokens, states, kept[om.start], kept[om.end - 1] + 1)
            row = self.kb.organ_rows[om.alias.entry]
            if state is not None:
                actor = self.kb.entries[state.alias.entry].actor
            elif row.get("fallback") and not (a and tokens[a - 1].key in POSSESSIVES) \
                    and not named.intersection(range(a, b)):  # "Parlement européen" is a name of its own
                # "le gouvernement Rajoy": the leader's name is part of the organ's name
                while row.get("named") and b < len(tokens) and b not in states and tokens[b].text[:1].isupper() \
                        and tokens[b].text.isalpha() and tokens[b].start - tokens[b - 1].end <= 1:
                    b += 1
                actor = self.agent_fallback(row["fallback"], text, tokens[a].start, matches, tokens)
            else:
                continue
            if not actor:
                continue
            where = self.kb.entries.get(f"gpe:{actor}")
            s, e = tokens[a].start, tokens[b - 1].end
            eid = f"org:{fold(row['name']).replace(' ', '-')}:{actor}"
            self.mention(eid, f"{row['name']} ({where.name if where else actor})", "ORG",
                         Mention(text[s:e], s, e, segment, "organ"), actor, row["sector"] or None)
            spans.append((s, e))
        return spans

    def agents(self, text: str, tokens: list[Token], matches: list[Match], segment: str, taken):
        """Generic agent nouns ("police", "rebels"): the state beside them, else what the
        agents file's fallback says (the group named in the paragraph, the state the paragraph
        or the document is about, a generic code); nothing when none holds."""
        states = self.state_tokens(matches)
        kept = self.without_demonyms(tokens, states)
        view = [tokens[i] for i in kept]
        spans = []
        # each language reads its own list ("saboteurs" is English and French)
        found = [am for lang, gaz in self.kb.agents.items() if not (self.lang and lang and lang != self.lang)
                 for am in gaz.scan(view)]
        mine = Spans()
        for am in sorted(found, key=lambda m: m.start):
            a, b = kept[am.start], kept[am.end - 1] + 1
            if taken.overlaps(tokens[a].start, tokens[b - 1].end) or mine.overlaps(tokens[a].start, tokens[b - 1].end):
                continue
            if b < len(tokens) and b not in states and tokens[b].text[:1].isupper():
                continue  # an office before a name ("President Ruto", "police chief Smith")
            row = self.kb.agent_rows[am.alias.entry]
            state, a, b = self.beside(tokens, states, a, b)
            s, e = tokens[a].start, tokens[b - 1].end
            if state is not None:
                actor = self.kb.entries[state.alias.entry].actor
            elif a and tokens[a - 1].key in POSSESSIVES:
                continue  # "son armée", "their troops": the possessor's, whom the noun does not name
            else:
                actor = self.agent_fallback(row.get("fallback", ""), text, s, matches, tokens)
            if not actor:
                continue
            where = self.kb.entries.get(f"gpe:{actor}")
            name = f"{row['phrase']} ({where.name if where else actor})"
            self.mention(f"agt:{fold(row['phrase']).replace(' ', '-')}:{actor}", name, row.get("type") or "NORP",
                         Mention(text[s:e], s, e, segment, "agent"), actor, row["sector"])
            spans.append((s, e))
            mine.add(s, e)
        return spans

    def agent_fallback(self, rule: str, text: str, at: int, matches: list[Match], tokens: list[Token]):
        lo = text.rfind("\n\n", 0, at) + 1
        hi = text.find("\n\n", at)
        hi = len(text) if hi < 0 else hi
        for step in rule.split("|") if rule else ():
            if step == "group":
                near = [(abs(tokens[m.start].start - at), self.kb.entries[m.alias.entry].actor) for m in matches
                        if lo <= tokens[m.start].start < hi and self.kb.entries[m.alias.entry].group
                        and self.kb.entries[m.alias.entry].actor not in self.kb.alpha2]
                if near:
                    return min(near)[1]
            elif step == "paragraph":
                # every mention of the state counts: its name, demonym, capital, and its people and bodies
                here = Counter(a for m in matches if lo <= tokens[m.start].start < hi
                               for a in [role_on(self.kb.entries[m.alias.entry], self.day)[0]] if a in self.kb.alpha2)
                found = _leader(here) or _leader(self.doc_states)
                if found:
                    return found
            elif step.isupper():
                return step
        return None

    def equipment(self, text: str, segment: str, taken):
        keep, reject = shapes(self.user_dir)
        spans = []
        for pat in keep:
            for m in pat.finditer(text):
                s, e = m.span()
                if taken.overlaps(s, e) or any(r.fullmatch(m.group()) for r in reject):
                    continue
                self.mention(f"eqp:{fold(m.group())}", m.group(), "EQUIPMENT",
                             Mention(m.group(), s, e, segment, "pattern"))
                spans.append((s, e))
        return spans

    def model_names(self, segment: str, text: str, taken) -> None:
        for offset, sdoc in self.doc.work.get("parsed", {}).get(segment, []):
            for ent in sdoc.ents:
                label = LABELS.get(ent.label_)
                if label is None:
                    continue
                s, e = offset + ent.start_char, offset + ent.end_char
                toks = [t for t in ent]
                if taken.overlaps(s, e):
                    if label == "LOC":  # "autoroute Erevan-Goris": keep the unknown part
                        self.leftover_places(text, s, e, taken, segment)
                    if label != "PER":
                        continue
                    # "U.N. Resident Coordinator for Myanmar Andrew Kirkwood": the name after the known part
                    toks = [t for t in toks if not taken.overlaps(offset + t.idx, offset + ent.end_char)]
                    if len(toks) < 2 or not all(t.text[:1].isupper() for t in toks):
                        continue
                if is_headline_case(ent.sent.text):
                    continue
                while toks and (fold(toks[0].text) in self.kb.titles or (
                        (fold(toks[0].text) in DETERMINERS or fold(toks[0].text).rstrip("'’") in DETERMINERS)
                        and not _particle(toks))):
                    toks = toks[1:]
                if not toks:
                    continue
                last = toks[-1]
                if last.text.endswith(("'", "’")) and last.i + 1 < len(sdoc) and sdoc[last.i + 1].text == "s" \
                        and not last.whitespace_:
                    toks.append(sdoc[last.i + 1])  # "Moody's", which the French tokenizer cuts after the apostrophe
                s, e = offset + toks[0].idx, offset + toks[-1].idx + len(toks[-1].text)
                surface = text[s:e]
                if label == "LOC":  # "lac Sevan", "mer Noire": a generic word may lead
                    if any(_looks_like_name(t.text) for t in toks):
                        self.toponyms.append((Mention(surface, s, e, segment, "ner"), None))
                    continue
                if not _looks_like_name(surface):
                    continue
                if label == "PER" and len(toks) <= 4:
                    actor, sector = self.affiliation(sdoc, toks[0].i, toks[-1].i + 1, offset, segment)
                    self.mention(f"per:{fold(surface)}", surface, "PER", Mention(surface, s, e, segment, "ner"),
                                 actor, sector)
                elif label == "ORG":
                    self.mention(f"org:{fold(surface)}", surface, "ORG", Mention(surface, s, e, segment, "ner"))
                elif label == "MISC" and len(toks) >= 2 and all(t.text[0].isupper() or t.text.isdigit() for t in toks):
                    self.mention(f"misc:{fold(surface)}", surface, "MISC", Mention(surface, s, e, segment, "ner"))

    def definitions(self, text: str, segment: str, taken) -> list[tuple[int, int]]:
        """A body the text names and abbreviates, "Armée de libération nationale (ALN)" or
        "l'ALN (Armée de libération nationale)": one organisation, its name and every later use
        of the acronym, whether or not the model tags them."""
        spans, seen = [], set()
        for m in DEFINED.finditer(text):
            if len(seen) >= MAX_DEFINITIONS:
                break
            short, inside = (m.group("acr"), m.group("long2")) if m.group("acr") else (m.group("acr2"), None)
            if inside is not None:  # "ALN (Armée de libération nationale)"
                ls, le = m.start("long2"), m.end("long2")
                ss, se = m.start("acr"), m.end("acr")
            else:  # "... Armée de libération nationale (ALN)": the shortest run of words before that spells it
                ss, se = m.start("acr2"), m.end("acr2")
                words = list(WORD.finditer(text, max(0, m.start() - 160), m.start()))
                ls = next((words[i].start() for i in range(len(words) - 1, -1, -1)
                           if words[i].group()[:1].isupper() and _spells(short, [w.group() for w in words[i:]])), None)
                if ls is None:
                    continue
                le = words[-1].end()
            if inside is not None and not _spells(short, [w.group() for w in WORD.finditer(inside)]):
                continue
            if short in seen or taken.overlaps(ls, le) or taken.overlaps(ss, se):
                continue
            seen.add(short)
            name = text[ls:le]
            eid = f"org:{fold(name)}"
            self.mention(eid, name, "ORG", Mention(name, ls, le, segment, "acronym"))
            spans.append((ls, le))
            for use in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
                if not taken.overlaps(*use.span()) and not (ls <= use.start() < le):
                    self.mention(eid, name, "ORG", Mention(short, use.start(), use.end(), segment, "acronym"))
                    spans.append(use.span())
        return spans

    def gazetteer_places(self, text: str, segment: str, taken) -> list[tuple[int, int]]:
        """Capitalised names the place index knows, in a country the document names (or a
        sea, region or range, which no common word is): found with or without a model,
        and before it, so the model cannot call a town a person ("Goris", "Tegh")."""
        from veille import geo

        idx = geo.index(self.options.data_dir, self.options.min_population)
        context = {self.kb.alpha2[e.actor] for e in self.entities.values() if e.actor in self.kb.alpha2}
        spans = []
        for a, b in capitalised_runs(text, 0, len(text)):
            if taken.overlaps(a, b):
                continue
            name = text[a:b]
            initial = _char_before(text, a) in ".!?:«»\"“”—–-\n("  # also "" at the start of the text
            if (name.isupper() or fold(name) in self.kb.titles or fold(name) in stop_words(self.doc.work.get("nlp_lang", "fr")) or fold(name) in calendar_words(self.doc.work.get("nlp_lang", "fr"))
                    or (initial and " " not in name and "-" not in name)):
                continue
            # "lac Sevan", "mer Noire"; read just before the name: searching all the text before it is quadratic
            lead = LEAD.search(text, max(0, a - 200), a)
            if lead and idx.lookup(f"{lead.group(1)} {name}"):
                a, name = lead.start(1), text[lead.start(1):b]
            cands = idx.lookup(name)
            if any(c.kind != "city" or c.country in context or (c.population >= BIG_CITY and not initial)
                   for c in cands):
                self.toponyms.append((Mention(name, a, b, segment, "gazetteer"), None))
                spans.append((a, b))
        return spans

    def leftover_places(self, text: str, s: int, e: int, taken, segment: str) -> None:
        for a, b in capitalised_runs(text, s, e):
            pos = a
            for part in text[a:b].split("-") if taken.overlaps(a, b) else [text[a:b]]:
                pa, pb = pos, pos + len(part)
                pos = pb + 1
                if part[:1].isupper() and not taken.overlaps(pa, pb):
                    self.toponyms.append((Mention(part, pa, pb, segment, "ner-part"), None))

    def affiliation(self, sdoc, start: int, end: int, offset: int, segment: str):
        """Actor of an unknown person from the office written beside the name and the state or
        body the office belongs to: before it ("le secrétaire d'État américain, Antony Blinken",
        "U.N. Resident Coordinator for Myanmar Andrew Kirkwood") or in an apposition after it
        ("Barroso, le président de la Commission européenne", "X, a senior al-Shabab leader").
        A state or body after "for", "pour", "en"... is where the office acts, not whose it is."""
        sent = sdoc[start].sent
        before = sdoc[max(sent.start, start - 12):start]
        # the office phrase ends the window: nothing before a verb or a quote belongs to it
        cut = [t.i for t in before if t.pos_ in ("VERB", "AUX") or t.text in STOPS]
        before = sdoc[cut[-1] + 1:start] if cut else before
        after = []
        if end < sent.end and sdoc[end].text in (",", "("):
            for t in sdoc[end + 1:min(sent.end, end + 13)]:
                if t.text in (",", ")", ";", ":"):
                    break
                after.append(t)
        for window in (before, after):
            titles = [self.kb.titles[fold(t.text)] for t in window if fold(t.text) in self.kb.titles]
            if not window or not titles:
                continue
            lo, hi = offset + window[0].idx, offset + window[-1].idx + len(window[-1].text)
            coded = self.coded_mentions(segment)
            for s, e, actor, sector, state in coded[bisect_left(coded, (lo,)):]:
                if s >= hi:
                    break
                if e <= hi and _word_before(self.doc.segment_text(segment), s).lower() not in WHERE_WORDS:
                    return actor, (next((x for x in titles if x), "GOV") if state else sector)
        return None, None

    def coded_mentions(self, segment: str) -> list[tuple[int, int, str, str | None, bool]]:
        """(start, end, actor, sector, is a state) of the mentions found before the model's names,
        in the order of the text."""
        if segment not in self._coded:
            self._coded[segment] = sorted(((m.start, m.end, e.actor, e.sector, e.actor in self.kb.alpha2)
                                           for e in self.entities.values() if e.actor
                                           for m in e.mentions if m.segment == segment), key=lambda c: c[:2])
        return self._coded[segment]

    def home_state(self, e: Entity, paragraphs: list[int], by_paragraph: dict[int, Counter], story: str | None):
        """For a person or body the model found and the knowledge base does not know: the state
        the paragraphs it stands in are about, else the state the story is about (news names a
        country's own people and bodies without repeating whose they are: "le ministre de la
        Justice Alberto Ruiz-Gallardón" in a story about Spain); none when no state leads."""
        here = Counter()
        for p in {bisect_right(paragraphs, m.start) for m in e.mentions if m.segment == "body"}:
            here.update(by_paragraph.get(p, {}))
        return _leader(here) or story

    def state_marks(self) -> list[tuple[int, str]]:
        """(offset, state) for every body mention of a state, its people and bodies, and of a
        place that lies in one state only ("Ajaccio"), before any actor is inferred. Generic
        nouns and organs are left out: their state is the one written beside them, counted
        already, or one inferred the same way."""
        from veille import geo

        marks = [(m.start, e.actor) for e in self.entities.values() if e.actor in self.kb.alpha2
                 for m in e.mentions if m.segment == "body" and m.source not in ("agent", "organ")]
        idx = geo.index(self.options.data_dir, self.options.min_population)
        alpha3 = {a2: a3 for a3, a2 in self.kb.alpha2.items()}
        for m, _ in self.toponyms:
            if m.segment == "body" and m.source in ("gazetteer", "ner", "ner-part"):
                town = _clear_town(idx.lookup(m.text))
                if town and town in alpha3:
                    marks.append((m.start, alpha3[town]))
        return marks

    def finish(self) -> list[Entity]:
        marks = self.state_marks()
        # paragraph starts, and the states each paragraph names (paragraph i begins at paragraphs[i - 1])
        paragraphs = [m.end() for m in re.finditer(r"\n\n", self.doc.text)]
        by_paragraph: dict[int, Counter] = {}
        for at, actor in marks:
            by_paragraph.setdefault(bisect_right(paragraphs, at), Counter())[actor] += 1
        story = _leader(Counter(actor for _, actor in marks))
        for e in [e for e in self.entities.values() if e.actor is None and e.type in ("PER", "ORG")]:
            if all(m.source in ("ner", "acronym") for m in e.mentions):
                e.actor = self.home_state(e, paragraphs, by_paragraph, story)
        people = [e for e in self.entities.values() if e.type == "PER"]
        full: dict[str, Entity] = {}  # surname → the first full name that ends with it
        for e in people:
            if len(e.name.split()) > 1:
                full.setdefault(fold(e.name.split()[-1]), e)
        for e in people:
            if len(e.name.split()) == 1 and e.id.startswith("per:") and e.id in self.entities:
                owner = full.get(fold(e.name))
                if owner and owner is not e:
                    owner.mentions.extend(e.mentions)
                    del self.entities[e.id]
        return sorted(self.entities.values(), key=lambda x: (-len(x.mentions), x.name))


CAP = r"[A-ZÀ-ÖØ-Þ][\w'’]+"
# capitalised words, joined by spaces, hyphens and the small words of place names
# ("Cape of Good Hope", "Bab el-Mandeb", "Fédération de Russie")
RUN = re.compile(rf"{CAP}(?:(?:[ -]|\s(?:of|of the|de|du|des|de la|el|al|on|upon)\s|\sd[’']){CAP})*")


def capitalised_runs(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Spans of capitalised words inside text[s:e] ("base russe de Gyumri" → "Gyumri")."""
    return [(s + m.start(), s + m.end()) for m in RUN.finditer(text[s:e])]


@lru_cache(maxsize=4)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for the language: "Les", "Des" are no towns."""
    from spacy.util import get_lang_class

    return frozenset(fold(w) for w in get_lang_class(lang).Defaults.stop_words)


@lru_cache(maxsize=4)
def calendar_words(lang: str) -> frozenset[str]:
    from veille.timeparse import names

    months, days = names(lang)
    return frozenset(months) | frozenset(days)


LEAD = re.compile(r"(?<![\w'’])([a-zà-ÿ]+)\s+$")


def _leader(counts: Counter) -> str | None:
    """The state mentioned most, when no other is mentioned as often."""
    top = counts.most_common(2)
    return top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None


CLEAR_TOWN = 20_000  # a town this large, under its own name, tells the country a story is in


def _clear_town(cands) -> str | None:
    """The country of a name that stands for one real town: its own name (not an alternate),
    a town of some size, and ten times larger than any namesake elsewhere ("Paris" is in
    France, "Los" is no name of Lagos, "Libération" is no town a story is in)."""
    own = sorted((c for c in cands if c.primary and c.kind == "city"), key=lambda c: -c.population)
    if not own or own[0].population < CLEAR_TOWN:
        return None
    rival = max((c.population for c in cands if c.country != own[0].country), default=0)
    return own[0].country if own[0].population >= 10 * rival else None


STOPS = frozenset('"“”«»:;()[]')
# words before a state or body that say where an office acts, not whose it is
WHERE_WORDS = frozenset("for pour to in en à au aux dans auprès at with avec against contre".split())


def _word_before(text: str, at: int) -> str:
    m = re.search(r"([\w'’]+)\W*$", text[max(0, at - 40):at])
    return m.group(1) if m else ""


WORD = re.compile(r"[\w’'-]+")
MAX_DEFINITIONS = 50  # acronyms defined in one text: a page that defines more is not news
# an acronym in brackets after a name, or a name in brackets after an acronym
DEFINED = re.compile(r"(?<![\w-])(?P<acr>[A-Z][A-Z0-9]{1,7})\s*\((?P<long2>[A-ZÀ-Ý][^()\n]{3,120})\)"
                     r"|\((?P<acr2>[A-Z][A-Z0-9]{1,7})\)")
SMALL = frozenset("de du des la le les l d of the and for et pour en à au aux on in".split())


def _spells(acronym: str, words: list[str]) -> bool:
    """Do the words' initials spell the acronym? Small words may count or not ("Front de
    libération nationale" is FLN, "Bring Back Our Girls" BBOG)."""
    heads = [w.split("'")[-1].split("’")[-1] for w in words]
    heads = [h for h in heads if h]
    strict = "".join(h[0] for h in heads if h.lower() not in SMALL).upper()
    loose = "".join(h[0] for h in heads).upper()
    return len(heads) >= 2 and acronym.upper() in (strict, loose)


def _strictly_inside(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= s and e <= b and (a, b) != (s, e) for a, b in spans)


def _particle(toks) -> bool:
    """A capitalised article inside a sentence, before a capitalised word, is part of the name
    ("le général De Gaulle", "Bruno Le Roux", "le quotidien Le Monde"); at the start of a
    sentence it may be the sentence's own article."""
    first = toks[0]
    return (first.text[:1].isupper() and first.text.isalpha() and not first.is_sent_start and len(toks) > 1
            and toks[1].text[:1].isupper())


def _end_of_paragraph(text: str, at: int) -> int:
    end = text.find("\n\n", at)
    return len(text) if end < 0 else end


def _char_before(text: str, i: int) -> str:
    """The last character before ``i`` that is not a space; "" at the start of the text."""
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return text[i - 1] if i else ""


def _looks_like_name(surface: str) -> bool:
    if len(surface) < 2 or not surface[0].isupper():
        return False
    letters = [c for c in surface if c.isalpha()]
    return bool(letters) and not surface.endswith(("!", "?"))


def link(doc: Document, ctx: Context) -> Document:
    linker = Linker(doc, ctx)
    for segment in ("body", "caption"):
        linker.run(segment)
    if doc.author and len(doc.author.split()) <= 4:  # the byline names a person too
        linker.mention(f"per:{fold(doc.author)}", doc.author, "PER",
                       Mention(doc.author, 0, len(doc.author), "author", "byline"))
    doc.entities = linker.finish()
    doc.work["toponyms"] = linker.toponyms
    return doc


STAGE = Stage("link", link, requires=("text", "parsed", "published"), provides=("entities", "toponyms"))
