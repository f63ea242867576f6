"""Sections of a member's own page (/me/) contributed by other apps.

``members`` stands below every other app and cannot import them; instead each app
registers, in its ``AppConfig.ready()``, a template and a function that builds its
context for one member::

    register_member_section(
        key="volunteering", title="志愿服务记录", order=30,
        template="volunteering/me/section.html",
        context=lambda member: {"participations": ...},
    )
"""

from collections.abc import Callable
from dataclasses import dataclass


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
    """The rendered-ready sections for one member, in order."""
    return [
        {"key": s.key, "title": s.title, "template": s.template, **s.context(member)}
        for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    ]
