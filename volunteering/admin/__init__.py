"""Admin of the volunteering app, every branch-owned model on the scoped base classes."""

from . import classes, donations, events, requests, teams  # noqa: F401  (registers the admins)
