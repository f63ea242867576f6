"""Fixtures of the members tests (certificates, cards, member pages: see documents_helpers)."""

from tests.members.documents_helpers import clear_cache, on_commit  # noqa: F401
