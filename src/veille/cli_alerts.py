"""``veille alerts``: saved watches and the alerts they raise."""
from __future__ import annotations

import click

from veille.cli import fail, say, to_json  # noqa: F401  (shared by the commands below)
from veille.errors import VeilleError


@click.group()
def alerts():
    """Saved watches: filters and a condition; an alert when it is met.

    Example: veille alerts add strikes --type ASSAULT --country UA --webhook http://127.0.0.1:9000/hook
    """


@alerts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_watches(v, as_json):
    """List the watches with their latest alerts."""
    try:
        rows = v.watchstore.watches()
    except VeilleError as e:
        fail(str(e))
    if as_json:
        say(to_json(rows))
        return
    for w in rows:
        say(f"{w['id']:>3} {w['name']}  {w['condition']}  {to_json(w['filters'], indent=None)}")
