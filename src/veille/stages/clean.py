"""clean: page → article body, captions apart, every dropped line recorded with a reason.

HTML goes through trafilatura (comments off). Text dumps copied from browsers get our
own line classifier: a header zone (title, date line, site, byline) before the first
prose paragraph, clutter lines from the ``kb/clutter.tsv`` lexicon, a cut where a
comment section, paywall notice or footer starts, photo captions in dense layouts,
and a signature line at the end. Sentences of the article are never edited.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from veille.lexicon import rows
from veille.model import Document, Dropped
from veille.pipeline import Context, Stage

TERMINAL = tuple('.!?…:;,"»)]\'”')
WORD = re.compile(r"\w+(?:[-'’]\w+)*")

# What one document may hand to the later stages. A long article (a 20,000-word feature)
# fits; past these, the parser and the stages after it would take minutes and gigabytes.
MAX_TEXT = 200_000  # characters of clean text
MAX_TOKENS = 40_000  # words and signs of it: a text of punctuation or emoji has one a character
MAX_CAPTIONS = 20_000  # characters of captions
MAX_RAW = 4 * MAX_TEXT  # characters of a text dump given to the line classifier
MAX_BLOCKS = 5_000  # page elements compared with the clean text to list the boilerplate
MAX_BLOCK_TEXT = 20_000  # characters of one such element read for the comparison
MAX_FIGURES = 500  # figure captions taken from a page
MAX_ELEMENTS = 30_000  # elements of a page given to trafilatura (an ordinary page has a few thousand)
TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    action: str  # drop, cut, paywall, caption
    reason: str


@lru_cache(maxsize=4)
def clutter_rules(user_dir: str = "") -> tuple[Rule, ...]:
    return tuple(Rule(re.compile(r["pattern"], re.I), r["action"], r["reason"])
                 for r in rows("clutter.tsv", user_dir))


def classify(line: str, rules: tuple[Rule, ...]) -> Rule | None:
    s = line.strip().strip("•·|").strip()
    for rule in rules:
        if rule.pattern.fullmatch(s):
            return rule
    return None


def words(line: str) -> list[str]:
    return WORD.findall(line)


def is_headline_case(line: str) -> bool:
    """ALL CAPS or Title Case Every Word: how headlines, not sentences, are written."""
    ws = [w for w in words(line) if w[0].isalpha()]
    if len(ws) < 3:
        return False
    letters = [c for c in line if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        return True
    capped = sum(1 for w in ws if w[0].isupper() or ("'" in w or "’" in w) and w.split("'")[-1][:1].isupper())
    return capped / len(ws) > 0.75


def is_prose(line: str) -> bool:
    """A sentence of running text, as opposed to a headline, label or date line."""
    s = line.strip()
    n = len(words(s))
    if n < 4 or is_headline_case(s):
        return False
    if s.endswith((".", "…")) and not s.endswith("..") and s[:1].isupper():
        return True
    return n >= 15 or (n >= 8 and s.endswith(TERMINAL))


def is_signature(line: str) -> bool:
    ws = line.strip().split()
    return (2 <= len(ws) <= 4 and not line.strip().endswith(TERMINAL)
            and all(w[0].isupper() and w.replace("-", "").isalpha() for w in ws))


def clean(doc: Document, ctx: Context) -> Document:
    rules = clutter_rules(ctx.options.kb_dir)
    if doc.kind == "html":
        return clean_html(doc, rules)
    raw = doc.raw
    if len(raw) > MAX_RAW:  # the text will be cut well before this anyway
        raw = raw[:raw.rfind("\n", 0, MAX_RAW) + 1 or MAX_RAW]
    clean_lines(doc, raw.split("\n"), rules, with_header=True)
    cap(doc, len(doc.raw) if len(raw) < len(doc.raw) else None)
    return doc


def cap(doc: Document, total: int | None = None) -> bool:
    """Keep the first MAX_TEXT characters (and MAX_TOKENS tokens) of the text, cut at a
    paragraph, sentence or word end, and say so on the document. ``total`` is the size of
    the page when a part of it was not even read. True when something was cut."""
    full = len(doc.text)
    cut = _cut_point(doc.text, MAX_TEXT, MAX_TOKENS)
    if cut < full:
        doc.text = doc.text[:cut].rstrip()
    if total or cut < full:
        doc.errors.append(f"only the first {len(doc.text):,} of {total or full:,} characters were analysed")
    if len(doc.captions) > MAX_CAPTIONS or len(doc.captions) > MAX_TOKENS // 10:
        doc.captions = doc.captions[:_cut_point(doc.captions, MAX_CAPTIONS, MAX_TOKENS // 10)].rstrip()
    return bool(total) or cut < full


def _cut_point(text: str, max_chars: int, max_tokens: int) -> int:
    """Where to cut ``text`` so that it keeps at most that many characters and tokens;
    ``len(text)`` when it fits."""
    limit = min(len(text), max_chars)
    for i, m in enumerate(TOKEN.finditer(text, 0, limit)):
        if i == max_tokens:
            limit = m.start()
            break
    if limit == len(text):
        return limit
    floor = limit * 4 // 5  # the end of a paragraph, else of a sentence, else of a word, not far back
    para = text.rfind("\n\n", 0, limit)
    if para > floor:
        return para
    stop = max(text.rfind(". ", 0, limit), text.rfind(".\n", 0, limit))
    if stop > floor:
        return stop + 1
    space = max(text.rfind(" ", 0, limit), text.rfind("\n", 0, limit))
    return space if space > floor else limit


def clean_lines(doc: Document, lines: list[str], rules, with_header: bool) -> None:
    drop = doc.dropped.append
    kinds: list[tuple[int, str, Rule | None]] = []
    for i, line in enumerate(lines):
        if not line.strip():
            kinds.append((i, "blank", None))
        else:
            kinds.append((i, "text", classify(line, rules)))

    # header: everything before the first prose line that is not clutter
    first = next((i for i, k, r in kinds if k == "text" and r is None and is_prose(lines[i])), None)
    header: list[tuple[int, str]] = []
    if with_header and first is not None:
        for i, k, r in kinds[:first]:
            if k != "text":
                continue
            if r is not None:
                drop(Dropped(i + 1, lines[i], r.reason))
            else:
                header.append((i + 1, lines[i].strip()))
        start = first
    else:
        start = 0
    doc.work["header"] = header

    body: list[tuple[int, str]] = []
    blank_before: dict[int, bool] = {}
    cut_reason = None
    prev_blank = True
    for i, k, r in kinds[start:]:
        line = lines[i]
        if k == "blank":
            prev_blank = True
            continue
        if cut_reason:  # past a cut: the line's own reason when it has one ("template placeholder")
            drop(Dropped(i + 1, line, r.reason if r is not None and r.action == "drop" else cut_reason))
            continue
        if r is not None:
            if r.action in ("cut", "paywall") and body:
                cut_reason = r.reason
                if r.action == "paywall":
                    doc.truncated = True
            drop(Dropped(i + 1, line, r.reason))
            continue
        blank_before[i] = prev_blank
        prev_blank = False
        body.append((i, line.rstrip()))

    body = _take_signature(doc, body)
    body, captions = _split_captions(body, blank_before)
    for i, line in captions:
        drop(Dropped(i + 1, line, "photo caption"))
    doc.captions = "\n".join(line.strip() for _, line in captions)
    doc.text = _assemble(body, blank_before)


def _take_signature(doc: Document, body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    if len(body) > 2 and is_signature(body[-1][1]):
        i, line = body[-1]
        doc.author = doc.author or line.strip()
        doc.dropped.append(Dropped(i + 1, line, "signature"))
        return body[:-1]
    return body


def _split_captions(body, blank_before):
    """In dense dumps (one paragraph a line, no blank lines), short lines without final
    punctuation between prose paragraphs are photo captions; a caption may run on to a
    next line that starts in lower case."""
    if len(body) < 4:
        return body, []
    dense = sum(1 for i, _ in body if blank_before.get(i)) <= max(1, len(body) // 5)
    unpunctuated = [(i, l) for i, l in body if not l.strip().endswith(TERMINAL)]
    wrapped = len(unpunctuated) > len(body) / 2
    if not dense or wrapped:
        return body, []
    kept, captions = [], []
    in_caption = False
    for i, line in body:
        s = line.strip()
        short = len(words(s)) <= 20 and not s.endswith(TERMINAL)
        continues = in_caption and s[:1].islower() and len(words(s)) <= 20
        if (short and not s.startswith(("-", "–", "•"))) or continues:
            captions.append((i, line))
            in_caption = not s.endswith(TERMINAL)
        else:
            kept.append((i, line))
            in_caption = False
    return kept, captions


def _assemble(body, blank_before) -> str:
    """Paragraphs joined by blank lines; a paragraph wrapped over several lines is joined
    with spaces (whitespace only changes, never words)."""
    paras: list[list[str]] = []  # lists of lines, joined once: adding to a string each time is quadratic
    unpunctuated = sum(1 for _, l in body if not l.strip().endswith(TERMINAL))
    wrapped = body and unpunctuated > len(body) / 2
    for i, line in body:
        if paras and wrapped and not blank_before.get(i):
            paras[-1].append(line.strip())
        else:
            paras.append([line.strip()])
    return "\n\n".join(" ".join(p) for p in paras)


def clean_html(doc: Document, rules) -> Document:
    import trafilatura

    tree = _parse(doc.raw)
    page, trimmed = doc.raw, tree is not None and _trim(tree)
    if trimmed:
        import lxml.html

        page = lxml.html.tostring(tree, encoding="unicode")
    # the page's date from its metadata only: meta reads dates in the text itself, and
    # htmldate's search of free text (dateparser over every locale) cost more than the parse
    result = trafilatura.bare_extraction(page, url=doc.url, with_metadata=True,
                                         include_comments=False, include_tables=False,
                                         include_images=False, include_formatting=False,
                                         date_extraction_params={"extensive_search": False, "original_date": True})
    if result is None:
        doc.text = ""
        doc.work["header"] = []
        return doc
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    meta = {k: data.get(k) for k in ("title", "author", "date", "sitename")}
    doc.work["html_meta"] = {k: v for k, v in meta.items() if v}
    lines = (data.get("text") or "").split("\n")
    title = (doc.hints.get("title") or meta.get("title") or "").strip()
    for i, line in enumerate(lines):  # the headline repeated at the top of the body
        if title and line.strip() == title:
            doc.dropped.append(Dropped(i + 1, line, "title repeated"))
            lines[i] = ""
    clean_lines(doc, lines, rules, with_header=False)
    doc.captions = doc.captions[:MAX_CAPTIONS]  # cut again below; bounds the comparisons first
    if tree is not None:
        _html_captions(doc, tree)
    if not cap(doc, len(doc.raw) if trimmed else None) and tree is not None:
        _record_html_boilerplate(doc, tree)  # not for a cut text: the rest of the article would show as boilerplate
    return doc


def _trim(tree) -> bool:
    """Drop what comes after the first MAX_ELEMENTS elements or MAX_RAW characters of text
    of a page (trafilatura's time grows faster than the page: 20 s for 100,000 paragraphs).
    True when something was dropped."""
    count = size = 0
    for el in tree.iter():
        count += 1
        if isinstance(el.tag, str) and el.tag not in ("script", "style", "noscript", "template"):
            size += len(el.text or "")  # text a reader sees; not code, nor comments
        size += len(el.tail or "")
        if count > MAX_ELEMENTS or size > MAX_RAW:
            break
    else:
        return False
    node = el
    while node.getparent() is not None:  # the element, then what follows it at every level above
        parent = node.getparent()
        for later in list(node.itersiblings()):
            parent.remove(later)
        if node is el:
            parent.remove(node)
        node = parent
    return True


def _parse(html: str):
    import lxml.html

    try:
        return lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None


def _text_of(el) -> str:
    """An element's text, whitespace collapsed, read no further than MAX_BLOCK_TEXT
    characters: in deeply nested markup, reading every element whole is quadratic."""
    parts, n = [], 0
    for piece in el.itertext():
        parts.append(piece)
        n += len(piece)
        if n > MAX_BLOCK_TEXT:
            break
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _html_captions(doc: Document, tree) -> None:
    """Figure captions: trafilatura leaves them out; they go to the captions segment."""
    found = [_text_of(el) for _, el in zip(range(MAX_FIGURES), tree.iter("figcaption"))]
    found = [c for c in dict.fromkeys(found) if c and c not in doc.captions]
    if found:
        doc.captions = "\n".join(([doc.captions] if doc.captions else []) + found)
        for c in found:
            doc.dropped.append(Dropped(0, c, "photo caption"))


def _record_html_boilerplate(doc: Document, tree) -> None:
    """List the page's text blocks that trafilatura left out, so the drop is visible."""
    kept = re.sub(r"\s+", " ", doc.text + " " + doc.captions)
    seen = set()
    blocks = tree.iter("p", "li", "h1", "h2", "h3", "h4", "figcaption", "button", "a", "span", "label")
    for _, el in zip(range(MAX_BLOCKS), blocks):
        text = _text_of(el)
        if len(text) < 2 or text in seen or text in kept:
            continue
        seen.add(text)
        doc.dropped.append(Dropped(el.sourceline or 0, text[:300], f"page boilerplate <{el.tag}>"))


STAGE = Stage("clean", clean, requires=("raw",), provides=("text", "captions", "dropped", "truncated"))
