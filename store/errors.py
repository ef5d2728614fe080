"""Errors a user can act on: each carries a one-line message, printed without a traceback."""


class PolicyReviewError(Exception):
    """Base class: the message is shown to the user as is."""


class InputError(PolicyReviewError):
    """A file that cannot be imported (not text, empty, undecodable, too large, missing)."""


class QueryError(PolicyReviewError):
    """A search query that cannot be parsed (unbalanced quote, lone '-')."""


class NotFoundError(PolicyReviewError):
    """An unknown clause id, document, tag or status."""
