"""Sections of a member's own page (/me/), and of the member's printed 登记表, contributed by other apps.

``members`` stands below every other app and cannot import them; instead each app
registers, in its ``AppConfig.ready()``, a template and a function that builds its
context for one member::

    register_member_section(
        key="volunteering", title="志愿服务记录", order=30,
        template="volunteering/me/section.html",
        context=lambda member: {"participations": ...},
    )

Each section's template is rendered with its own context only (the names its function
returns, plus ``member``, ``section_title`` and the request's context processors), never with the
page's: a template reads top-level names (``{{ total_hours }}``), and a name its function
forgot is an empty value the page-walk test catches (``string_if_invalid``), not a value
borrowed from the page. The page prints the section's heading; a section template prints
none of its own (``<h3>`` for its sub-parts).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class MemberSection:
    key: str
    title: str
    template: str
    context: Callable  # (member) -> dict
    order: int = 100


_SECTIONS: dict[str, MemberSection] = {}


def register_member_section(
    *, key: str, title: str, template: str, context: Callable, order: int = 100
) -> None:
    """Add (or replace) a section of the member page."""
    _SECTIONS[key] = MemberSection(key=key, title=title, template=template, context=context, order=order)


def member_sections(member) -> list[dict]:
    """The sections for one member, in order: key, title, template and the section's own context."""
    return [
        {"key": s.key, "title": s.title, "template": s.template, "context": s.context(member)}
        for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    ]


def render_member_sections(member, request=None) -> list[dict]:
    """The sections rendered, each with its own context: key, title and ``html`` (safe)."""
    rendered = []
    for section in member_sections(member):
        context = {**section["context"], "member": member, "section_title": section["title"]}
        html = render_to_string(section["template"], context, request=request)
        rendered.append({"key": section["key"], "title": section["title"], "html": html})
    return rendered


# The printed 登记表 (members/services/registration_form.py) lists what other apps know of a
# member (houses, service teams) the same way: each app registers, in ``ready()``, a title
# and a function giving plain lines for one member. It runs in the caller's scope, so an
# officer's form shows only rows of their own branch.


@dataclass(frozen=True)
class RecordSection:
    key: str
    title: str
    lines: Callable  # (member) -> list[str]
    order: int = 100


_RECORD_SECTIONS: dict[str, RecordSection] = {}


def register_record_section(*, key: str, title: str, lines: Callable, order: int = 100) -> None:
    """Add (or replace) a section of the printed 登记表."""
    _RECORD_SECTIONS[key] = RecordSection(key=key, title=title, lines=lines, order=order)


def record_sections(member) -> list[dict]:
    """``[{"title": ..., "lines": [...]}, ...]`` for one member, in order."""
    return [
        {"key": s.key, "title": s.title, "lines": list(s.lines(member))}
        for s in sorted(_RECORD_SECTIONS.values(), key=lambda s: (s.order, s.key))
    ]
