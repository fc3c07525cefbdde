"""Hostile inputs (issue 10): each gives one line that names the input and the reason, or a
warning where the text is still usable, and the batch goes on.

One `veille ingest` batch, through the real entry point, holds every hostile input beside
good files (the models load once for all of them); each test reads its own lines from it.
"""
import codecs
import http.server
import json
import os
import re
import threading
import time

import pytest
from conftest import run_cli

from veille import Veille
from veille.errors import InputError
from veille.readers import decode

GOOD = ("Titre de l'article\n\nLes autorités ont annoncé jeudi l'évacuation de trois villages "
        "proches de la frontière, après une nuit de tirs d'artillerie.\n")
OTHER = ("Un convoi humanitaire est arrivé mardi à Kharkiv après trois jours de route, "
         "a indiqué la Croix-Rouge dans un communiqué.\n")
# page text that talks to the terminal: ESC sequences (window title, clear screen), BEL, a C1 CSI
BILBAO_A = ("Des drones russes ont frappé Bilbao jeudi \x1b]0;pwned\x07 selon le ministère espagnol de la "
            "Défense.\x1b[2J\n\nLes secours \x9b31m ont évacué trois quartiers de Bilbao dans la nuit, a indiqué "
            "la protection civile.\n")
BILBAO_B = ("Jeudi, des drones russes ont frappé Bilbao \x1b[5m\x9b2J, a annoncé le ministère espagnol de la Défense.\n\n"
            "Aucune victime n'est à déplorer selon la mairie de Bilbao.\n")
EVIL_TITLE = '=HYPERLINK("http://evil.example")\x1b]0;owned\x07'
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # anything a terminal obeys, newline aside
DRIP_SECONDS, URL_TIMEOUT = 0.25, 1.5


def variant(n: int) -> str:
    """A good article whose text (and so id) differs by ``n``."""
    return GOOD.replace("trois villages", f"{n + 3} villages")


def jsonl(*objects) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)


@pytest.fixture(scope="module")
def slow_server():
    """Sends its headers, then one byte of a 400-byte body every DRIP_SECONDS: each read is
    quick, the whole download would take 100 s."""

    class Drip(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "400")
            self.end_headers()
            try:
                for _ in range(400):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(DRIP_SECONDS)
            except OSError:
                pass  # the client gave up

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class Batch:
    def __init__(self, root, db, result):
        self.root, self.db = root, db
        self.out, self.err = result.stdout, result.stderr
        self.lines = result.stdout.splitlines() + result.stderr.splitlines()
        self.returncode = result.returncode

    def cli(self, *args):
        return run_cli("--db", self.db, *args, cwd=self.root)

    def stored(self, name: str) -> str:
        """The id of the input printed as ``name`` in a `stored` line (exactly one)."""
        found = [l.split()[1] for l in self.out.splitlines() if l.startswith("stored ") and l.endswith(f"  {name}")]
        assert len(found) == 1, (name, self.out)
        return found[0]

    def text(self, doc_id: str) -> dict:
        shown = self.cli("show", "--json", doc_id)
        assert shown.returncode == 0, shown.stderr
        return json.loads(shown.stdout)


@pytest.fixture(scope="module")
def batch(tmp_path_factory, slow_server, dbs) -> Batch:
    root = tmp_path_factory.mktemp("hostile").resolve()
    db = dbs.url(root, "v.db")
    d = root / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    # 1: a line nested too deeply for the JSON parser, then a good line
    (d / "deep.jsonl").write_text(jsonl("[" * 100_000, {"text": variant(1)}), encoding="utf-8")
    # 2: a URL holding a NUL byte
    (d / "nul_url.jsonl").write_text(jsonl({"url": "https://example.org/a\u0000b", "text": variant(2)}),
                                     encoding="utf-8")
    # 3: lone surrogates in a feed's fields; a file name that is not UTF-8
    (d / "surrogate.jsonl").write_text(jsonl('{"title": "Titre \\ud800", "text": "%s \\udfff"}'
                                             % variant(3).replace("\n", "\\n")), encoding="utf-8")
    names = d / "names"
    names.mkdir()
    with open(os.fsencode(names) + b"/bad\xffname.txt", "wb") as f:
        f.write(variant(4).encode("utf-8"))
    # 8: a title that is a list
    (d / "list_title.jsonl").write_text(jsonl({"title": ["a", "b"], "author": 3, "text": variant(8)}))
    # 9: UTF-16 without a byte-order mark, both byte orders
    (d / "utf16le.txt").write_bytes(variant(9).encode("utf-16-le"))
    (d / "utf16be.txt").write_bytes(variant(10).encode("utf-16-be"))
    # 10: one invalid byte in a UTF-8 file with accents
    damaged = variant(11).encode("utf-8")
    (d / "one_bad_byte.txt").write_bytes(damaged[:25] + b"\xff" + damaged[25:])
    # 11: one NUL line between two good lines
    (d / "nul_line.jsonl").write_bytes(jsonl({"text": variant(12)}).encode() + b"\x00\x00\x00\n"
                                       + jsonl({"text": variant(13)}).encode())
    # 12: a feed url that is a local path (of a file of this very batch)
    (d / "local_url.jsonl").write_text(jsonl({"url": str(d / "zz_target.txt"), "text": variant(14)}))
    (d / "zz_target.txt").write_text(OTHER, encoding="utf-8")
    # 13: names that hold a newline, in a stored line and in an error line
    (names / "evil\nveille: forged.txt").write_text(variant(15), encoding="utf-8")
    (names / "empty\nveille: forged too.txt").write_bytes(b"")
    (d / "newline_url.jsonl").write_text(jsonl({"url": "https://example.org/x\nveille: forged url",
                                                "text": variant(16)}))
    # 14: page text that talks to the terminal and to spreadsheets; two reports of one event
    (d / "@feed.jsonl").write_text(jsonl({"title": EVIL_TITLE, "published": "2024-03-07", "text": BILBAO_A},
                                         {"title": "Bilbao", "published": "2024-03-07", "text": BILBAO_B}))
    # 7: a folder named with "..", its hidden files, an empty name, a folder with nothing to read
    (root / "work" / "here").mkdir(parents=True)
    folder = root / "work" / "folder"
    (folder / ".hidden").mkdir(parents=True)
    (folder / "article.txt").write_text(OTHER.replace("mardi", "lundi"), encoding="utf-8")
    (folder / ".hidden" / "secret.txt").write_text(variant(17), encoding="utf-8")
    (folder / ".draft.txt").write_text(variant(18), encoding="utf-8")
    (root / "nothing").mkdir()
    (root / "nothing" / "table.csv").write_text("a,b\n1,2\n")
    urls = ["http://127.0.0.1:abc/", "http://[::1", "http://example.org/" + "a" * 100_000,
            "http://example.org/a\r\nX-Forged: 1", f"{slow_server}/slow.html"]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VEILLE_URL_TIMEOUT", str(URL_TIMEOUT))
        result = run_cli("--db", db, "ingest", str(d), *urls, "../folder", "", str(root / "nothing"),
                         cwd=root / "work" / "here")
    return Batch(root, db, result)


def error_lines(batch: Batch, name: str) -> list[str]:
    return [l for l in batch.err.splitlines() if l.startswith(f"veille: {name}: ")]


def test_the_batch_goes_on_and_good_files_are_stored(batch):
    assert batch.returncode == 0, batch.err
    assert "Traceback" not in batch.err
    batch.stored(str(batch.root / "in" / "good.txt"))
    assert re.search(r"^\d+ stored, \d+ unchanged, \d+ failed$", batch.err, re.M)


def test_1_a_line_nested_too_deeply_fails_alone(batch):
    feed = str(batch.root / "in" / "deep.jsonl")
    assert error_lines(batch, f"{feed}#1") == [f"veille: {feed}#1: not JSON (nested too deeply)"]
    batch.stored(f"{feed}#2")


def test_2_a_url_with_a_nul_byte_is_refused_with_a_warning(batch):
    feed = str(batch.root / "in" / "nul_url.jsonl")
    [warning] = error_lines(batch, f"{feed}#1")
    assert warning.startswith(f"veille: {feed}#1: warning: 'url' https://example.org/a\\x00b ignored: "
                              "not a valid URL ("), warning
    batch.stored(f"{feed}#1")  # the text is kept, under the line's own name


def test_2_a_name_with_a_nul_byte_through_the_api(fresh, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    report = fresh.ingest([str(tmp_path / "a\x00b.txt"), str(good)])
    assert [o.reason for o in report.failed] == ["not a valid name (NUL byte)"]
    assert len(report.stored) == 1


def test_3_lone_surrogates_become_u_fffd_with_a_warning(batch):
    feed = str(batch.root / "in" / "surrogate.jsonl")
    assert error_lines(batch, f"{feed}#1") == [
        f"veille: {feed}#1: warning: 'text': 1 lone surrogate replaced with U+FFFD",
        f"veille: {feed}#1: warning: 'title': 1 lone surrogate replaced with U+FFFD"]
    doc = batch.text(batch.stored(f"{feed}#1"))
    assert doc["title"] == "Titre \ufffd" and "\ufffd" in doc["text"]


def test_3_a_file_name_that_is_not_utf8_is_shown_printable(batch):
    name = str(batch.root / "in" / "names" / "bad\\xffname.txt")
    doc_id = batch.stored(name)
    assert batch.text(doc_id)["source"] == name
    shown = batch.cli("show", "bad\\xffname.txt")  # and it can be named as it is shown
    assert shown.returncode == 0 and doc_id in shown.stdout


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1:abc/", "not a valid URL (Invalid port: 'abc')"),
    ("http://[::1", "not a valid URL (Invalid port: ':1')"),
    ("http://example.org/a\\r\\nX-Forged: 1", "not a valid URL (Invalid non-printable ASCII character in URL, "
                                             "'\\r' at position 20.)"),
])
def test_4_invalid_urls(batch, url, reason):
    assert error_lines(batch, url) == [f"veille: {url}: {reason}"]


def test_4_a_100_kb_url_is_named_in_short(batch):
    [line] = [l for l in batch.err.splitlines() if l.startswith("veille: http://example.org/aaa")]
    assert re.fullmatch(r"veille: http://example\.org/a+… \(100019 characters\): not a valid URL \(URL too long\)",
                        line), line[:500]
    assert len(line) < 400


def test_5_a_dripping_server_times_out_in_the_cli(batch, slow_server):
    url = f"{slow_server}/slow.html"
    assert error_lines(batch, url) == [f"veille: {url}: timed out after {URL_TIMEOUT:g} s"]


def test_5_the_deadline_holds_for_the_whole_download(tmp_path, db_url, slow_server):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    v = Veille(db=db_url(), progress=False, url_timeout=URL_TIMEOUT)
    assert v.store.count() == 0  # the store is opened before the clock starts
    start, took = time.monotonic(), {}
    report = v.ingest([f"{slow_server}/a.html", str(good)],
                      on_item=lambda o: took.setdefault(o.source, time.monotonic() - start))
    url = f"{slow_server}/a.html"
    assert [(o.source, o.reason) for o in report.failed] == [(url, f"timed out after {URL_TIMEOUT:g} s")]
    assert URL_TIMEOUT <= took[url] < URL_TIMEOUT + 2.5, took  # each read was quick: only a total deadline ends it
    assert len(report.stored) == 1


@pytest.mark.parametrize("command", [("events",), ("search", "Bilbao")])
def test_6_a_huge_limit_is_no_limit(batch, command):
    done = batch.cli(*command, "--limit", "99999999999999999999")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Bilbao" in done.stdout


@pytest.mark.parametrize("command", [("events",), ("search", "Bilbao")])
def test_6_a_limit_below_one_is_refused(batch, command):
    done = batch.cli(*command, "--limit", "0")
    assert done.returncode == 1 and done.stderr == "veille: 0: the limit must be at least 1\n"


def test_6_a_setting_that_is_not_a_number(batch, monkeypatch):
    monkeypatch.setenv("VEILLE_MAX_BYTES", "lots")
    done = batch.cli("events")
    assert done.returncode == 1 and done.stderr == "veille: VEILLE_MAX_BYTES='lots': not a number\n"


def test_6_an_impossible_date_is_refused(batch):
    done = batch.cli("events", "--since", "2024-13")
    assert done.stderr == "veille: 2024-13: since takes a date as YYYY, YYYY-MM or YYYY-MM-DD\n"


def test_7_a_folder_named_with_dot_dot_is_read_but_not_its_hidden_files(batch):
    batch.stored(str(batch.root / "work" / "folder" / "article.txt"))
    assert not [l for l in batch.lines if "secret.txt" in l or ".draft.txt" in l]


def test_7_an_empty_name_is_refused(batch):
    assert error_lines(batch, '""') == ['veille: "": empty name, not a file or folder']
    assert not [l for l in batch.lines if "/here" in l]  # the current folder was not read


def test_7_a_folder_with_nothing_to_read_says_so(batch):
    folder = str(batch.root / "nothing")
    assert error_lines(batch, folder) == [
        f"veille: {folder}: no .txt, .html, .htm or .jsonl file in this folder (names starting with '.' are skipped)"]


def test_8_fields_that_are_not_text_are_ignored_with_a_warning(batch):
    feed = str(batch.root / "in" / "list_title.jsonl")
    assert error_lines(batch, f"{feed}#1") == [f"veille: {feed}#1: warning: 'title' is a list, not text: ignored",
                                               f"veille: {feed}#1: warning: 'author' is a number, not text: ignored"]
    batch.stored(f"{feed}#1")
    assert not [l for l in batch.lines if re.match(r"veille: (.+): \1: ", l)]  # no input named twice


@pytest.mark.parametrize("name, n", [("utf16le.txt", 9), ("utf16be.txt", 10)])
def test_9_utf16_without_a_bom_is_read(batch, name, n):
    doc = batch.text(batch.stored(str(batch.root / "in" / name)))
    assert f"Les autorités ont annoncé jeudi l'évacuation de {n + 3} villages" in doc["text"]


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be"])
def test_9_utf32_with_a_bom_is_not_taken_for_utf16(encoding):
    text = "Le ministère a confirmé l'arrivée de l'aide à Kharkiv.\n"
    data = text.encode(encoding)
    if encoding == "utf-32-be":
        data = codecs.BOM_UTF32_BE + data
    assert decode(data, "x.txt") == text


def test_9_binary_with_nul_bytes_is_still_binary():
    with pytest.raises(InputError, match="binary"):
        decode(bytes(range(256)) * 8, "blob.txt")
    with pytest.raises(InputError, match="binary"):
        decode(b"\x05\x00\x07\x00" * 500, "pcm.txt")  # NULs in one half, but not text either


def test_10_one_invalid_byte_is_replaced_with_a_warning(batch):
    name = str(batch.root / "in" / "one_bad_byte.txt")
    assert error_lines(batch, name) == [f"veille: {name}: warning: 1 invalid UTF-8 byte replaced with U+FFFD"]
    text = batch.text(batch.stored(name))["text"]
    assert "\ufffd" in text and "ont annoncé jeudi l'évacuation" in text and "Ã" not in text


def test_10_a_legacy_encoding_is_still_detected():
    warnings = []
    text = decode("Le ministère a confirmé l'arrivée de l'aide à Kharkiv.\n".encode("cp1252"), "x.txt", warnings)
    assert "ministère a confirmé l'arrivée" in text and warnings == []


def test_11_a_nul_line_fails_alone(batch):
    feed = str(batch.root / "in" / "nul_line.jsonl")
    assert error_lines(batch, f"{feed}#2") == [
        f"veille: {feed}#2: binary data (NUL bytes or control characters), not a JSON line"]
    batch.stored(f"{feed}#1")
    batch.stored(f"{feed}#3")


def test_12_a_local_path_as_url_is_ignored(batch):
    feed, target = str(batch.root / "in" / "local_url.jsonl"), str(batch.root / "in" / "zz_target.txt")
    assert error_lines(batch, f"{feed}#1") == [
        f"veille: {feed}#1: warning: 'url' {target} ignored: not an http(s) URL"]
    batch.stored(f"{feed}#1")
    batch.stored(target)  # its own first revision, not the feed line's second


def test_13_names_with_a_newline_cannot_forge_lines(batch):
    names = batch.root / "in" / "names"
    batch.stored(f"{names}/evil\\nveille: forged.txt")
    assert error_lines(batch, f"{names}/empty\\nveille: forged too.txt") == [
        f"veille: {names}/empty\\nveille: forged too.txt: empty file"]
    feed = str(batch.root / "in" / "newline_url.jsonl")
    [warning] = error_lines(batch, f"{feed}#1")
    assert warning.startswith(f"veille: {feed}#1: warning: 'url' https://example.org/x\\nveille: forged url ignored: ")
    assert not [l for l in batch.lines if l.startswith("veille: forged")]


@pytest.mark.parametrize("command", [("show", "--all"), ("events",), ("search", "Bilbao"), ("links",),
                                     ("show", "--all", "--json"), ("events", "--format", "json")])
def test_14_page_text_cannot_drive_the_terminal(batch, command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # the table shows whole sentences
    done = batch.cli(*command)
    assert done.returncode == 0, done.stderr
    assert "Bilbao" in done.stdout
    assert not CONTROLS.search(done.stdout), CONTROLS.search(done.stdout)


def test_14_the_card_shows_control_characters_as_escapes(batch):
    feed = str(batch.root / "in" / "@feed.jsonl")
    card = batch.cli("show", batch.stored(f"{feed}#1")).stdout
    assert card.splitlines()[0] == '── =HYPERLINK("http://evil.example")\\x1b]0;owned\\x07'


@pytest.mark.parametrize("command", [("export", "--format", "acled"), ("events", "--format", "csv")])
def test_14_csv_cells_cannot_run_as_formulas(batch, command):
    import csv
    import io

    done = batch.cli(*command)
    rows = [r for r in csv.DictReader(io.StringIO(done.stdout)) if "Bilbao" in json.dumps(r)]
    assert rows, done.stdout
    for row in rows:
        assert not [v for v in row.values() if v and v[0] in "=+-@\t\r" and not re.fullmatch(r"-[\d.]+", v)], row
    lon = rows[0].get("longitude", rows[0].get("lon"))
    assert float(lon) == pytest.approx(-2.925, abs=0.01) and lon.startswith("-")  # still a number
    if command[0] == "export":
        assert {r["source"] for r in rows} == {"'@feed.jsonl"}
    else:
        assert any(r["title"].startswith("'=HYPERLINK(") for r in rows)
