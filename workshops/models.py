"""Models of the workshops app (filled in by its own issue)."""
