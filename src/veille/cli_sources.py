"""``veille sources`` (the feeds and sitemaps followed) and ``veille watch`` (the polling loop)."""
from __future__ import annotations

import click

from veille.cli import fail, say, to_json  # noqa: F401  (shared by the commands below)
from veille.errors import VeilleError


@click.group()
def sources():
    """The feeds and sitemaps veille follows (veille watch polls them).

    Example: veille sources add https://www.example.org/rss.xml --every 15m
    """


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_sources(v, as_json):
    """List the sources with their health: last poll, HTTP status, error, counts."""
    try:
        rows = v.sources.all()
    except VeilleError as e:
        fail(str(e))
    if as_json:
        say(to_json(rows))
        return
    for s in rows:
        say(f"{s['id']:>3} {s['name']}  {s['url']}  every {s['every_s']} s  status {s['status']}  "
            f"found {s['found']} stored {s['stored']} failed {s['failed']}" + (f"  error: {s['error']}" if s['error'] else ""))


@click.command()
@click.option("--once", is_flag=True, help="Poll every due source once, then stop (for cron).")
@click.pass_obj
def watch(v, once):
    """Poll the sources, ingest what they list that is new, and check the watches.

    Example: veille watch --once
    """
    fail("veille watch: not built yet")
