"""link: every entity mention → a canonical entity with a type and, where it has one,
an actor code.

Three sources of mentions, in order of trust: the knowledge-base gazetteer (names,
states, demonyms, capitals and seats of power), generic state organs next to a state
("le ministère russe de la Défense" → RUS, sector MIL), generic agent nouns ("la police
afghane" → AFG, COP; "les rebelles" → the group or state the paragraph is about, as the
agents file says) and equipment designations, then the statistical model's names, passed
through guards against its known failures on news pages (headlines in Title Case, an
office word glued to a surname, page text).

A person or body with dated roles (Phoenix) is linked to the role valid on the document's
date: its publication date, or today when it has none.
"""
from __future__ import annotations

import re
from bisect import bisect_left
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
        self._states: list[tuple[str, list[int]]] | None = None
        self.day = (doc.published or date.today().isoformat())[:10]
        self.doc_states: Counter = Counter()  # state → mentions in the body, for generic nouns
        self.lang = doc.work.get("nlp_lang") or doc.language
        self.implied: Counter = Counter()  # states that the document's unambiguous place names put it in

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
        for s, e in self.organs(text, tokens, matches, segment):
            taken.add(s, e)
        for s, e in self.agents(text, tokens, matches, segment, taken):
            taken.add(s, e)
        for s, e in self.equipment(text, segment, taken):
            taken.add(s, e)
        for s, e in self.gazetteer_places(text, segment, taken):
            taken.add(s, e)
        self.model_names(segment, text, taken)

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
        for om in self.kb.organs.scan(view):
            state, a, b = self.beside(tokens, states, kept[om.start], kept[om.end - 1] + 1)
            if state is None:
                continue
            entry = self.kb.entries[state.alias.entry]
            row = self.kb.organ_rows[om.alias.entry]
            s, e = tokens[a].start, tokens[b - 1].end
            eid = f"org:{fold(row['name']).replace(' ', '-')}:{entry.actor}"
            self.mention(eid, f"{row['name']} ({entry.name})", "ORG", Mention(text[s:e], s, e, segment, "organ"),
                         entry.actor, row["sector"] or None)
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
                if taken.overlaps(s, e):
                    if label == "LOC":  # "autoroute Erevan-Goris": keep the unknown part
                        self.leftover_places(text, s, e, taken, segment)
                    continue
                if is_headline_case(ent.sent.text):
                    continue
                toks = [t for t in ent]
                while toks and (fold(toks[0].text) in DETERMINERS or fold(toks[0].text) in self.kb.titles
                                or fold(toks[0].text).rstrip("'’") in DETERMINERS):
                    toks = toks[1:]
                if not toks:
                    continue
                s, e = offset + toks[0].idx, offset + toks[-1].idx + len(toks[-1].text)
                surface = text[s:e]
                if label == "LOC":  # "lac Sevan", "mer Noire": a generic word may lead
                    if any(_looks_like_name(t.text) for t in toks):
                        self.toponyms.append((Mention(surface, s, e, segment, "ner"), None))
                    continue
                if not _looks_like_name(surface):
                    continue
                if label == "PER" and len(toks) <= 4:
                    actor, sector = self.office_context(sdoc, ent.start, offset)
                    self.mention(f"per:{fold(surface)}", surface, "PER", Mention(surface, s, e, segment, "ner"),
                                 actor, sector)
                elif label == "ORG":
                    self.mention(f"org:{fold(surface)}", surface, "ORG", Mention(surface, s, e, segment, "ner"))
                elif label == "MISC" and len(toks) >= 2 and all(t.text[0].isupper() or t.text.isdigit() for t in toks):
                    self.mention(f"misc:{fold(surface)}", surface, "MISC", Mention(surface, s, e, segment, "ner"))

    def gazetteer_places(self, text: str, segment: str, taken) -> list[tuple[int, int]]:
        """Capitalised names the place index knows, in a country the document names (or a
        sea, region or range, which no common word is): found with or without a model,
        and before it, so the model cannot call a town a person ("Goris", "Tegh")."""
        from veille import geo

        idx = geo.index(self.options.data_dir, self.options.min_population)
        context = {self.kb.alpha2[e.actor] for e in self.entities.values() if e.actor in self.kb.alpha2}
        runs = []
        for a, b in capitalised_runs(text, 0, len(text)):
            if taken.overlaps(a, b):
                # "Taiwan Strait", "South China Sea": a sea or range named after a state is a place of its own
                if " " in text[a:b] and any(c.kind in ("water", "mountain") for c in idx.lookup(text[a:b])):
                    self.toponyms.append((Mention(text[a:b], a, b, segment, "gazetteer"), None))
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
            if not cands and len(name) >= 6 and not initial:  # "à Villeurbane": a doubled letter dropped
                cands = tuple(c for c in idx.lookup_loose(name)  # a town of note: "Congrès" is no Congress, Arizona
                              if c.country in context and c.kind == "city" and c.population >= 20_000)
            if cands:
                runs.append((a, b, name, cands, initial))
                self.implied.update(_one_state(cands))
        context |= set(self.implied)
        spans = []
        for a, b, name, cands, initial in runs:
            # a division from the generated table by its bare name alone ("Ohio"): only in the
            # document's states; elsewhere the model's names decide
            if any((c.kind != "city" and (not c.level or DIVISION.search(name))) or c.country in context
                   or (c.kind == "city" and c.population >= BIG_CITY and not initial) for c in cands):
                self.toponyms.append((Mention(name, a, b, segment, "gazetteer"), None))
                spans.append((a, b))
        return spans

    def title_places(self) -> None:
        """Places the headline names ("... en Bretagne"), from the place index alone: a
        headline is no sentence for the model, and in Title Case every word is a name."""
        title = self.doc.title or ""
        if not title or len(title) > 300 or is_headline_case(title):
            return
        taken = Spans()
        tokens = tokenize(title)
        for m in self.kb.gazetteer.scan(tokens):  # states and people named in it are no towns
            taken.add(tokens[m.start].start, tokens[m.end - 1].end)
        self.gazetteer_places(title, "title", taken)

    def leftover_places(self, text: str, s: int, e: int, taken, segment: str) -> None:
        for a, b in capitalised_runs(text, s, e):
            pos = a
            for part in text[a:b].split("-") if taken.overlaps(a, b) else [text[a:b]]:
                pa, pb = pos, pos + len(part)
                pos = pb + 1
                if part[:1].isupper() and not taken.overlaps(pa, pb):
                    self.toponyms.append((Mention(part, pa, pb, segment, "ner-part"), None))

    def office_context(self, sdoc, start: int, offset: int):
        """Actor of an unknown person from the office and state written just before the name
        ("le secrétaire d'État américain, Antony Blinken")."""
        sent_start = sdoc[start].sent.start
        window = sdoc[max(sent_start, start - 7):start]
        saw_office = any(fold(t.text) in self.kb.titles for t in window)
        if not saw_office:
            return None, None
        lo, hi = offset + window.start_char, offset + sdoc[start].idx
        for actor, starts in self.state_mentions():
            i = bisect_left(starts, lo)
            if i < len(starts) and starts[i] < hi:
                return actor, "GOV"
        return None, None

    def state_mentions(self) -> list[tuple[str, list[int]]]:
        """(actor, sorted starts of its mentions in the body) for each state entity, in the
        order of the entities; the model's names, found after them, add no state."""
        if self._states is None:
            self._states = [(e.actor, sorted(m.start for m in e.mentions if m.segment == "body"))
                            for e in self.entities.values() if e.actor and e.type == "GPE"]
        return self._states

    def finish(self) -> list[Entity]:
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


CAP = r"[A-ZÀ-ÖØ-Þ](?:\w|['’](?![sS]\b))+"  # "Toronto's mayor": the name ends before the possessive
# capitalised words, joined by spaces, hyphens and the small words of place names
# ("Cape of Good Hope", "Bab el-Mandeb", "Fédération de Russie")
# ("Cape of Good Hope", "Bab el-Mandeb", "Fédération de Russie", "Noyal-sur-Vilaine", "Pointe-au-Père")
RUN = re.compile(rf"{CAP}(?:(?:[ -]|-(?:sur|sous|et|en|de|du|des|de-la|la|le|les|lès|lez|au|aux|upon|on|in)-|-d[’']|"
                 rf"\s(?:of|of the|de|du|des|de la|el|al|on|upon)\s|\sd[’']){CAP})*")


WORD = re.compile(r"[\w'’]+")


def capitalised_runs(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Spans of capitalised words inside text[s:e] ("base russe de Gyumri" → "Gyumri"); a run
    stops at a weekday or a month ("Edmonton on Sunday", "à Gao Lundi")."""
    out = []
    for m in RUN.finditer(text, s, e):
        a, b = m.span()
        calendar = _calendar()
        if " " not in m.group() or not any(fold(w) in calendar for w in WORD.findall(m.group())):
            out.append((a, b))
            continue
        at = a
        for w in WORD.finditer(text, a, b):
            if fold(w.group()) in calendar:
                out += [x.span() for x in RUN.finditer(text, at, w.start())]
                at = w.end()
        out += [x.span() for x in RUN.finditer(text, at, b)]
    return out


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


@lru_cache(maxsize=1)
def _calendar() -> frozenset[str]:
    """Weekdays and months, written out, in the languages veille reads."""
    from babel import Locale

    out = set()
    for lang in ("fr", "en"):
        loc = Locale(lang)
        out |= {fold(n) for n in loc.months["format"]["wide"].values()}
        out |= {fold(n) for n in loc.days["format"]["wide"].values()}
    return frozenset(out)


DIVISION = re.compile(r"\b(?:Region|Province|State|County|Governorate|Oblast|Department|Prefecture|District)\b")
LEAD = re.compile(r"(?<![\w'’])([a-zà-ÿ]+)\s+$")


def _one_state(cands) -> list[str]:
    """The state a place name puts the document in: all its notable places (a division, a
    region, a town of 20,000) lie in one state, and no other town of 5,000 has that name
    ("Ille-et-Vilaine", "Zamfara", "Chicago"; not "Paris")."""
    notable = {c.country for c in cands if c.country and (c.kind != "city" or c.population >= 20_000)}
    if len(notable) != 1:
        return []
    if any(c.country not in notable and (c.kind != "city" or c.population >= 5_000) for c in cands):
        return []
    return list(notable)


def _leader(counts: Counter) -> str | None:
    """The state mentioned most, when no other is mentioned as often."""
    top = counts.most_common(2)
    return top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None


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
    linker.title_places()
    if doc.author and len(doc.author.split()) <= 4:  # the byline names a person too
        linker.mention(f"per:{fold(doc.author)}", doc.author, "PER",
                       Mention(doc.author, 0, len(doc.author), "author", "byline"))
    doc.entities = linker.finish()
    doc.work["toponyms"] = linker.toponyms
    doc.work["implied_states"] = linker.implied
    return doc


STAGE = Stage("link", link, requires=("text", "parsed", "published"), provides=("entities", "toponyms"))
