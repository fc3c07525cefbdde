"""The briefing as a PDF, with fpdf2 (pure Python) and the DejaVu Sans font matplotlib ships,
so accents and most scripts print; the images are the PNGs of the HTML briefing."""
from __future__ import annotations

import io
import re
from pathlib import Path

from veille import report as r
from veille.errors import VeilleError

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
GREY, INK, RED = (90, 90, 90), (20, 20, 20), (170, 0, 0)
MAX_IMAGE_MM = 125  # an image's height on the page


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def clean(text) -> str:
    """Page text as the PDF can set it: no control or direction characters."""
    return CONTROL.sub(" ", "" if text is None else str(text))


def _pdf(b: r.Briefing):
    from fpdf import FPDF

    class Briefing(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", "", 7)
            self.set_text_color(*GREY)
            self.cell(0, 5, clean(f"Briefing {r.period(b)} · veille {b.version} · page {self.page_no()}"),
                      align="C")

    pdf = Briefing(format="A4")
    fonts = _font_dir()
    try:
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    except (OSError, RuntimeError) as e:
        raise VeilleError(f"{fonts}: matplotlib's DejaVu Sans font cannot be read ({e})") from None
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(16, 14, 16)
    pdf.add_page()
    return pdf


def write(b: r.Briefing, map_png: bytes | None, timeline_png: bytes | None, path: str) -> None:
    pdf = _pdf(b)
    text = _Writer(pdf)
    text.title(f"Briefing: {r.period(b)}")
    text.line(f"Filters: {r.filter_line(b)}", size=9, colour=GREY)
    text.line(r.counts_line(b), size=9, colour=GREY)
    text.line(f"Generated {b.generated} by veille {b.version}.", size=9, colour=GREY)
    for c in r.caps(b):
        text.line(c, size=9, colour=RED)
    if not b.reports:
        text.line("No event was found in this period with these filters: nothing to brief.")
        pdf.output(path)
        return
    text.figure("Map", map_png, "None of these events has a place on the map.")
    text.figure("Timeline", timeline_png, "None of these events is dated to a day.")
    if b.coarse or b.undated:
        text.line(f"Not on the timeline: {b.coarse} known to a month or a year only, {b.undated} undated.",
                  size=8, colour=GREY)
    text.heading("Top events")
    text.line("Most independent sources first; every source's sentence.", size=8, colour=GREY)
    for n, item in enumerate(b.items, 1):
        _item(text, n, item)
    text.heading("Pages with warnings")
    if not b.pages:
        text.line("None of these pages carries a warning.")
    for p in b.pages:
        text.line(p["title"] or "(no title)", style="B")
        text.line(p["doc"] + (f" · {p['published']}" if p["published"] else ""), size=8, colour=GREY)
        for s in p["signals"]:
            text.line(f"{r.signal_label(s)}: " + "; ".join(f"« {w} »" for w in s["words"]), size=8.5,
                      indent=4)
        text.gap(2)
    pdf.output(path)


def _item(text: "_Writer", n: int, item: dict) -> None:
    from veille.report_images import colour

    text.gap(2)
    head = (f"{n}. {item['type']}{'/' + item['mode'] if item['mode'] else ''} {r.actors(item)}")
    text.line(head, size=10.5, style="B", colour=_rgb(colour(item["type"])))
    text.line(f"{item['date'] or 'undated'} · {item['place'] or 'no place'} · {item['sources']} independent "
              f"source{'s' * (item['sources'] != 1)}, {item['count']} report{'s' * (item['count'] != 1)}",
              size=8.5, colour=GREY)
    for k, vals in item["figures"].items():
        text.line(f"{k}: {r.figures_text(vals)}", size=8.5)
    for i, rep in enumerate(item["reports"], 1):
        text.line(f"#{i} {rep['title'] or rep['doc']} ({rep['site']})", size=8.5, style="B", indent=3)
        if rep["url"]:
            text.line(rep["url"], size=7.5, colour=GREY, indent=3)
        text.line(f"« {rep['evidence']} »", size=8.5, style="I", indent=6)
        meta = r.report_meta(rep)
        if meta:
            text.line(meta, size=7.5, colour=GREY, indent=6)
    for c in item["contradictions"]:
        text.line(f"Contradiction: {c['note']}", size=8.5, colour=RED, indent=3)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


class _Writer:
    """Paragraphs that wrap, in one font, on pages that break by themselves."""

    def __init__(self, pdf):
        self.pdf = pdf

    def title(self, value: str) -> None:
        self.line(value, size=16, style="B")
        self.gap(1)

    def heading(self, value: str, room: float = 30) -> None:
        if self.pdf.get_y() + room > self.pdf.h - self.pdf.b_margin:  # no heading alone at the foot of a page
            self.pdf.add_page()
        self.gap(4)
        self.line(value, size=13, style="B")
        y = self.pdf.get_y()
        self.pdf.set_draw_color(180, 180, 180)
        self.pdf.line(self.pdf.l_margin, y, self.pdf.w - self.pdf.r_margin, y)
        self.gap(2)

    def line(self, value: str, size: float = 9.5, style: str = "", colour=INK, indent: float = 0) -> None:
        from fpdf.enums import XPos, YPos

        self.pdf.set_font("DejaVu", style, size)
        self.pdf.set_text_color(*colour)
        self.pdf.set_x(self.pdf.l_margin + indent)
        self.pdf.multi_cell(self.pdf.epw - indent, size * 0.5, clean(value), align="L", new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT)

    def gap(self, mm: float) -> None:
        self.pdf.ln(mm)

    def figure(self, heading: str, png: bytes | None, missing: str) -> None:
        """A heading and its image on one page."""
        if not png:
            self.heading(heading)
            self.line(missing)
            return
        ratio = int.from_bytes(png[20:24], "big") / int.from_bytes(png[16:20], "big")  # the PNG's IHDR
        width = min(self.pdf.epw, MAX_IMAGE_MM / ratio)
        self.heading(heading, room=width * ratio + 16)
        self.pdf.image(io.BytesIO(png), x=self.pdf.l_margin + (self.pdf.epw - width) / 2, w=width)
        self.gap(2)
