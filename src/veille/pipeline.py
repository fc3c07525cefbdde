"""The orchestrator: one Document passes through ordered stages.

Stages, in order (``default_stages``):

1. clean     – page → article body; captions apart; dropped lines with reasons
2. meta      – title, publication date, author, site, truncated flag
3. language  – ISO 639-1 code from an offline identifier
4. nlp       – sentences, tokens and named entities (spaCy, loaded once per process)
5. link      – entity mentions → canonical entities with actor codes
6. places    – toponyms → WGS 84 points from the GeoNames index
7. dates     – temporal expressions → ISO dates with a precision
8. events    – PLOVER events: type, mode, actors, place, date, quantities, modality, evidence
9. claims    – statements with a subject and a value (measures, who informed whom)
10. genre    – news, analysis, opinion, satire or press release, with the words that tell it
11. signals  – the page's warning card: paywall, placeholders, teasers, video script, headline
               style, persuasion techniques, missing date, each with its evidence

Each stage declares what it requires and what it provides; ``Pipeline`` checks the
order once, at construction. A stage that fails records an error on the document;
the stages after it still run on what there is.
"""
from __future__ import annotations

import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from veille.errors import PipelineError
from veille.model import Document
from veille.settings import Options

BASE_FIELDS = ("raw", "source", "kind", "url", "hints")
WARM_UP = ("Lyon, le 3 mars 2024. Le ministre a rencontré son homologue allemand à Berlin, a indiqué l'AFP.",
           "Berlin, March 3, 2024. The minister met his French counterpart in Lyon, officials said on Monday.")


@dataclass
class Context:
    """What every stage may read besides the document: the options and shared resources."""

    options: Options
    cache: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    name: str
    func: Callable[[Document, Context], Document]
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()


def default_stages() -> list[Stage]:
    from veille.stages import claims, clean, dates, events, genre, language, link, meta, nlp, places, signals

    return [clean.STAGE, meta.STAGE, language.STAGE, nlp.STAGE, link.STAGE, places.STAGE, dates.STAGE, events.STAGE,
            claims.STAGE, genre.STAGE, signals.STAGE]


class Pipeline:
    def __init__(self, options: Options, stages: list[Stage] | None = None):
        self.options = options
        self.stages = stages if stages is not None else default_stages()
        self.context = Context(options)
        self.timings: Counter = Counter()  # seconds spent in each stage by this process, for benchmarks
        check_order(self.stages)

    def warm(self) -> None:
        """Load what the stages load lazily (models, tables, the place index), once per process,
        by running two short texts of our own through them."""
        if self.context.cache.get("warm"):
            return
        for n, text in enumerate(WARM_UP):
            self.run(Document(id=f"warm-up-{n}", source="warm-up", kind="txt", raw=text))
        self.context.cache["warm"] = True

    def run(self, doc: Document) -> Document:
        for stage in self.stages:
            started = time.perf_counter()
            try:
                doc = stage.func(doc, self.context)
            except MemoryError:  # not a stage's fault: the document is too much for this process
                raise
            except Exception as e:  # one stage's failure is recorded, the document goes on
                where = traceback.extract_tb(e.__traceback__)[-1]
                doc.errors.append(f"stage {stage.name} failed: {e.__class__.__name__}: {e} "
                                  f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno})")
            self.timings[stage.name] += time.perf_counter() - started
        doc.work.clear()
        return doc


def check_order(stages: list[Stage]) -> None:
    have = set(BASE_FIELDS)
    for s in stages:
        missing = [r for r in s.requires if r not in have]
        if missing:
            raise PipelineError(f"stage {s.name!r} requires {', '.join(missing)}, "
                                f"which no earlier stage provides")
        have.update(s.provides)
