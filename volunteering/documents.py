"""What the member's printed 登记表 says about volunteering (registered in apps.py)."""

from django.template.defaultfilters import floatformat

from .models import Participation, TeamMembership


def member_volunteering_lines(member) -> list[str]:
    """The service teams the member is in and their counted service, in the caller's scope."""
    memberships = TeamMembership.objects.filter(member=member).select_related("team").order_by("team__name")
    lines = [f"{m.team.name}（{m.team.get_kind_display()}）" for m in memberships]
    # Hours as on /me/ (10, 6.5): PostgreSQL's sum keeps the column's scale (10.0).
    totals = Participation.objects.of_member(member).counted().totals()
    if totals["participations"]:
        lines.append(f"累计参加服务活动 {totals['participations']} 次，服务时长 {floatformat(totals['hours'], -1)} 小时")
    return lines
