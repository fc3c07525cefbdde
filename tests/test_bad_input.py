"""Bad input: one line naming the input and the reason; the batch goes on; nothing stored
is lost or changed; the exit status is non-zero only when nothing could be ingested."""
import codecs
import http.server
import json
import socket
import threading

import pytest
from conftest import EXAMPLES, run_cli

from veille.errors import InputError
from veille.readers import decode

ARTICLE_FR = ("Titre de l'article\n\nLes autorités ont annoncé jeudi l'évacuation de trois villages "
              "proches de la frontière, après une nuit de tirs d'artillerie.\n")


def reasons(report):
    return {o.source.rsplit("/", 1)[-1]: o.reason for o in report.failed}


def test_each_bad_file_gets_its_reason_and_the_batch_goes_on(fresh, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"  \n\n ")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "big.html").write_bytes(b"<p>x</p>" * 10)
    with open(d / "big.html", "r+b") as f:  # a 50 MB file, sparse on disk
        f.truncate(50_000_000)
    (d / "noarticle.html").write_text("<html><body><nav><a href='/'>Accueil</a></nav></body></html>")
    (d / "good.txt").write_text(ARTICLE_FR, encoding="utf-8")
    (d / "table.csv").write_text("a,b\n1,2\n")
    report = fresh.ingest([str(d)])
    why = reasons(report)
    assert why["empty.txt"] == "empty file"
    assert why["blank.txt"] == "empty file"
    assert "binary" in why["binary.txt"]
    assert "too large" in why["big.html"] and "50.0 MB" in why["big.html"]
    assert why["noarticle.html"] == "no article text found on the page"
    assert len(report.stored) == 1 and report.stored[0].source.endswith("good.txt")
    assert "table.csv" not in why  # folders are read for article files only


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_legacy_encodings_are_read(fresh, tmp_path, encoding):
    text = "Titre\n\nLe ministère a confirmé l'arrivée de l'aide à Kharkiv après des frappes répétées cette semaine.\n"
    p = tmp_path / f"{encoding}.txt"
    p.write_bytes(text.encode(encoding))  # Python's utf-16 codec writes a BOM
    if encoding == "utf-16":
        assert p.read_bytes().startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    report = fresh.ingest([str(p)])
    assert len(report.stored) == 1, report.outcomes
    doc = fresh.show(report.stored[0].id)
    assert "Le ministère a confirmé l'arrivée de l'aide à Kharkiv" in doc.text


def test_undecodable_bytes_name_the_file():
    with pytest.raises(InputError) as e:
        decode(b"\xff\xfe" + b"\x00\xd8" * 3, "weird.txt")  # UTF-16 BOM, lone surrogates
    assert str(e.value).startswith("weird.txt: ")


def test_malformed_html_still_gives_the_article(fresh, tmp_path):
    p = tmp_path / "broken.html"
    p.write_text("<html><body><div><p>Les combats ont repris à l'aube près du barrage, selon plusieurs témoins "
                 "joints par téléphone.<p>Les secours n'ont pas pu accéder à la zone pendant la matinée, "
                 "a indiqué la protection civile.</div></span></b><table><tr><td>", encoding="utf-8")
    report = fresh.ingest([str(p)])
    assert len(report.stored) == 1, report.outcomes
    assert "Les combats ont repris à l'aube" in fresh.show(report.stored[0].id).text


def test_bad_jsonl_lines_fail_alone(fresh, tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text("\n".join([
        json.dumps({"url": "https://example.org/a", "title": "A", "published": "2024-01-02", "text": ARTICLE_FR}),
        "{not json",
        json.dumps({"url": "https://example.org/b"}),
        json.dumps(["a list"]),
    ]), encoding="utf-8")
    report = fresh.ingest([str(p)])
    assert len(report.stored) == 1
    why = {o.source.rsplit("/", 1)[-1]: o.reason for o in report.failed}
    assert why["feed.jsonl#2"].startswith("not JSON")
    assert why["feed.jsonl#3"] == "no 'text' or 'html' field"
    assert why["feed.jsonl#4"] == "not a JSON object"


def test_unreachable_url_is_an_error_not_a_crash(fresh):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    report = fresh.ingest([f"http://127.0.0.1:{port}/article.html"])
    assert len(report.failed) == 1
    assert "unreachable" in report.failed[0].reason


@pytest.fixture
def server():
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=str(EXAMPLES), **k)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_url_ingest_and_http_errors(fresh, server):
    report = fresh.ingest([f"{server}/fr_frappe_odessa.html", f"{server}/missing.html"])
    assert len(report.stored) == 1
    assert report.failed[0].reason == "HTTP 404"
    doc = fresh.show(report.stored[0].id)
    assert doc.url.endswith("fr_frappe_odessa.html") and "Odessa" in doc.text


def test_nothing_stored_is_lost_or_changed_and_exit_status(tmp_path, dbs):
    dbs.url(tmp_path)  # the CLI's database in tmp_path
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE_FR, encoding="utf-8")
    first = run_cli("ingest", str(good), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = run_cli("export", cwd=tmp_path).stdout
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    only_bad = run_cli("ingest", str(bad), cwd=tmp_path)
    assert only_bad.returncode == 1
    assert only_bad.stderr.splitlines()[0] == f"veille: {bad}: empty file"
    mixed = run_cli("ingest", str(bad), str(good), cwd=tmp_path)
    assert mixed.returncode == 0  # something was read (unchanged counts)
    assert run_cli("export", cwd=tmp_path).stdout == before
