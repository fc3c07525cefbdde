"""``veille alerts``: saved watches and the alerts they raise."""
from __future__ import annotations

import sys

import click

from veille.cli import fail, filter_options, say, to_json
from veille.errors import VeilleError

# the filters of ``veille events`` that a watch keeps, declared once here (name, option, help)
def filters_of(types, mode, actor, role, country, near, since, until, modality, text, source_text, min_sources):
    return dict(type=list(types), mode=mode, actor=actor, role=role, country=country, near=near, since=since,
                until=until, modality=modality, text=text, source=source_text, min_sources=min_sources)


@click.group()
def alerts():
    """Saved watches: filters and a condition; an alert, once, each time it is met.

    Example: veille alerts add strikes --type ASSAULT --country UA --webhook http://127.0.0.1:9000/hook
    """


@alerts.command("add")
@click.argument("name")
@filter_options
@click.option("--on", "condition", type=click.Choice(["event", "sources", "contradiction", "warning"]),
              default="event", show_default=True,
              help="event: a new event matches; sources: a matching event reaches N independent sources; "
                   "contradiction: sources disagree on a matching event; warning: a page with a warning tells one.")
@click.option("--sources", "threshold", type=int, metavar="N", help="With --on sources: how many (default 2).")
@click.option("--warning", metavar="KIND[=VALUE]", help="With --on warning: e.g. missing_date, genre=opinion.")
@click.option("--terminal", is_flag=True, help="Print its alerts in the terminal (veille watch, alerts check).")
@click.option("--webhook", "webhooks", multiple=True, metavar="URL", help="POST each alert as JSON here (repeatable).")
@click.option("--secret", envvar="VEILLE_WEBHOOK_SECRET", metavar="S",
              help="HMAC secret that signs webhook bodies (default: VEILLE_WEBHOOK_SECRET, else a new random one).")
@click.option("--email", "emails", multiple=True, metavar="ADDR", help="Mail each alert here (repeatable; "
              "settings smtp_*).")
@click.option("--backfill", is_flag=True, help="Also alert on what already matches (default: only new matches).")
@click.option("--json", "as_json", is_flag=True, help="Print the watch as JSON.")
@click.pass_obj
def add(v, name, types, mode, actor, role, country, near, since, until, modality, text, source_text, min_sources,
        condition, threshold, warning, terminal, webhooks, secret, emails, backfill, as_json):
    """Save a watch: the filters of `veille events` and a condition (--on).

    Example: veille alerts add odesa --type ASSAULT --near 46.48,30.72,50 --on sources --sources 2 --terminal
    """
    from veille.watch.deliver import make_channels

    try:
        channels = make_channels(terminal, webhooks, emails, secret)
        w = v.add_watch(name, filters_of(types, mode, actor, role, country, near, since, until, modality, text,
                                         source_text, min_sources),
                        condition, channels, threshold, warning, backfill)
    except VeilleError as e:
        fail(str(e))
    if as_json:
        click.echo(to_json(w))
        return
    say(f"watch {w['name']} added: {describe(w)}")
    hooks = [c for c in w["channels"] if c["kind"] == "webhook"]
    if hooks and not secret:
        say(f"webhook secret: {hooks[0]['secret']} (the receiver checks X-Veille-Signature with it)")
    if not w["channels"]:
        click.echo("veille: no channel (--terminal, --webhook, --email): its alerts are only listed "
                   "(veille alerts show)", err=True)


def describe(w: dict) -> str:
    cond = {"sources": f"an event reaches {w.get('threshold')} independent sources",
            "contradiction": "sources disagree", "warning": f"a page with the warning {w.get('warning')}",
            "event": "a new event"}[w["condition"]]
    filters = " ".join(f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in w["filters"].items())
    to = ", ".join(c.get("url") or c.get("to") or c["kind"] for c in w["channels"]) or "no channel"
    return f"{cond}{' matching ' + filters if filters else ''}; alerts to {to}"


@alerts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_watches(v, as_json):
    """List the watches with their alert counts, deliveries and latest alert.

    Example: veille alerts list --json
    """
    try:
        rows = v.watch_list(latest=1)
    except VeilleError as e:
        fail(str(e))
    if as_json:
        click.echo(to_json(rows))
        return
    for w in rows:
        say(f"{w['id']:>3} {w['name']}  {describe(w)}")
        status = ", ".join(f"{n} {s}" for s, n in sorted(w["deliveries"].items()))
        say(f"      {w['alert_count']} alerts{'; deliveries: ' + status if status else ''}; "
            f"checked {w['checked_at'] or 'never'}")
        if w["latest"]:
            say(f"      latest {w['latest'][0]['created_at']}  {w['latest'][0]['title']}")
    if not rows:
        click.echo("no watch (veille alerts add NAME ...)", err=True)


@alerts.command("show")
@click.argument("name")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="At most N alerts.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(v, name, limit, as_json):
    """Show a watch's alerts, newest first, with each delivery's status and error.

    Example: veille alerts show strikes --limit 5
    """
    try:
        page = v.watch_alerts(name, limit=limit)
    except VeilleError as e:
        fail(str(e))
    if as_json:
        click.echo(to_json(page))
        return
    w = page["watch"]
    say(f"{w['name']}: {describe(w)}; {page['total']} alerts")
    for a in page["alerts"]:
        say(f"#{a['id']} {a['created_at']}  {a['title']}")
        say(f"    \"{a['data'].get('sentence', '')}\"")
        p = a["data"].get("page") or {}
        say(f"    page: {p.get('title') or p.get('name') or '?'} {p.get('url') or ''} [{p.get('doc_id', '?')}]")
        say(f"    desk: {a['data'].get('link', '')}")
        for d in a["deliveries"]:
            when = d["sent_at"] if d["status"] == "sent" else d["next_at"]
            say(f"    {d['channel']} {d['target']}: {d['status']}, {d['tries']} tries"
                f"{', next ' + when if d['status'] == 'pending' and when else ''}"
                f"{', sent ' + when if d['status'] == 'sent' and when else ''}"
                f"{'; error: ' + d['error'] if d['error'] else ''}")


@alerts.command("remove")
@click.argument("name")
@click.pass_obj
def remove(v, name):
    """Remove a watch, its alerts and their deliveries.

    Example: veille alerts remove strikes
    """
    try:
        w = v.remove_watch(name)
    except VeilleError as e:
        fail(str(e))
    say(f"watch {w['name']} removed")


@alerts.command("check")
@click.option("--quiet", "-q", is_flag=True, help="Print only the alerts (terminal channel) and errors.")
@click.pass_obj
def check(v, quiet):
    """Check every watch on the pages stored since its last check and deliver what is due, once
    (for cron; `veille watch` does this after each round).

    Example: */5 * * * * veille --db /srv/veille.db alerts check -q
    """
    errors = []

    def on_error(w, e):
        errors.append(w["name"])
        click.echo(f"veille: watch {w['name']}: {e}", err=True)

    try:
        done = v.alert_round(echo=click.echo, on_error=on_error)
    except VeilleError as e:
        fail(str(e))
    if not quiet:
        click.echo(f"{len(done['alerts'])} new alerts; {done['sent']} sent, {done['failed']} failed (tried again later), "
                   f"{done['given_up']} given up, {done['pending']} pending", err=True)
    if errors:
        sys.exit(1)


@alerts.command("retry")
@click.argument("name")
@click.pass_obj
def retry(v, name):
    """Make a watch's given-up deliveries pending again (sent by the next check).

    Example: veille alerts retry strikes && veille alerts check
    """
    try:
        n = v.retry_alerts(name)
    except VeilleError as e:
        fail(str(e))
    say(f"{n} deliveries of {name} pending again")


@alerts.command("test")
@click.argument("name")
@click.pass_obj
def test(v, name):
    """Send a test alert on each channel of a watch now (nothing is stored).

    Example: veille alerts test strikes
    """
    try:
        results = v.test_watch(name, echo=click.echo)
    except VeilleError as e:
        fail(str(e))
    for r in results:
        say(f"{r['channel']} {r['target']}: {'ok' if r['ok'] else 'failed: ' + r['error']}")
    if not results:
        click.echo(f"veille: {name}: the watch has no channel to test", err=True)
    if any(not r["ok"] for r in results):
        sys.exit(1)
