"""Errors raised by the dunning engine."""


class DunningConfigError(ValueError):
    """The dunning configuration (levels, aging edges, priority method) is invalid.

    A subclass of ValueError so callers that do not know the engine still catch it;
    the Odoo models turn it into a ValidationError shown to the user.
    """
