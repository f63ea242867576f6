"""Models of the publications app (filled in by its own issue)."""
