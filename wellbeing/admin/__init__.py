"""Admin of the wellbeing app, one module per area."""

from . import trips  # noqa: F401
