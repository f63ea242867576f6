"""One shape for every life cycle: a declarative map ``{from: {to, ...}}`` and one check.

A model declares ``TRANSITIONS`` over its ``status`` field: each status maps to the statuses
it may become next; a status that maps to nothing (or is missing) is final. When each step
carries data (the workshops' who-may and what-is-needed rules) the inner set is a dict
``{to: rule}``: the check only asks whether ``to`` is in it.

``check_transition(obj, to)`` refuses a step the map does not list, with one Chinese message
shape: 该<对象>当前为“<状态>”，不能改为“<状态>”。 A workflow that can say more (the workshops'
per-step reasons, 该证明已撤销) asks ``can_transition`` and words its own refusal.
"""

from collections.abc import Collection, Iterator, Mapping

from core.errors import ConflictError

Transitions = Mapping[str, Collection[str]]


def _map(obj, transitions: Transitions | None) -> Transitions:
    return type(obj).TRANSITIONS if transitions is None else transitions


def next_statuses(obj, *, transitions: Transitions | None = None, field: str = "status") -> Collection[str]:
    """What ``obj`` may become from its current status (empty when final)."""
    return _map(obj, transitions).get(getattr(obj, field), ())


def can_transition(obj, to: str, *, transitions: Transitions | None = None, field: str = "status") -> bool:
    return to in next_statuses(obj, transitions=transitions, field=field)


def check_transition(
    obj,
    to: str,
    *,
    transitions: Transitions | None = None,
    field: str = "status",
    code: str = "bad_transition",
) -> None:
    """Raise ``ConflictError`` (the object's state conflicts with the step) unless the map allows it."""
    if can_transition(obj, to, transitions=transitions, field=field):
        return
    labels = dict(obj._meta.get_field(field).flatchoices)
    current = getattr(obj, field)
    raise ConflictError(
        f"该{obj._meta.verbose_name}当前为“{labels.get(current, current)}”，不能改为“{labels.get(to, to)}”。",
        code=code,
    )


def transition_pairs(transitions: Transitions) -> Iterator[tuple[str, str]]:
    """Every allowed (from, to) step of a map."""
    for source, targets in transitions.items():
        for target in targets:
            yield source, target
