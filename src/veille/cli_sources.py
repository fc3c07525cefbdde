"""``veille sources`` (the feeds and sitemaps followed) and ``veille watch`` (the polling loop)."""
from __future__ import annotations

import click

from veille.cli import fail, say, to_json  # noqa: F401  (shared by the commands below)
from veille.errors import VeilleError
from veille.safetext import printable


@click.group()
def sources():
    """The feeds and sitemaps veille follows (veille watch polls them).

    Example: veille sources add https://www.example.org/rss.xml --every 15m
    """


@sources.command("add")
@click.argument("url")
@click.option("--every", default="15m", show_default=True, help="How often to poll it: 90s, 15m, 2h, 1d.")
@click.option("--name", help="A short name for it (default: its host).")
@click.option("--kind", type=click.Choice(["feed", "sitemap"]),
              help="Refuse the URL unless it is this (default: found from what it serves).")
@click.option("--json", "as_json", is_flag=True, help="Print the new source as JSON.")
@click.pass_obj
def add_source(v, url, every, name, kind, as_json):
    """Follow a feed (RSS, Atom, JSON Feed), a sitemap, or a site's home page (its feed is found).

    The URL is fetched once to see what it is.

    Example: veille sources add https://www.example.org/ --every 1h --name example
    """
    try:
        row = v.add_source(url, every=every, name=name, kind=kind)
    except VeilleError as e:
        fail(str(e))
    if as_json:
        click.echo(to_json(row))
        return
    found = f" (found on {row['found_on']})" if row.get("found_on") else ""
    say(f"added {row['name']}: {row['kind']} {row['url']}{found}, {row['items']} items listed now, "
        f"polled every {_every(row['every_s'])}")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_sources(v, as_json):
    """List the sources with their health: last poll, HTTP status, error, back-off, counts.

    Example: veille sources list --json
    """
    try:
        rows = v.source_list()
    except VeilleError as e:
        fail(str(e))
    if as_json:
        click.echo(to_json(rows))
        return
    if not rows:
        say("no sources (veille sources add URL)")
    for s in rows:
        polled = f"polled {s['polled_at']} status {s['status'] if s['status'] is not None else '-'}" \
            if s["polled_at"] else "never polled"
        line = (f"{s['id']:>3} {s['name']}  {s['health']}  {s['kind']} {s['url']}  every {_every(s['every_s'])}  {polled}  "
                f"found {s['found']} stored {s['stored']} failed {s['failed']} pending {s['pending']}")
        if s["error"]:
            line += f"  error: {s['error']}"
        if s["backoff_until"]:
            line += f"  backing off until {s['backoff_until']} ({s['errors_in_row']} errors in a row)"
        say(line)


@sources.command("remove")
@click.argument("ref")
@click.pass_obj
def remove_source(v, ref):
    """Stop following a source (by id, name or URL). The URLs it listed stay remembered.

    Example: veille sources remove example
    """
    try:
        row = v.remove_source(ref)
    except VeilleError as e:
        fail(str(e))
    say(f"removed {row['name']} ({row['url']})" + (f", {row['skipped']} items not fetched skipped"
                                                     if row["skipped"] else ""))


def _every(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@click.command()
@click.option("--once", is_flag=True, help="Poll every due source once, then stop (for cron).")
@click.option("--every-check", is_flag=True,
              help="Check the saved watches after every stored document (default: after each round).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the stop line.")
@click.pass_obj
def watch(v, once, every_check, quiet):
    """Poll the sources, ingest what they list that is new, and check the watches.

    Runs until stopped (Ctrl-C or SIGTERM finish the current document, then stop; the next
    run resumes). With --once, one round.

    Example: veille watch --once
    """
    import signal
    import threading

    from veille.show import outcome_lines

    stop = threading.Event()

    def on_signal(signum, frame):
        if stop.is_set() and signum == signal.SIGINT:  # a second Ctrl-C: leave now
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def on_item(o):
        if o.status == "failed":
            click.echo(outcome_lines(o)[0], err=True)
        elif not quiet:
            say(outcome_lines(o)[0] if o.status != "skipped" else f"skipped   {o.source}  ({o.reason})")

    def on_source(s):
        if s["error"]:
            click.echo(f"veille: source {printable(s['name'])}: {printable(s['error'])}", err=True)

    def on_watch_error(w, e):
        click.echo(f"veille: watch {printable(w['name'])}: {printable(str(e))}", err=True)

    def alerts(doc_ids=None):
        done = v.alert_round(echo=click.echo, on_error=on_watch_error, doc_ids=doc_ids)
        if done["alerts"] and not quiet:
            click.echo(f"{len(done['alerts'])} new alerts; {done['sent']} sent, {done['failed']} failed "
                       f"(tried again later), {done['pending']} pending", err=True)

    def on_round(report):
        if not quiet:
            click.echo(f"round: {report.sources} sources polled, {report.new_items} new items, {report.stored} stored, "
                       f"{report.unchanged} unchanged, {report.failed} failed, {report.skipped} skipped "
                       f"({report.seconds:.1f} s)", err=True)
        if not every_check:
            try:
                alerts()
            except Exception as e:  # noqa: BLE001 - the watches' trouble never stops the polling
                report.hook_errors.append(f"checking the watches: {e.__class__.__name__}: {e}")
        for e in report.hook_errors:
            click.echo(f"veille: {printable(e)}", err=True)
        report.hook_errors.clear()

    def on_wait():  # failed deliveries are tried again when their back-off ends, not at the next round
        try:
            v.deliver_alerts(echo=click.echo)
        except Exception as e:  # noqa: BLE001 - the deliveries' trouble never stops the polling
            click.echo(f"veille: delivering alerts: {printable(str(e))}", err=True)

    try:
        report = v.poll(once=once, stop=stop, on_item=on_item, on_source=on_source,
                        on_stored=(lambda doc_id: alerts([doc_id])) if every_check else None, on_round=on_round,
                        on_wait=on_wait, max_wait=30.0)
    except VeilleError as e:
        fail(str(e))
    if report.store_stopped:
        fail(report.store_stopped)
    if stop.is_set():
        left = len(v.sources.pending())
        click.echo(f"stopped: {left} items left for the next round", err=True)
