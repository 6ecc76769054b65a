"""Priority of a customer in the dunning work queue: who to chase first."""

from .errors import DunningConfigError

PRIORITY_METHODS = ("balance", "age", "weighted")
"""'balance': largest overdue amount first; 'age': oldest debt first;
'weighted': overdue amount weighted by its age."""


def priority_score(
    overdue_amount: float, max_days_overdue: int, method: str = "weighted"
) -> float:
    """How urgently a customer should be chased; higher first.

    'balance' is the overdue amount, 'age' the days of the oldest overdue item,
    'weighted' the amount times ``1 + days / 30`` (a euro 30 days late weighs twice a
    euro just due). A customer who owes nothing overdue scores 0.0 whatever the method.

    :raises DunningConfigError: for a method not in PRIORITY_METHODS
    """
    # Checked first so a misconfigured method fails even for customers owing nothing.
    if method not in PRIORITY_METHODS:
        raise DunningConfigError(
            f"Unknown dunning priority method {method!r}; expected one of "
            f"{', '.join(PRIORITY_METHODS)}."
        )
    if overdue_amount <= 0:
        return 0.0
    days = max(max_days_overdue, 0)
    if method == "balance":
        return float(overdue_amount)
    if method == "age":
        return float(days)
    return overdue_amount * (1 + days / 30)
