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


NO_EVENT = "NONE"  # a frame's type when the verb with these objects is no event ("fought the fire")


@dataclass(frozen=True)
class Trigger:
    type: str
    mode: str | None
    pos: str
    origin: str = "veille"  # "cameo": from CAMEO's verb dictionary, which asks more of the sentence


@dataclass
class EventLexicon:
    lang: str
    triggers: dict[tuple[str, ...], list[Trigger]] = field(default_factory=dict)
    longest: int = 1
    cues: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    modes: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)  # words → (type, mode)
    quantities: dict[str, str] = field(default_factory=dict)  # word → key
    phrase_sizes: dict[str, list[int]] = field(default_factory=dict)  # first word → phrase lengths
    # English verbs of CAMEO's dictionary: lemma → (particles, trigger) for a verb alone, and
    # lemma → [(object word sets, trigger)] for a verb with its objects ("speed up aid": AID)
    verbs: dict[str, list[tuple[tuple[str, ...], Trigger]]] = field(default_factory=dict)
    patterns: dict[str, list[tuple[tuple[frozenset, ...], Trigger]]] = field(default_factory=dict)
    # verbs whose event depends on what they act on (kb/events/frames.tsv): verb form → [(object
    # words, trigger)]; "lifted the blockade" is a retreat, "lifted the ban" a concession, "lifted weights" none
    frames: dict[str, list[tuple[frozenset, Trigger]]] = field(default_factory=dict)
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
            bare = tuple(x.rstrip("'") for x in plain)  # as the sentence's words are looked up: "d'" is "d"
            if bare != k:
                lex.triggers.setdefault(bare, [])
                if t not in lex.triggers[bare]:
                    lex.triggers[bare].append(t)
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
    for r in rows("events/frames.tsv", user_dir):
        if r.get("lang") == lang:
            _load_frame(lex, r)
    if lang == "en":
        _load_cameo(lex, user_dir)
    return lex


def _load_frame(lex: EventLexicon, r: dict) -> None:
    """A verb frame: its verbs, and the objects that make it an event ("@cue": a cue's words)."""
    objects: set[str] = set()
    for o in split(r.get("objects", "")):
        if o.startswith("@"):
            objects |= {" ".join(k) for k in lex.cues.get(o[1:], ()) if len(k) == 1}
        else:
            objects.add(fold(o))
    t = Trigger(r["type"].upper(), r.get("mode") or None, "VERB", "frame")
    for verb in split(r.get("verbs", "")):
        lex.frames.setdefault(fold(verb), []).append((frozenset(objects), t))


def _load_cameo(lex: EventLexicon, user_dir: str) -> None:
    """CAMEO's English verbs and verb patterns that PLOVER gives a type (kb/events/cameo_verbs.tsv)."""
    table = rows("events/cameo_verbs.tsv", user_dir)
    synsets = {r["block"]: frozenset(fold(m.rstrip("_").replace("_", " ")) for m in split(r["forms"]))
               for r in table if r["kind"] == "synset"}
    blocks: dict[str, list[list[str]]] = {}
    for r in table:
        if r["kind"] != "verb":
            continue
        words = fold(r["lemma"]).split()
        if not words:
            continue
        blocks.setdefault(r["block"], []).append(words)
        if r["plover"] and r["code"] != "---":
            t = Trigger(r["plover"].upper(), r.get("mode") or None, "VERB", "cameo")
            lex.verbs.setdefault(words[0], []).append((tuple(words[1:]), t))
    for r in table:
        if r["kind"] != "pattern" or not r["plover"] or r["code"] == "---" or not r["pattern"].startswith("*"):
            continue  # a pattern whose first slot is the subject says who acts, not what is done
        needs = tuple(synsets.get(o, frozenset((fold(o),))) if o.startswith("&") else frozenset((fold(o),))
                      for o in split(r["objects"]) if o)
        if not needs:
            continue
        t = Trigger(r["plover"].upper(), r.get("mode") or None, "VERB", "cameo")
        for verb in blocks.get(r["block"], ()):  # a verb's particle is one more word the pattern needs ("call off")
            lex.patterns.setdefault(verb[0], []).append((needs + tuple(frozenset((w,)) for w in verb[1:]), t))
