"""Admin of the wellbeing app, one module per area."""

from . import trip_nominations, trips  # noqa: F401
