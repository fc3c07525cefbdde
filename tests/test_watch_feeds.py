"""Reading feeds and sitemaps, normalising URLs, reading intervals: the pure parts of veille.watch."""
import pytest
from feedserver import FeedServer

from veille.watch import feeds
from veille.watch.feeds import FeedError
from veille.watch.urls import EveryError, normalise, parse_every


@pytest.fixture(scope="module")
def served():
    """The feed server's documents, fetched once: path -> (url, body)."""
    import httpx

    with FeedServer(items=3) as fs:
        yield {p: (fs.url(p), httpx.get(fs.url(p)).content)
               for p in ("/rss.xml", "/atom.xml", "/feed.json", "/sitemap.xml", "/news-sitemap.xml",
                         "/sitemap-index.xml", "/home.html")}


@pytest.mark.parametrize("path,kind,count", [("/rss.xml", "feed", 4), ("/atom.xml", "feed", 3),
                                              ("/feed.json", "feed", 3), ("/sitemap.xml", "sitemap", 3),
                                              ("/news-sitemap.xml", "sitemap", 3)])
def test_each_kind_gives_its_items(served, path, kind, count):
    url, body = served[path]
    listing = feeds.parse(body, url)
    assert listing.kind == kind and len(listing.items) == count
    assert all(i["url"].startswith(url.rsplit("/", 1)[0] + "/") for i in listing.items)
    if path != "/sitemap.xml":  # a plain sitemap has no titles, and its lastmod is no publication date
        assert all(i["title"] and i["published"] for i in listing.items)
    else:
        assert not any(i["title"] or i["published"] for i in listing.items)


def test_titles_and_dates_come_from_the_feed(served):
    url, body = served["/news-sitemap.xml"]
    item = feeds.parse(body, url).items[0]
    assert item["title"].startswith(("Rebels attack", "Attaque près de"))
    assert item["published"][:4].isdigit()


def test_sitemap_index_names_its_children(served):
    url, body = served["/sitemap-index.xml"]
    listing = feeds.parse(body, url)
    assert listing.items == [] and [u.rsplit("/", 1)[1] for u in listing.sitemaps] == ["sitemap.xml",
                                                                                        "news-sitemap.xml"]


def test_the_kind_comes_from_the_content_not_the_name():
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><link>/a</link></item></channel></rss>'
    listing = feeds.parse(rss, "https://example.org/sitemap.xml")
    assert listing.kind == "feed" and listing.items[0]["url"] == "https://example.org/a"
    assert feeds.sniff(b"\xef\xbb\xbf  <urlset><url><loc>https://e.org/a</loc></url></urlset>") == "sitemap"


@pytest.mark.parametrize("body,reason", [
    (b"", "empty answer"),
    (b"<html><body>hello</body></html>", "not a feed or sitemap"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "broken JSON Feed (no list of items)"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "broken JSON Feed"),
    (b"<urlset><url><loc>https://e.org/a</loc></url>", "broken sitemap"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><urlset><url><loc>&a;</loc>', "broken sitemap"),
])
def test_bad_documents_give_a_typed_error_with_the_reason(body, reason):
    with pytest.raises(FeedError) as e:
        feeds.parse(body, "https://example.org/x")
    assert e.value.source == "https://example.org/x" and reason in e.value.reason
    assert "\n" not in str(e.value)


def test_a_feed_without_links_lists_nothing():
    listing = feeds.parse(b'<rss version="2.0"><channel><item><title>no link</title></item></channel></rss>', "u")
    assert listing.items == []


def test_normalise_makes_one_article_one_url():
    same = ["https://www.Example.org/news/a?id=3&utm_source=rss&utm_medium=feed",
            "https://www.example.org/news/a?fbclid=x&id=3#comments",
            "HTTPS://WWW.EXAMPLE.ORG:443/news/a?id=3&gclid=z",
            "https://www.example.org/news/a?mc_cid=1&id=3"]
    assert {normalise(u) for u in same} == {"https://www.example.org/news/a?id=3"}
    assert normalise("http://e.org/a?b=2&a=1") == "http://e.org/a?a=1&b=2"
    assert normalise("http://e.org/a?id=1") != normalise("http://e.org/a?id=2")
    assert normalise("http://127.0.0.2:8123/x") == "http://127.0.0.2:8123/x"


@pytest.mark.parametrize("text,seconds", [("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), ("15", 900),
                                          (" 1H ", 3600)])
def test_parse_every(text, seconds):
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "-5m", "1s", "30d", "1w"])
def test_parse_every_refuses_what_it_cannot_read(text):
    with pytest.raises(EveryError) as e:
        parse_every(text)
    assert repr(text) in str(e.value)
