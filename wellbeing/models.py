"""Models of the wellbeing app (filled in by its own issue)."""
