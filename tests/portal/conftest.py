"""Fixtures of the portal-wide tests."""

from tests.members.documents_helpers import on_commit  # noqa: F401
