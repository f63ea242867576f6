"""Member import: safe readers, the column template, and the two-phase bulk engine."""
