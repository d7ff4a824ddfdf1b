"""Errors a store raises; each message is one line a user can act on."""


class StoreError(Exception):
    """A store could not be opened, reached or used."""


class StoreUnavailable(StoreError):
    """The server behind a store cannot be started or reached."""


class QueryError(StoreError):
    """A Cypher statement was rejected (syntax, or a write in a read-only run)."""


class ReadOnlyRefusal(QueryError):
    """A statement that writes was run read-only, and changed nothing."""


class QueryTimeout(QueryError):
    """A statement ran past its time limit and was stopped; a write is undone."""
