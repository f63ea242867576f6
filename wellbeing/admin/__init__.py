"""Admin of the wellbeing app, one module per area."""

from . import care, greetings, inquiries, trip_nominations, trips  # noqa: F401  # noqa: F401  (registers the ModelAdmins)
