"""Keeping watch: the sources a user follows are polled (``poll``: feeds and sitemaps read by
``feeds``, URLs made comparable by ``urls``), what they list is ingested through the normal
pipeline, and saved watches (``alerts``) raise alerts that are delivered (``deliver``) to a
webhook, by email, to the terminal, and as an Atom feed per watch (``atom``)."""
