"""A readable card for one document (`veille show`) and a table of events (`veille events`)."""
from __future__ import annotations

from collections import Counter

from veille.model import Document, Event
from veille.safetext import printable


def card(doc: Document) -> str:
    """The card's lines, each made printable: a title or a sentence cannot add a line, move
    the cursor or rename the terminal."""
    out = [f"── {doc.title or '(no title)'}",
           f"   id {doc.id} · {doc.source}",
           f"   published {doc.published or 'unknown'}"
           + (f" ({doc.published_from})" if doc.published_from else "")
           + f" · language {doc.language or '?'}" + (f" · {doc.genre}" if doc.genre else "")
           + (f" · by {doc.author}" if doc.author else "") + (f" · {doc.site}" if doc.site else "")]
    card_lines = []
    for s in doc.signals:
        if s.get("kind") == "genre":
            continue
        ev = [e["text"] if isinstance(e, dict) else str(e) for e in s.get("evidence", [])]
        card_lines.append(f"     ! {s['kind'].replace('_', ' ')}: " + " | ".join(x[:70] for x in ev[:3]))
    if card_lines or doc.errors:
        out.append("   warning card:")
        out += card_lines + [f"     ! error: {e}" for e in doc.errors]
    reasons = Counter(d.reason for d in doc.dropped)
    if reasons:
        out.append("   dropped lines: " + ", ".join(f"{n} {r}" for r, n in reasons.most_common()))
    out.append(f"   text: {len(doc.text)} characters" + (f", captions: {doc.captions.count(chr(10)) + 1} lines" if doc.captions else ""))
    if doc.entities:
        out.append("   entities:")
        for e in doc.entities[:30]:
            code = f" [{e.actor}{'-' + e.sector if e.sector else ''}]" if e.actor else ""
            forms = ", ".join(dict.fromkeys(m.text for m in e.mentions))
            out.append(f"     {len(e.mentions):3}× {e.type:9} {e.name}{code}  ← {forms[:80]}")
        if len(doc.entities) > 30:
            out.append(f"     … and {len(doc.entities) - 30} more")
    if doc.places:
        out.append("   places:")
        for p in doc.places:
            where = f"{p.lat:.4f}, {p.lon:.4f} {p.country or ''} ({p.kind})" if p.resolved else "unresolved"
            out.append(f"     {len(p.mentions):3}× {p.name:22} {where}")
    resolved = [t for t in doc.dates if t.value]
    if doc.dates:
        out.append(f"   dates ({len(resolved)} of {len(doc.dates)} resolved):")
        for t in doc.dates[:20]:
            out.append(f"     {t.text!r:32} → {t.value or '?'} ({t.precision or '-'}, {t.anchor})"
                       + (f" {t.timex}" if t.timex else ""))
    if doc.events:
        out.append(f"   events ({len(doc.events)}):")
        for e in doc.events[:40]:
            out.append(f"     {kind(e):24} {actors(e):20} {e.date or '-':10} {place(e) or '-':24} {e.modality}")
        if len(doc.events) > 40:
            out.append(f"     … and {len(doc.events) - 40} more")
    return "\n".join(printable(line) for line in out) + "\n"


def kind(e: Event) -> str:
    return f"{e.type}/{e.mode}" if e.mode else e.type


def actors(e: Event) -> str:
    return f"{','.join(e.source) or '?'} → {','.join(e.target) or '?'}"


def place(e: Event) -> str:
    if not e.place:
        return ""
    name, country = e.place.get("name") or "?", e.place.get("country")
    return f"{name} ({country})" if country else name


def _cut(text: str, width: int) -> str:
    text = printable(" ".join(str(text or "").split()))
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


# date, type/mode, source→target, place, modality, doc; the evidence takes what is left
_COLUMNS = ((10, "date"), (22, "type/mode"), (18, "source → target"), (24, "place"), (10, "modality"), (22, "doc"))


def event_table(hits, width: int = 160) -> str:
    """One line per event; the evidence sentence is cut to fit ``width``."""
    rest = max(width - sum(w + 1 for w, _ in _COLUMNS), 20)

    def line(cells):
        return " ".join(_cut(c, w).ljust(w) for (w, _), c in zip(_COLUMNS, cells)) + " " + _cut(cells[-1], rest)

    out = [line([h for _, h in _COLUMNS] + ["evidence"])]
    for h in hits:
        e = h.event
        out.append(line([e.date or "-", kind(e), actors(e), place(e) or "-", e.modality, h.doc, e.evidence]))
    return "\n".join(o.rstrip() for o in out) + "\n"


NAME_LIMIT = 300  # a name longer than this is cut in messages (a URL may be 100 KB)


def outcome_lines(o) -> list[str]:
    """What ``veille ingest`` prints for one input (an ``api.Outcome``): its line, then one line per
    warning; failures and warnings go to standard error, each starting ``veille:``."""
    name = printable(o.source, NAME_LIMIT)
    if o.status == "failed":
        return [f"veille: {name}: {printable(o.reason)}"]
    extra = f" ({printable(o.reason)})" if o.reason else ""
    rev = f" revision {o.revision}" if o.revision and o.revision > 1 else ""
    return [f"{o.status:9} {o.id}{rev}  {name}{extra}"] + [f"veille: {name}: warning: {printable(w)}"
                                                            for w in o.warnings]
