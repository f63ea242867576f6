"""The kernel every app stands on: roles and scoping, admin and API bases, errors, documents,
files, spreadsheets, notifications, throttles, cache, audit and backups. It has no domain
models and imports no domain app (tests/core/test_import_graph.py holds it to that)."""
