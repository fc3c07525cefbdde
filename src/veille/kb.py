"""The knowledge base as lookups: canonical entries and a token gazetteer over aliases.

Built once per process from the data files (``veille.lexicon``): entities/*.tsv,
states (names from CLDR through Babel in French and English, ISO codes from pycountry,
plus ``country_names.tsv``), demonyms, capitals and seats of power used as metonyms,
and organ head phrases. The code knows column names, never words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from veille.lexicon import files, fold, rows, split, _read_tsv

TOKEN = re.compile(r"\w+|[^\w\s]")
ACRONYM = re.compile(r"^[A-Z0-9]{2,6}$")


@dataclass
class Entry:
    id: str
    type: str
    name: str
    actor: str | None = None
    sector: str | None = None
    wikidata: str | None = None


@dataclass(frozen=True)
class Alias:
    entry: str
    kind: str  # name, country, demonym, metonym
    cased: bool  # must the text be capitalised (proper names) or match exactly (acronyms)?
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
    return tuple(fold(m.group()) for m in TOKEN.finditer(alias))


@dataclass
class Match:
    start: int  # token indices
    end: int
    alias: Alias


@dataclass
class Gazetteer:
    index: dict[tuple[str, ...], list[Alias]] = field(default_factory=dict)
    sizes: dict[str, list[int]] = field(default_factory=dict)  # first token → alias lengths, longest first

    def add(self, surface: str, alias: Alias) -> None:
        key = key_of(surface)
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
    if alias.cased:
        first = next((t for t in toks if t.text[0].isalpha()), toks[0])
        return first.text[0].isupper()
    return True


class KnowledgeBase:
    def __init__(self, user_dir: str = ""):
        self.entries: dict[str, Entry] = {}
        self.gazetteer = Gazetteer()
        self.organs = Gazetteer()
        self.organ_rows: dict[str, dict] = {}
        self.titles: dict[str, str] = {}
        self.alpha2: dict[str, str] = {}  # actor code → ISO alpha-2, for states
        self._load(user_dir)

    def actor_entry(self, code: str) -> str | None:
        """The entry that stands for an actor code: the state, or the group or territory."""
        if f"gpe:{code}" in self.entries:
            return f"gpe:{code}"
        return next((e.id for e in self.entries.values()
                     if e.actor == code and e.type in ("GPE", "ORG") and not e.sector), None)

    def _add_entry(self, e: Entry) -> None:
        self.entries.setdefault(e.id, e)

    def _alias(self, surface: str, entry: str, kind: str, sector: str | None = None) -> None:
        compact = surface.replace(".", "").replace(" ", "")
        exact = surface if ACRONYM.match(compact) and len(compact) <= 5 else None
        cased = kind in ("name", "country", "metonym") and surface[:1].isupper()
        self.gazetteer.add(surface, Alias(entry, kind, cased, exact, sector))

    def _load(self, user_dir: str) -> None:
        for path in files("entities/*.tsv", user_dir):
            for r in _read_tsv(path):
                if not r.get("id") or not r.get("name"):
                    continue
                self._add_entry(Entry(r["id"], r.get("type") or "MISC", r["name"], r.get("actor") or None,
                                      r.get("sector") or None, r.get("wikidata") or None))
                for a in [r["name"]] + split(r.get("aliases", "")):
                    self._alias(a, r["id"], "name")
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
            self.organs.add(r["head"], Alias(f"organ:{r['head']}", "organ", False))
            self.organ_rows[f"organ:{r['head']}"] = r
        for r in rows("titles.tsv", user_dir):
            self.titles[fold(r["word"])] = r.get("sector") or ""

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
        for r in rows("country_names.tsv", user_dir):
            if f"gpe:{r['actor']}" not in self.entries:
                self._add_entry(Entry(f"gpe:{r['actor']}", "GPE", r["actor"], r["actor"]))
            for form in split(r["forms"]):
                self._alias(form, f"gpe:{r['actor']}", "country")


@lru_cache(maxsize=4)
def load(user_dir: str = "") -> KnowledgeBase:
    return KnowledgeBase(user_dir)
