"""A readable card for one document, for `veille show`."""
from __future__ import annotations

from collections import Counter

from veille.model import Document


def card(doc: Document) -> str:
    out = [f"── {doc.title or '(no title)'}",
           f"   id {doc.id} · {doc.source}",
           f"   published {doc.published or 'unknown'}"
           + (f" ({doc.published_from})" if doc.published_from else "")
           + f" · language {doc.language or '?'}"
           + (f" · by {doc.author}" if doc.author else "") + (f" · {doc.site}" if doc.site else "")]
    warnings = []
    if doc.truncated:
        warnings.append("page truncated (paywall or cut)")
    if not doc.published:
        warnings.append("no publication date on the page")
    warnings += doc.errors
    if warnings:
        out.append("   warnings: " + "; ".join(warnings))
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
            out.append(f"     {t.text!r:32} → {t.value or '?'} ({t.precision or '-'}, {t.anchor})")
    return "\n".join(out) + "\n"
