"""The command line: thin commands over ``veille.api.Veille``, one per API method."""
from __future__ import annotations

import json
import sys

import click

from veille.errors import VeilleError
from veille.query import MODALITIES
from veille.safetext import json_safe, printable
from veille.settings import SETTINGS, Options

NAME_LIMIT = 300  # a name longer than this is cut in messages (a URL may be 100 KB)


def fail(message: str, code: int = 1):
    click.echo(f"veille: {printable(message)}", err=True)
    sys.exit(code)


def say(line: str) -> None:
    """Print one line that holds page text: its control characters are shown, not obeyed."""
    click.echo(printable(line))


def to_json(data, indent: int = 2) -> str:
    return json_safe(json.dumps(data, ensure_ascii=False, indent=indent))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="VEILLE_DB", default="veille.db", show_default=True,
              help="Database file (SQLite) or SQLAlchemy URL.")
@click.version_option(package_name="veille")
@click.pass_context
def main(ctx, db):
    """veille: sourced, mapped, dated facts from conflict and geopolitics news.

    Example: veille ingest articles/ && veille export --format jsonl > out.jsonl
    """
    from veille.api import Veille

    try:
        ctx.obj = Veille(Options.load(db=db))
    except VeilleError as e:
        fail(str(e))


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--workers", "-j", type=click.IntRange(0, 256), metavar="N",
              help="Worker processes (default: one per core; setting workers).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where documents are parsed: worker processes here, or Ray workers (pip install 'veille[ray]').")
@click.option("--ray-address", metavar="ADDR",
              help="An existing Ray cluster (host:port, or ray://host:10001); default: a local one.")
@click.pass_obj
def ingest(v, inputs, quiet, workers, engine, ray_address):
    """Ingest files (.txt .html .htm .jsonl), folders and http(s) URLs.

    Each document is parsed in a worker process under a time and a memory limit
    (settings doc_timeout, max_memory_mb); results are stored in the order given.
    With --engine ray the workers are Ray actors, each loading the models once, on the
    cluster at --ray-address or on a local one; this process still stores the results.

    Example: veille ingest --workers 2 ../seeds https://example.org/article.html
    """
    from dataclasses import replace

    from veille.readers import expand

    if workers is not None:
        v.options = replace(v.options, workers=workers)
    if ray_address and engine != "ray":
        fail("--ray-address is for --engine ray")

    targets = list(expand(list(inputs)))
    bar = None
    if v.options.progress and len(targets) > 3 and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(targets), unit="doc", file=sys.stderr)

    from veille.show import outcome_lines

    def on_item(o):
        line, *warnings = outcome_lines(o)
        if o.status == "failed":
            click.echo(line, err=True)
        elif not quiet:
            click.echo(line)
            for w in warnings:
                click.echo(w, err=True)
        if bar is not None:
            bar.update(1)

    try:
        report = v.ingest(targets, on_item=on_item, engine=engine, ray_address=ray_address)
    except VeilleError as e:
        fail(str(e))
    if bar is not None:
        bar.close()
    ok = len(report.stored) + len(report.unchanged)
    if report.stopped:
        fail(f"{report.stopped}; stopped after {len(report.outcomes)} documents ({len(report.stored)} stored, "
             f"{len(report.unchanged)} unchanged, {len(report.failed)} failed)")
    if not quiet:
        click.echo(f"{len(report.stored)} stored, {len(report.unchanged)} unchanged, {len(report.failed)} failed",
                   err=True)
    if ok == 0:
        sys.exit(1)


@main.command()
@click.argument("refs", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Show every document (newest revisions).")
@click.option("--json", "as_json", is_flag=True, help="The same card as JSON.")
@click.pass_obj
def show(v, refs, all_, as_json):
    """Show a readable card for a document: by id, id prefix, file name or URL.

    Example: veille show 000_a9ded3e1bfa44ef4.txt
    """
    from veille.export import to_record
    from veille.show import card

    if any(not r.strip() for r in refs):
        fail('"": an empty name is not a document (give an id, id prefix, file name or URL)')
    try:
        docs = v.documents() if all_ else [v.show(r) for r in refs]
    except VeilleError as e:
        fail(str(e))
    if not docs:
        fail("nothing to show: name a document, or use --all")
    for d in docs:
        click.echo(to_json(to_record(d)) if as_json else card(d))


@main.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search(v, query, limit, as_json):
    """Full-text search over titles and clean texts.

    Example: veille search "drones Odessa"
    """
    try:
        hits = v.search(query, limit)
    except VeilleError as e:
        fail(str(e))
    if as_json:
        click.echo(to_json(hits))
        return
    for h in hits:
        say(f"{h['id']}  {h['published'] or '----------'}  {h['title'] or '(no title)'}")
        say(f"    {h['snippet']}")
    if not hits:
        click.echo("no match", err=True)


# the filters of `veille events`, which `veille alerts add` saves in a watch
FILTER_OPTIONS = (
    click.option("--type", "types", multiple=True, metavar="T",
                 help="PLOVER type, e.g. ASSAULT (repeat, or separate with commas, for several)."),
    click.option("--mode", metavar="M", help="Finer kind, e.g. drone, artillery, arrest."),
    click.option("--actor", metavar="CODE", help="Actor code as source or target, e.g. RUS, NATO."),
    click.option("--role", type=click.Choice(["source", "target"]), help="With --actor: only in this role."),
    click.option("--country", metavar="CC", help="Country of the event's place, ISO 3166-1 alpha-2, e.g. UA."),
    click.option("--near", metavar="LAT,LON,KM", help="Within KM kilometres of a point, e.g. 46.48,30.72,50."),
    click.option("--since", metavar="DATE", help="On or after YYYY[-MM[-DD]]; a month or year that overlaps counts."),
    click.option("--until", metavar="DATE", help="On or before YYYY[-MM[-DD]]; a month or year that overlaps counts."),
    click.option("--modality", type=click.Choice(MODALITIES), help="Only events with this modality."),
    click.option("--text", metavar="WORDS", help="Every word in the event's sentence or its page's title."),
    click.option("--source", "source_text", metavar="TEXT", help="Text in the document's name, URL or site."),
    click.option("--min-sources", metavar="N", help="Events told by at least N independent outlets."),
)


def filter_options(command):
    """Declare the filters of `veille events` on a command."""
    for option in reversed(FILTER_OPTIONS):
        command = option(command)
    return command


@main.command()
@filter_options
@click.option("--doc", metavar="REF", help="Only this document: id, id prefix, file name or URL.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--limit", type=int, metavar="N", help="At most N events (newest first).")
@click.option("--offset", metavar="N", default="0", help="Skip the first N events (with --limit: pages).")
@click.option("--per-event", is_flag=True,
              help="Count events, not reports: an event several documents tell is listed once.")
@click.pass_obj
def events(v, types, mode, actor, role, country, near, since, until, doc, modality, text, source_text, min_sources, fmt,
           limit, offset, per_event):
    """List the events of the newest revision of each document, newest first.

    Example: veille events --type ASSAULT --country UA --since 2024-03 --format csv > strikes.csv
    """
    from veille.export import hit_record, write_hits_csv

    try:
        hits = v.events(type=types, mode=mode, actor=actor, role=role, country=country, near=near, since=since,
                        until=until, doc=doc, modality=modality, limit=limit, per_event=per_event, text=text,
                        source=source_text, min_sources=min_sources, offset=offset)
    except VeilleError as e:
        fail(str(e))
    if fmt == "json":
        click.echo(to_json([hit_record(h) for h in hits]))
    elif fmt == "csv":
        write_hits_csv(hits, click.get_text_stream("stdout"))
    else:
        import shutil

        from veille.show import event_table

        click.echo(event_table(hits, shutil.get_terminal_size((160, 24)).columns), nl=False)
    if not hits:
        click.echo("no event", err=True)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "acled", "geojson"]), default="jsonl",
              show_default=True,
              help="jsonl: one JSON object a line per document; acled: an ACLED-style CSV, one row per event; "
                   "geojson: a FeatureCollection of the located events.")
@click.option("--links", is_flag=True, help="Write the links across documents (JSON list) instead.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (standard output by default).")
@click.option("--per-event", is_flag=True, help="acled: one row per event, however many documents tell it.")
@click.pass_obj
def export(v, fmt, links, output, per_event):
    """Export documents (one JSON object a line), their events (ACLED CSV, GeoJSON) or, with --links,
    the links between documents.

    Example: veille export --format jsonl > out.jsonl; veille export --format geojson -o events.geojson
    """
    try:
        if links:
            output.write(to_json(v.links(), indent=1) + "\n")
        else:
            v.export(output, fmt, per_event=per_event)
    except VeilleError as e:
        fail(str(e))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Clusters and contradictions as JSON.")
@click.pass_obj
def links(v, as_json):
    """List events told by several documents (clusters) and claims that contradict.

    Example: veille links --json > links.json
    """
    try:
        contra, groups = v.links(kind="contradiction"), v.clusters()
    except VeilleError as e:
        fail(str(e))
    if as_json:
        click.echo(to_json({"clusters": groups, "contradictions": contra}, indent=1))
        return
    lines = []  # written at once: tens of thousands of lines at 100,000 events
    for c in groups:
        where = (c["place"] or {}).get("name") or "?"
        lines.append(f"{c['type']}{'/' + c['mode'] if c['mode'] else ''} {','.join(c['source'])}→"
                     f"{','.join(c['target']) or '?'}  {c['date'] or '----'}  {where}  "
                     f"{len(c['reports'])} reports, {c['independent_sources']} independent sources")
        lines += [f"    {r['doc']}: {r['evidence'][:110]}" for r in c["reports"]]
    for l in contra:
        lines += [f"CONTRADICTION {l['note']}", f"    {l['a']['doc']}: {l['a']['evidence'][:110]}",
                  f"    {l['b']['doc']}: {l['b']['evidence'][:110]}"]
    if lines:
        click.echo("\n".join(printable(line) for line in lines))
    if not groups and not contra:
        click.echo("no links", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.pass_obj
def serve(v, host, port):
    """Serve the desk (map, timeline, network, reader, compare, ingest) and its JSON API.

    Bound to loopback unless --host says otherwise: the desk has no login.

    Example: veille --db veille.db serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    import uvicorn

    from veille.web import create_app

    try:
        v.store.count()
    except VeilleError as e:
        fail(str(e))
    import threading

    # which events several pages tell as one: computed while the server starts, not on the first request
    threading.Thread(target=_warm, args=(v,), name="cluster-index", daemon=True).start()
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"veille desk on http://{shown}:{port}/ (database {v.store.name}; Ctrl-C to stop)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"veille: warning: listening on {host}: anyone who can reach it can read and ingest", err=True)
    uvicorn.run(create_app(v), host=host, port=port, log_level="warning", access_log=False)


def _warm(v) -> None:
    try:
        v.cluster_index()
    except VeilleError:
        pass  # the first request that needs it says why


@main.command()
@click.option("--since", required=True, metavar="DATE", help="First day: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--until", required=True, metavar="DATE", help="Last day: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--country", metavar="CC", help="Country of the event's place, ISO 3166-1 alpha-2, e.g. UA.")
@click.option("--actor", metavar="CODE", help="Actor code as source or target, e.g. RUS, NATO.")
@click.option("--near", metavar="LAT,LON,KM", help="Within KM kilometres of a point, e.g. 46.48,30.72,50.")
@click.option("--output", "-o", default="briefing.html", show_default=True, metavar="FILE",
              help="The HTML briefing: one file, images embedded.")
@click.option("--pdf", metavar="FILE", help="Also write the same briefing as a PDF.")
@click.pass_obj
def report(v, since, until, country, actor, near, output, pdf):
    """Write a briefing for a period: a map, the reports per day, the events with the most
    independent sources (every source's sentence, figures, contradictions) and the pages
    that carry warnings. One self-contained HTML file, and a PDF with --pdf.

    Example: veille report --since 2024-03 --until 2024-06 --country UA -o ua.html --pdf ua.pdf
    """
    from veille.report import write

    try:
        b = write(v, since, until, html_path=output, pdf_path=pdf, country=country, actor=actor, near=near)
    except VeilleError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename or output}: cannot write the briefing ({e.strerror or e})")
    written = " and ".join(p for p in (output, pdf) if p)
    click.echo(f"wrote {written}: {b.events} events, {b.clusters} told by several pages, "
               f"{b.pages_warned} pages with warnings", err=True)


@main.command()
def settings():
    """List every setting with its default and environment variable.

    Example: VEILLE_MAX_BYTES=50000000 veille ingest big.html
    """
    for s in SETTINGS:
        click.echo(f"{s.name:15} VEILLE_{s.name.upper():15} default {s.default!r}\n    {s.help}")


# the commands that keep watch live in their own modules, on the same group
from veille.cli_sources import sources, watch  # noqa: E402
from veille.cli_alerts import alerts  # noqa: E402

main.add_command(sources)
main.add_command(watch)
main.add_command(alerts)

if __name__ == "__main__":
    main()
