"""Unresolved template variables, recorded with the template they came from.

Django renders a variable it cannot resolve as ``TEMPLATES[...]["OPTIONS"]["string_if_invalid"]``,
and when that string contains ``%s`` it renders ``string_if_invalid % variable`` instead. The
``Recorder`` below is such a string: its ``%`` records the variable name and the template (and
line) of the node being rendered, found by walking up the Python stack to the nearest template
``Node`` (each node knows the ``Origin`` it was parsed from, so an included or inherited
template is named, not the page's top template).

Only the project's own templates count: a variable missing in Django's admin templates, in
import-export's, simple_history's or any other library's (by design they lean on silent
failure) is neither recorded nor marked. A project template's unresolved variable renders as
``MARKER`` so a browser test can also see it on the page.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.base import Node

MARKER = "⟦未解析变量:{}⟧"
MARKER_PREFIX = "⟦未解析变量:"


@dataclass(frozen=True)
class Unresolved:
    variable: str
    template: str  # path relative to the project, e.g. templates/members/me/page.html
    line: int | None

    def __str__(self):
        where = f"{self.template}:{self.line}" if self.line else self.template
        return f"{{{{ {self.variable} }}}} in {where}"


def project_template(path: str | None) -> str | None:
    """The template's path relative to the project when it is one of the project's own, else None."""
    if not path:
        return None
    base = Path(settings.BASE_DIR).resolve()
    try:
        resolved = Path(path).resolve()
        relative = resolved.relative_to(base)
    except (ValueError, OSError):
        return None  # outside the project: a library's template
    if {".venv", "venv", "site-packages", "node_modules"} & set(relative.parts):
        return None
    return relative.as_posix()


def _rendering_node():
    """The innermost template node being rendered when a variable failed to resolve."""
    frame = sys._getframe(2)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Node) and getattr(candidate, "origin", None) is not None:
            return candidate
        frame = frame.f_back
    return None


class Recorder(str):
    """``string_if_invalid`` that records what it replaces (see the module docstring)."""

    found: list[Unresolved]

    def __new__(cls):
        recorder = super().__new__(cls, "%s")
        recorder.found = []
        return recorder

    def __mod__(self, variable):
        node = _rendering_node()
        origin = getattr(node, "origin", None)
        template = project_template(getattr(origin, "name", None))
        if template is None:
            return ""  # a library's template: its silent failure is by design
        token = getattr(node, "token", None)
        line = getattr(token, "lineno", None)
        self.found.append(Unresolved(str(variable), template, line))
        return MARKER.format(variable)

    def __deepcopy__(self, memo):
        return self  # override_settings deep-copies settings: keep one recorder

    def __copy__(self):
        return self

    def take(self) -> list[Unresolved]:
        found, self.found = self.found, []
        return found


def templates_with(recorder: Recorder) -> list[dict]:
    """settings.TEMPLATES with the recorder as every Django engine's ``string_if_invalid``."""
    templates = copy.deepcopy(settings.TEMPLATES)
    for engine in templates:
        if engine["BACKEND"] == "django.template.backends.django.DjangoTemplates":
            engine.setdefault("OPTIONS", {})["string_if_invalid"] = recorder
    return templates
