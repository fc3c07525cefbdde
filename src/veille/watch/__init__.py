"""Keeping watch: the sources a user follows are polled and saved watches raise alerts.

``urls``     makes article URLs comparable (normalised, tracking parameters removed) and reads
             polling intervals ("15m")
``feeds``    reads RSS, Atom, JSON Feed, sitemaps, news sitemaps and sitemap indexes into items
``fetcher``  polite HTTP for polling: one request at a time per host, a delay between two,
             robots.txt, conditional GET, bounded redirects, sizes and times
``probe``    what ``veille sources add`` learns from a URL: a feed, a sitemap, or a home page's feed
``poll``     rounds: due sources read, new URLs remembered, pages fetched and ingested through the
             normal pipeline, each source's health and back-off recorded; stop and resume
``alerts``   watches (the filters of ``veille events`` and a condition) checked on what was stored
             since, each match raising one alert with its evidence
``deliver``  alerts to webhooks (signed), email and the terminal, retried with back-off
``atom``     a watch's alerts as an Atom feed, which ``veille serve`` publishes

The tables live in ``veille.sourcestore`` and ``veille.alertstore``; ``veille.api.Veille`` offers
the methods the CLI and the desk call."""
