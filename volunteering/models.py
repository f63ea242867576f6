"""Models of the volunteering app (filled in by its own issue)."""
