"""Admin of the registry, a module per aggregate: registry (branches, members, honours,
officers), documents (certificates, cards, invitations) and io (imports, scans, transfers,
statistics)."""

from . import documents, io, registry  # noqa: F401  (each registers its admins)
