"""Admin of the publications app: newsletter issues and articles, books, exhibitions.

Issues, articles, photos, exhibitions and works are branch-owned and go through the scoped
base classes. Officers edit their branch's drafts and submit them for review; once an
issue is under review or published its content is read-only for them. Books and their
distribution records are the association's own (no branch_path: association-only).
"""

from . import books, exhibitions, newsletter  # noqa: F401
