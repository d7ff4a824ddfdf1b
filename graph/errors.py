"""Errors a store raises; each message is one line a user can act on."""


class StoreError(Exception):
    """A store could not be opened, reached or used."""


class StoreUnavailable(StoreError):
    """The server behind a store cannot be started or reached."""


class QueryError(StoreError):
    """A Cypher statement was rejected (syntax, or a write in a read-only run)."""


class BulkUnsuitable(Exception):
    """A load cannot be written in bulk (an episode loaded twice, a value the bulk format cannot
    carry); the loader writes it statement by statement instead."""
