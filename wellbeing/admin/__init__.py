"""Admin of the wellbeing app, one module per area."""

from . import care, greetings, inquiries  # noqa: F401  (registers the ModelAdmins)
