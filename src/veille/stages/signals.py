"""signals: the warning card of a page — explanations with evidence, not verdicts.

Kinds: truncated (a paywall or cut), template_placeholder (widget text left in the
page), unrelated_teaser (headlines of other stories), video_script (a body that opens
like a translated video script), headline_style (capitals, exclamation marks),
persuasion techniques from SemEval-2023 Task 3's list (kb/signals.tsv),
unattributed_claim (a figure or statement nobody is said to give), and missing_date. Each signal cites the words or lines that raised it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from veille.lexicon import fold, fold_aligned, rows, split
from veille.model import Document
from veille.pipeline import Context, Stage
from veille.stages.clean import TERMINAL, is_headline_case, words

TECHNIQUES = ("loaded_language", "name_calling", "exaggeration", "appeal_to_fear", "doubt", "flag_waving",
              "whataboutism")
TEASERS = 5  # headlines of other stories shown as evidence
PLACEHOLDER_REASONS = ("template placeholder", "empty-list placeholder", "comment widget", "form message")


@lru_cache(maxsize=8)
def lexicon(lang: str, user_dir: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in rows("signals.tsv", user_dir):
        if r["lang"] == lang:  # a script opening is one regular expression, alternatives and all
            forms = [r["forms"]] if r["kind"] == "script_opening" else split(r["forms"])
            out.setdefault(r["kind"], []).extend(forms)
    return out


def signals(doc: Document, ctx: Context) -> Document:
    lang = doc.language if doc.language in ("fr", "en") else "fr"
    lex = lexicon(lang, ctx.options.kb_dir)
    out = [s for s in doc.signals if s.get("kind") == "genre"]
    add = out.append
    if doc.truncated:
        add({"kind": "truncated", "evidence": [d.text for d in doc.dropped if d.reason == "paywall notice"][:1]})
    placeholders = sorted((d for d in doc.dropped if d.reason in PLACEHOLDER_REASONS),
                          key=lambda d: d.reason != "template placeholder")
    placeholders = [d.text for d in placeholders]
    if any(d.reason == "template placeholder" for d in doc.dropped):
        add({"kind": "template_placeholder", "evidence": placeholders[:5]})
    teasers = _teasers(doc)
    if teasers:
        add({"kind": "unrelated_teaser", "evidence": teasers[:TEASERS]})
    opening = " ".join(p.strip() for p in doc.text.split("\n\n")[:2])
    for pattern in lex.get("script_opening", []):
        found = [m.group(0) for p in doc.text.split("\n\n")[:2] for m in re.finditer(pattern, p.strip(), re.I)]
        if found:
            add({"kind": "video_script", "evidence": found + [opening[:160]]})
            break
    title = doc.title or ""
    if title and (is_headline_case(title) or "!" in title):
        why = [t for t, ok in (("all capitals" if sum(c.isupper() for c in title) > len(title) / 2 else
                                "Title Case", is_headline_case(title)), ("exclamation mark", "!" in title)) if ok]
        add({"kind": "headline_style", "evidence": [title], "why": why})
    folded = fold_aligned(doc.text)
    for technique in TECHNIQUES:
        hits = _hits(doc.text, folded, tuple(lex.get(technique, [])))
        if hits:
            add({"kind": technique, "evidence": [{"text": t, "start": s, "end": e} for t, s, e in hits[:8]]})
    bare = [c["evidence"] for c in doc.claims if not c.get("attributed_to")]
    if bare:
        add({"kind": "unattributed_claim", "evidence": bare[:5]})
    if not doc.published:
        add({"kind": "missing_date", "evidence": ["no date line, page date or dated lead"]})
    doc.signals = out
    return doc


def _hits(text: str, folded: str, forms: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Where the forms occur in the text (``folded`` is the text folded, offsets kept)."""
    pattern = _alternation(forms)
    if pattern is None:
        return []
    return [(text[m.start():m.end()], m.start(), m.end()) for m in pattern.finditer(folded)]


@lru_cache(maxsize=64)
def _alternation(forms: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for all the forms of a technique, longest first, each a whole word."""
    keys = sorted({fold(f) for f in forms if f.strip()}, key=len, reverse=True)
    if not keys:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")


def _teasers(doc: Document) -> list[str]:
    """Headline-like lines the cleaner cut after the article (comment sections, "lire
    aussi" blocks): stories of other pages."""
    out = []
    for d in doc.dropped:
        line = d.text.strip()
        if d.reason in ("comment section", "teaser heading", "page footer") and len(words(line)) >= 5 \
                and not line.endswith(TERMINAL[:3]) and line not in out and (
                is_headline_case(line) or d.reason == "teaser heading" or _other_language(line, doc.language)):
            out.append(line)
            if len(out) == TEASERS:  # all the signal shows; a page can drop a hundred thousand lines
                break
    return out


def _other_language(line: str, lang: str | None) -> bool:
    import py3langid

    return bool(lang) and py3langid.classify(line)[0] != lang


STAGE = Stage("signals", signals, requires=("text", "dropped", "genre", "claims"), provides=("signals",))
