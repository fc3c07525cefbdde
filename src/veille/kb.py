"""The knowledge base as lookups: canonical entries and a token gazetteer over aliases.

Built once per process from the data files (``veille.lexicon``): entities/*.tsv (the
hand-made files, then those converted from the Phoenix dictionaries, whose people and
bodies carry date-ranged roles; a file whose name holds "group" lists armed groups, with the
state each belongs to in its "home" column), states (names from CLDR through Babel in French and
English, ISO codes from pycountry, plus ``country_names.tsv``), demonyms, capitals and
seats of power used as metonyms, organ head phrases and generic agent nouns
(agents/*.tsv). The code knows column names, never words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from veille.lexicon import files, fold, rows, split, _fold, _read_tsv

TOKEN = re.compile(r"\w+|[^\w\s]")
ACRONYM = re.compile(r"^[A-Z0-9]{2,6}$")
DOTTABLE = re.compile(r"^(?:UN|US|EU|UK) [A-Z]")  # the acronyms English news writes with dots


@dataclass(slots=True)
class Entry:
    id: str
    type: str
    name: str
    actor: str | None = None
    sector: str | None = None
    wikidata: str | None = None
    roles: str | None = None  # dated codes, 'AZE/GOV@2003-10-31..|AZE/ELI' (see Role)
    group: bool = False  # an armed non-state group (from a file named *group*)


@dataclass(frozen=True, slots=True)
class Role:
    actor: str | None
    sector: str | None
    start: str = ""  # ISO dates, "" for an open end
    end: str = ""

    def holds_on(self, day: str) -> bool:
        return (not self.start or self.start <= day) and (not self.end or day <= self.end)


@lru_cache(maxsize=65_536)
def parse_roles(cell: str) -> tuple[Role, ...]:
    out = []
    for item in cell.split("|"):
        code, _, dates = item.partition("@")
        actor, _, sector = code.partition("/")
        start, _, end = dates.partition("..")
        out.append(Role(actor or None, sector or None, start, end))
    return tuple(out)


def role_on(entry: Entry, day: str) -> tuple[str | None, str | None]:
    """The entry's actor and sector on ``day`` (ISO): the first dated role that holds, then the
    undated one (Phoenix's order); outside every range with no undated role, the state of the
    nearest role, as a former or future office holder (sector ELI)."""
    if not entry.roles:
        return entry.actor, entry.sector
    roles = parse_roles(entry.roles)
    dated = [r for r in roles if r.start or r.end]
    hit = next((r for r in dated if r.holds_on(day)), None) or next((r for r in roles if r not in dated), None)
    if hit:
        return hit.actor, hit.sector
    near = min((r for r in dated if r.actor), key=lambda r: _gap(r, day), default=None)
    return (near.actor, "ELI") if near else (None, None)


def _gap(role: Role, day: str) -> str:
    """How far ``day`` is from the role, as a sortable string (dates are ISO)."""
    if role.end and day > role.end:
        return f"{int(day[:4]) - int(role.end[:4]):04d}"
    return f"{int(role.start[:4]) - int(day[:4]):04d}" if role.start else "0000"


# how a name must be written in the text: as it comes, capitalised, or every word capitalised
ANY, CAPITALISED, TITLE = 0, 1, 2
SMALL_WORDS = frozenset("of the and for in on de du des la le al el bin ibn ul e i y van von der da do dos a d l".split())


@dataclass(frozen=True, slots=True)
class Alias:
    entry: str
    kind: str  # name, country, demonym, metonym, organ, agent
    cased: int  # ANY, CAPITALISED (proper names) or TITLE (every word, for converted names)
    exact: str | None = None  # exact surface required (acronyms)
    sector: str | None = None


@dataclass
class Token:
    text: str
    start: int
    end: int
    key: str  # folded


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end(), fold(m.group())) for m in TOKEN.finditer(text)]


def key_of(alias: str) -> tuple[str, ...]:
    # folding the whole alias once, then splitting, gives the tokens folded one by one (fold
    # keeps word characters words) at a fraction of the cost over tens of thousands of names
    return tuple(TOKEN.findall(_fold(alias))) if len(alias) > 1 else (fold(alias),) if alias.strip() else ()


@dataclass
class Match:
    start: int  # token indices
    end: int
    alias: Alias


@dataclass
class Gazetteer:
    index: dict[tuple[str, ...], list[Alias]] = field(default_factory=dict)
    sizes: dict[str, list[int]] = field(default_factory=dict)  # first token → alias lengths, longest first
    # names read with or without their hyphens: "Jean-François Copé" is Phoenix's "Jean Francois Cope"
    hyphens_optional: bool = False

    def key(self, surface: str) -> tuple[str, ...]:
        key = key_of(surface)
        return tuple(k for k in key if k != "-") if self.hyphens_optional and "-" in key else key

    def aliases(self, surface: str) -> list[Alias]:
        """The aliases written ``surface``, first added first."""
        return self.index.get(self.key(surface), [])

    def add(self, surface: str, alias: Alias) -> None:
        key = self.key(surface)
        if not key:
            return
        bucket = self.index.setdefault(key, [])
        if alias not in bucket:
            bucket.append(alias)
        sizes = self.sizes.setdefault(key[0], [])
        if len(key) not in sizes:
            sizes.append(len(key))
            sizes.sort(reverse=True)

    def scan(self, tokens: list[Token]) -> list[Match]:
        """Longest matches left to right; case rules keep names off common words."""
        if not self.hyphens_optional:
            return self._scan(tokens)
        # a hyphen glued to the words on both sides is left out, and the matches mapped back
        kept = [i for i, t in enumerate(tokens) if not (t.key == "-" and 0 < i < len(tokens) - 1
                and tokens[i - 1].end == t.start and t.end == tokens[i + 1].start)]
        if len(kept) == len(tokens):
            return self._scan(tokens)
        return [Match(kept[m.start], kept[m.end - 1] + 1, m.alias) for m in self._scan([tokens[i] for i in kept])]

    def _scan(self, tokens: list[Token]) -> list[Match]:
        out, i, n = [], 0, len(tokens)
        while i < n:
            for size in self.sizes.get(tokens[i].key, ()):
                if i + size > n:
                    continue
                cands = self.index.get(tuple(t.key for t in tokens[i:i + size]))
                if not cands:
                    continue
                alias = next((a for a in cands if _case_ok(a, tokens[i:i + size])), None)
                if alias:
                    out.append(Match(i, i + size, alias))
                    i += size
                    break
            else:
                i += 1
        return out


def _case_ok(alias: Alias, toks: list[Token]) -> bool:
    if alias.exact is not None:  # acronyms: as written, or Title-case when long (SOCAR, Socar)
        written = "".join(t.text for t in toks)
        return written == alias.exact or (len(alias.exact) >= 4 and written == alias.exact.capitalize())
    if alias.cased == TITLE:
        return all(t.text[0].isupper() for t in toks if t.text[0].isalpha() and t.key not in SMALL_WORDS)
    if alias.cased:
        first = next((t for t in toks if t.text[0].isalpha()), toks[0])
        return first.text[0].isupper()
    return True


class KnowledgeBase:
    def __init__(self, user_dir: str = ""):
        self.entries: dict[str, Entry] = {}
        self.gazetteer = Gazetteer(hyphens_optional=True)
        self.organs = Gazetteer()
        self.organ_rows: dict[str, dict] = {}
        self.titles: dict[str, str] = {}
        self.agents: dict[str, Gazetteer] = {}  # language → generic agent nouns
        self.agent_rows: dict[str, dict] = {}
        self.alpha2: dict[str, str] = {}  # actor code → ISO alpha-2, for states
        self.state_names: set[tuple[str, str]] = set()  # (actor code, folded name) of every state's names
        self.homes: dict[str, str] = {}  # a group's actor code → its home state ("" for none)
        self._load(user_dir)

    def home_of(self, code: str) -> str | None:
        """The state an armed group's code belongs to (HEZBOLLAH → LBN), or None."""
        return self.homes.get(code) or None

    def actor_entry(self, code: str) -> str | None:
        """The entry that stands for an actor code: the state, or the group or territory."""
        if f"gpe:{code}" in self.entries:
            return f"gpe:{code}"
        return next((e.id for e in self.entries.values()
                     if e.actor == code and e.type in ("GPE", "ORG") and not e.sector), None)

    def _add_entry(self, e: Entry) -> None:
        self.entries.setdefault(e.id, e)

    def _alias(self, surface: str, entry: str, kind: str, sector: str | None = None, strict: bool = False) -> None:
        compact = surface.replace(".", "").replace(" ", "")
        exact = surface if ACRONYM.match(compact) and len(compact) <= 5 else None
        cased = kind in ("name", "country", "metonym") and surface[:1].isupper()
        self.gazetteer.add(surface, Alias(entry, kind, TITLE if cased and strict else int(cased), exact, sector))

    def _load(self, user_dir: str) -> None:
        # hand-made files first, converted ones (phoenix_*) after: the first entry of an id and
        # the first alias of a name win
        for path in sorted(files("entities/*.tsv", user_dir), key=lambda p: p.name.startswith("phoenix_")):
            converted, groups = path.name.startswith("phoenix_"), "group" in path.name
            for r in stream_tsv(path):
                if not r.get("id") or not r.get("name"):
                    continue
                self._add_entry(Entry(r["id"], r.get("type") or "MISC", r["name"], r.get("actor") or None,
                                      r.get("sector") or None, r.get("wikidata") or None, r.get("roles") or None,
                                      groups))
                if groups and r.get("actor") and r["actor"] not in self.homes:
                    # the first file that codes a group decides its home, the hand-made one first, even empty
                    self.homes[r["actor"]] = r.get("home") or ""
                for a in [r["name"]] + split(r.get("aliases", "")):
                    self._alias(a, r["id"], "name", strict=converted)
                    if DOTTABLE.match(a):  # "UN Office for..." is also written "U.N. Office for..."
                        head, _, rest = a.partition(" ")
                        self._alias(f"{'.'.join(head)}. {rest}", r["id"], "name", strict=converted)
        self._load_states(user_dir)
        for r in rows("demonyms.tsv", user_dir):
            target = self.actor_entry(r["actor"])
            for form in split(r["forms"]) if target else []:
                self._alias(form.lower(), target, "demonym")
        for r in rows("metonyms.tsv", user_dir):
            target = self.actor_entry(r["actor"])
            if target:
                self._alias(r["surface"], target, "metonym", r.get("sector") or None)
        for r in rows("organs.tsv", user_dir):
            # a head written capitalised is a proper name ("Cour constitutionnelle", "Congrès"), not a word
            self.organs.add(r["head"], Alias(f"organ:{r['head']}", "organ", CAPITALISED if r["head"][:1].isupper() else ANY))
            self.organ_rows[f"organ:{r['head']}"] = r
        for r in rows("titles.tsv", user_dir):
            self.titles[fold(r["word"])] = r.get("sector") or ""
        self._load_agents(user_dir)

    def _load_agents(self, user_dir: str) -> None:
        """Generic agent nouns ("police", "rebelles"), with their plurals: the English rows
        take the regular plural unless the file gives another ('-' for none)."""
        for path in files("agents/*.tsv", user_dir):
            for r in _read_tsv(path):
                if not r.get("phrase") or not r.get("sector"):
                    continue
                key = f"agent:{r.get('lang', '')}:{fold(r['phrase'])}"  # one row per language: "police" is both
                self.agent_rows.setdefault(key, r)
                gaz = self.agents.setdefault(r.get("lang", ""), Gazetteer())
                for form in agent_forms(r):
                    gaz.add(form, Alias(key, "agent", ANY, None, r["sector"]))

    def _load_states(self, user_dir: str) -> None:
        import pycountry
        from babel import Locale

        fr, en = Locale("fr").territories, Locale("en").territories
        for c in pycountry.countries:
            code = c.alpha_3
            self.alpha2[code] = c.alpha_2
            name = en.get(c.alpha_2) or c.name
            self._add_entry(Entry(f"gpe:{code}", "GPE", name, code))
            for n in {fr.get(c.alpha_2), en.get(c.alpha_2), c.name, getattr(c, "common_name", None)} - {None}:
                self._alias(n, f"gpe:{code}", "country")
                self.state_names.add((code, fold(n)))
        for r in rows("country_centroids.tsv", user_dir):  # codes ISO leaves to users: Kosovo XK/XKX
            self.alpha2.setdefault(r["alpha3"], r["alpha2"])
        for r in rows("country_names.tsv", user_dir):
            if f"gpe:{r['actor']}" not in self.entries:
                self._add_entry(Entry(f"gpe:{r['actor']}", "GPE", r["actor"], r["actor"]))
            for form in split(r["forms"]):
                self._alias(form, f"gpe:{r['actor']}", "country")
                self.state_names.add((r["actor"], fold(form)))


def stream_tsv(path):
    """The rows of a kb file one at a time, not kept: the entity files hold tens of thousands of
    rows that the entries and aliases replace (``lexicon.rows`` caches what it reads)."""
    with open(path, encoding="utf-8") as f:
        header = None
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cells = [c.strip() for c in line.rstrip("\n").split("\t")]
            if header is None:
                header = cells
                continue
            yield dict(zip(header, cells + [""] * (len(header) - len(cells))))


def agent_forms(r: dict) -> list[str]:
    forms = [r["phrase"]]
    plural = r.get("plural", "")
    if plural and plural != "-":
        forms += split(plural)
    elif not plural and r.get("lang") == "en":
        forms.append(english_plural(r["phrase"]))
    return forms


def english_plural(phrase: str) -> str:
    """Phoenix's rule: +S, Y → IES, SS → SSES (and -ch, -sh, -x → +ES)."""
    if phrase.endswith("y") and phrase[-2:-1] not in "aeiou":
        return phrase[:-1] + "ies"
    if phrase.endswith(("ss", "ch", "sh", "x")):
        return phrase + "es"
    return phrase if phrase.endswith("s") else phrase + "s"


@lru_cache(maxsize=4)
def load(user_dir: str = "") -> KnowledgeBase:
    return KnowledgeBase(user_dir)
