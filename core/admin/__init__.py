"""The admin kernel: base classes every app's admin uses, input checks, and the access log's admin."""

from . import access_log  # noqa: F401  (registers the access log's admin)
