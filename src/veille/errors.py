"""Typed exceptions. The library raises these; only the CLI turns them into messages."""


class VeilleError(Exception):
    """Base class for every error veille raises on purpose."""


class InputError(VeilleError):
    """One input (file, URL, JSONL line) cannot be read. Names the input and the reason."""

    def __init__(self, source: str, reason: str, hint: str | None = None):
        self.source = source
        self.reason = reason
        self.hint = hint
        super().__init__(f"{source}: {reason}")


class NoArticleError(InputError):
    """The input was read but holds no article text."""


class StoreError(VeilleError):
    """The database cannot be opened or written."""


class StoreUnavailableError(StoreError):
    """The database cannot be written at all (read-only, disk full, folder missing, driver
    missing): no later document could be stored either, so a batch stops cleanly here."""


class AlreadyStoredError(StoreError):
    """The document's id was stored meanwhile (by another process sharing the database):
    the document is unchanged, not failed."""

    def __init__(self, source: str, stored_as: str):
        self.source = source
        self.stored_as = stored_as  # the source it was stored from
        super().__init__(f"{source}: already stored (from {stored_as})")


class NotFoundError(VeilleError):
    """A document id or name that the store does not hold."""


class PipelineError(VeilleError):
    """The stages are declared in an order that cannot work."""


class QueryError(VeilleError):
    """A query filter that cannot be understood (bad date, unknown type, malformed --near)."""
