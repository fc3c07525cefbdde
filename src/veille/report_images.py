"""The briefing's images, as PNG bytes: a map of the events over Natural Earth's country borders
and the events per day by type. Drawn with matplotlib's object API (no pyplot, no global state),
so a long-running process can draw many briefings."""
from __future__ import annotations

import io
import json
import math
from collections import Counter
from datetime import date, timedelta
from functools import lru_cache

from veille.errors import VeilleError
from veille.query import PLOVER_TYPES

BORDERS = ("web", "static", "vendor", "world-atlas", "countries-110m.json")
# one colour per PLOVER type: cooperation in greens and blues, conflict in oranges, reds and purples
COLOURS = dict(zip(PLOVER_TYPES, (
    "#1b9e77", "#66c2a5", "#4daf4a", "#a6d854", "#2c7fb8", "#41b6c4", "#8da0cb", "#7570b3",
    "#e6ab02", "#a6761d", "#ff7f00", "#e7298a", "#984ea3", "#666666", "#d95f02", "#c00000")))
SEA, LAND, EDGE = "#dfe9f2", "#f4f1ea", "#8a8a8a"
MAX_LABELS = 10  # place names written on the map
LEGEND_COLUMNS = 7


def colour(event_type: str) -> str:
    return COLOURS.get(event_type, "#444444")


def border_rings() -> tuple:
    """Every ring of every country of world-atlas's countries-110m TopoJSON, as (lon, lat) arrays."""
    return _atlas()[0]


def country_labels() -> tuple:
    """(name, lon, lat, width in degrees) of each country's largest ring, to write its name."""
    return _atlas()[1]


@lru_cache(maxsize=1)
def _atlas() -> tuple[tuple, tuple]:
    """The TopoJSON decoded: arcs are quantized and delta-encoded (each point is the sum of the
    ones before it, scaled by the transform), and a ring lists arcs by index, ~i for arc i reversed."""
    import numpy as np
    from importlib.resources import files

    path = files("veille").joinpath(*BORDERS)
    if not path.is_file():
        raise VeilleError(f"{'/'.join(BORDERS)}: the country borders are missing from the package "
                          "(run `make` to vendor world-atlas)")
    try:
        topo = json.loads(path.read_text(encoding="utf-8"))
        (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
        arcs = [np.cumsum(np.asarray(a, dtype=float), axis=0) * (sx, sy) + (tx, ty) for a in topo["arcs"]]
        geometries = topo["objects"]["countries"]["geometries"]
    except (ValueError, KeyError, TypeError) as e:
        raise VeilleError(f"{'/'.join(BORDERS)}: not a world-atlas TopoJSON file ({e})") from None

    def ring(indices):
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])

    rings, labels = [], []
    for g in geometries:
        polygons = {"Polygon": [g.get("arcs")], "MultiPolygon": g.get("arcs")}.get(g.get("type"), [])
        own = [part for polygon in polygons for r in polygon for part in _across_antimeridian(ring(r))]
        rings += own
        name = (g.get("properties") or {}).get("name")
        if own and name:
            widest = max(own, key=lambda r: np.ptp(r[:, 0]) * np.ptp(r[:, 1]))
            labels.append((name, float(widest[:, 0].mean()), float(widest[:, 1].mean()), float(np.ptp(widest[:, 0]))))
    return tuple(rings), tuple(labels)


def _across_antimeridian(ring) -> list:
    """A ring that crosses the 180th meridian (Russia, Fiji) made continuous, and drawn on both
    sides; one that circles a pole (Antarctica) closed along it."""
    import numpy as np

    jumps = int((np.abs(np.diff(ring[:, 0])) > 180).sum())
    if not jumps:
        return [ring]
    ring = ring.copy()
    ring[:, 0] = np.unwrap(ring[:, 0], period=360)
    if jumps % 2:
        pole = -90 if ring[:, 1].mean() < 0 else 90
        ring = np.vstack([ring, [[ring[-1, 0], pole], [ring[0, 0], pole]]])
    shift = -360 if ring[:, 0].max() > 180 else 360
    return [ring, ring + (shift, 0)]


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    return buf.getvalue()


def _frame(points: list[dict]) -> tuple[float, float, float, float]:
    """The events' extent, with a margin, at least 10 degrees across (before the fit to the figure),
    so that a single town still shows its neighbours."""
    lons, lats = [p["lon"] for p in points], [p["lat"] for p in points]
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    pad = max(1.5, 0.12 * max(x1 - x0, y1 - y0))
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    for lo, hi, i in ((x0, x1, 0), (y0, y1, 1)):
        if hi - lo < 10:
            mid = (lo + hi) / 2
            lo, hi = mid - 5, mid + 5
        if i == 0:
            x0, x1 = lo, hi
        else:
            y0, y1 = lo, hi
    return max(x0, -180), min(x1, 180), max(y0, -85), min(y1, 85)


def _fit(frame, width: float) -> tuple[tuple[float, float, float, float], float, float]:
    """The frame grown to the figure's shape, the figure's height, and the aspect (degrees of
    longitude shrink with the cosine of the latitude)."""
    x0, x1, y0, y1 = frame
    aspect = 1 / max(0.2, math.cos(math.radians((y0 + y1) / 2)))
    ratio = min(0.75, max(0.5, (y1 - y0) * aspect / (x1 - x0)))  # height / width of the figure
    if (y1 - y0) * aspect / (x1 - x0) < ratio:  # too flat: more latitude
        grow = (ratio * (x1 - x0) / aspect - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:  # too tall: more longitude
        grow = ((y1 - y0) * aspect / ratio - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    return (x0, x1, y0, y1), width * ratio, aspect


def map_png(points: list[dict]) -> bytes:
    """The events as points on the country borders, coloured by type and sized by independent
    sources, framed on their extent. ``points``: dicts with lat, lon, type, sources, place."""
    from matplotlib import patheffects
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    (x0, x1, y0, y1), height, aspect = _fit(_frame(points), 8)
    types = [t for t in PLOVER_TYPES if any(p["type"] == t for p in points)]
    most = max(p["sources"] for p in points)
    sizes = sorted({1, most} | ({(1 + most) // 2} if most > 2 else set()))
    rows = math.ceil((len(types) + len(sizes)) / LEGEND_COLUMNS)
    strip = 0.08 + 0.22 * rows  # the legend, under the map
    fig = Figure(figsize=(8, height + strip))
    ax = fig.add_axes((0, strip / (height + strip), 1, height / (height + strip)))
    ax.set_facecolor(SEA)
    ax.add_collection(PolyCollection(border_rings(), facecolors=LAND, edgecolors=EDGE, linewidths=0.6))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect, adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    w, h = x1 - x0, y1 - y0
    for name, lon, lat, width in sorted(country_labels(), key=lambda c: -c[3]):
        inside = x0 + 0.1 * w < lon < x1 - 0.1 * w and y0 + 0.05 * h < lat < y1 - 0.05 * h
        clear = not any(abs(lon - p["lon"]) < 0.1 * w and abs(lat - p["lat"]) < 0.05 * h for p in points)
        if inside and clear and width > 0.1 * w:
            ax.text(lon, lat, name, fontsize=7, color="#8a8a8a", style="italic", ha="center", va="center",
                    zorder=2, clip_on=True)
    ordered = sorted(points, key=lambda p: -p["sources"])  # the big ones under the small ones
    ax.scatter([p["lon"] for p in ordered], [p["lat"] for p in ordered],
               s=[_size(p["sources"]) for p in ordered], c=[colour(p["type"]) for p in ordered],
               edgecolors="#222222", linewidths=0.6, alpha=0.85, zorder=3)
    weight = Counter()
    where = {}
    for p in points:
        if p["place"]:
            weight[p["place"]] += p["sources"]
            where.setdefault(p["place"], (p["lon"], p["lat"]))
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    placed = []
    for name, _ in weight.most_common():
        lon, lat = where[name]
        if len(placed) >= MAX_LABELS or any(abs(lon - a) < 0.12 * (x1 - x0) and abs(lat - b) < 0.04 * (y1 - y0)
                                            for a, b in placed):
            continue  # a label would cover another
        placed.append((lon, lat))
        ax.annotate(name, (lon, lat), xytext=(5, 4), textcoords="offset points", fontsize=7.5, color="#222222",
                    path_effects=halo, zorder=4, annotation_clip=True)
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=colour(t),
                      markeredgecolor="#222222", label=t.lower()) for t in types]
    handles += [Line2D([], [], marker="o", linestyle="", markersize=math.sqrt(_size(n)), markerfacecolor="white",
                       markeredgecolor="#222222", label=f"{n} source{'s' * (n > 1)}")
                for n in sizes]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, strip / (height + strip)), fontsize=7.5,
               frameon=False, ncol=LEGEND_COLUMNS, columnspacing=1.2, handletextpad=0.4, labelspacing=0.9)
    ax.text(0.995, 0.005, "Borders: Natural Earth (world-atlas)", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=6, color="#555555")
    return _png(fig)


def _size(sources: int) -> float:
    return 30 + 60 * (min(sources, 10) - 1)


def bins(days: dict[str, Counter]) -> tuple[str, list[tuple[date, Counter]]]:
    """Events per day over a quarter or less; per week (from Monday) over two years or less;
    per month beyond, so that every bar stays wide enough to see."""
    parsed = sorted((date.fromisoformat(d), c) for d, c in days.items())
    span = (parsed[-1][0] - parsed[0][0]).days
    unit = "day" if span <= 92 else "week" if span <= 731 else "month"
    out: dict[date, Counter] = {}
    for d, c in parsed:
        start = d if unit == "day" else d - timedelta(days=d.weekday()) if unit == "week" else d.replace(day=1)
        out.setdefault(start, Counter()).update(c)
    return unit, sorted(out.items())


def timeline_png(days: dict[str, Counter]) -> bytes:
    """Reports of events per day (or week, or month: see ``bins``), stacked by type: an event
    several pages tell counts once per page, as on the desk's timeline."""
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    unit, counted = bins(days)
    length = {"day": 1, "week": 7, "month": 30}[unit]
    first, last = counted[0][0], counted[-1][0] + timedelta(days=length)
    span = max((last - first).days, 21 * length)
    fig = Figure(figsize=(8, 3.2))
    ax = fig.add_axes((0.07, 0.14, 0.74, 0.8))
    xs = [d for d, _ in counted]
    bottom = [0] * len(counted)
    for t in PLOVER_TYPES:
        heights = [c.get(t, 0) for _, c in counted]
        if any(heights):
            ax.bar(xs, heights, bottom=bottom, width=0.85 * length, align="edge", color=colour(t),
                   label=t.lower(), edgecolor="white", linewidth=0.3)
            bottom = [b + h for b, h in zip(bottom, heights)]
    centre = first + (last - first) / 2
    half = timedelta(days=span / 2 + max(1, span // 25))
    ax.set_xlim(centre - half, centre + half)
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(f"reports per {unit}")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7.5, frameon=False)
    return _png(fig)
