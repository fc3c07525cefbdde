"""The event lexicons (``kb/events/*.tsv``) as lookups. The code never names a word."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from veille.lexicon import fold, rows, split

MODES = {  # which modes a type can take (PLOVER)
    "ASSAULT": ("drone", "missile", "artillery", "aerial", "explosives", "firearms"),
    "MOBILIZE": ("troops", "weapons"),
    "AID": ("military", "humanitarian", "economic"),
}


@dataclass(frozen=True)
class Trigger:
    type: str
    mode: str | None
    pos: str


@dataclass
class EventLexicon:
    lang: str
    triggers: dict[tuple[str, ...], list[Trigger]] = field(default_factory=dict)
    longest: int = 1
    cues: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    modes: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)  # words → (type, mode)
    quantities: dict[str, str] = field(default_factory=dict)  # word → key
    phrase_sizes: dict[str, list[int]] = field(default_factory=dict)  # first word → phrase lengths
    _words: dict[str, set[str]] = field(default_factory=dict)

    def trigger(self, keys: tuple[str, ...], pos: str | None) -> Trigger | None:
        found = self.triggers.get(keys)
        if not found:
            return None
        if pos is None:
            return next((t for t in found if t.pos == "VERB"), found[0])
        return next((t for t in found if t.pos == pos), None)

    def is_cue(self, cue: str, *keys: str) -> bool:
        return tuple(keys) in self.cues.get(cue, ())

    def cue_phrases(self, cue: str) -> list[str]:
        return [" ".join(k).replace("' ", "'") for k in self.cues.get(cue, ())]

    def cue_words(self, cue: str) -> set[str]:
        if cue not in self._words:
            self._words[cue] = {k[0] for k in self.cues.get(cue, ()) if len(k) == 1}
        return self._words[cue]


def _keys(form: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in form.replace("'", "' ").replace("’", "' ").split())


@lru_cache(maxsize=8)
def load(lang: str, user_dir: str = "") -> EventLexicon:
    lex = EventLexicon(lang)
    for r in rows("events/triggers.tsv", user_dir):
        if r.get("lang") != lang:
            continue
        t = Trigger(r["type"].upper(), r.get("mode") or None, (r.get("pos") or "VERB").upper())
        for form in split(r.get("forms", "")):
            k = _keys(form)
            lex.triggers.setdefault(k, [])
            if t not in lex.triggers[k]:
                lex.triggers[k].append(t)
            lex.longest = max(lex.longest, len(k))
            plain = tuple(x for x in k if x != "'")
            for key in {k, plain}:
                if len(key) > 1:
                    sizes = lex.phrase_sizes.setdefault(key[0].rstrip("'"), [])
                    if len(key) not in sizes:
                        sizes.append(len(key))
                        sizes.sort(reverse=True)
    for r in rows("events/cues.tsv", user_dir):
        if r.get("lang") == lang:
            for form in split(r.get("forms", "")):
                lex.cues.setdefault(r["cue"], set()).add(_keys(form))
    for r in rows("events/modes.tsv", user_dir):
        if r.get("lang") == lang:
            for form in split(r.get("forms", "")):
                lex.modes.setdefault(_keys(form), []).append((r["type"].upper(), r["mode"]))
    for r in rows("events/quantities.tsv", user_dir):
        if r.get("lang") == lang:
            for form in split(r.get("forms", "")):
                lex.quantities[fold(form)] = r["key"]
    return lex
