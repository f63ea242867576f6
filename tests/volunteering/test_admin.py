"""The volunteering admin: pages open for each role, inline hours are validated, history is kept."""

import datetime

import pytest
from django.urls import reverse

from tests import factories as f
from volunteering.models import Participation, ServiceEvent

pytestmark = pytest.mark.django_db

PAGES = [
    "serviceteam",
    "beneficiary",
    "serviceevent",
    "participation",
    "servicerequest",
    "donation",
    "course",
]


@pytest.fixture
def some_data(xihu_team, xihu_member, xihu_org):
    event = f.ServiceEventFactory(team=xihu_team)
    f.ParticipationFactory(event=event, member=xihu_member)
    f.ServiceRequestFactory(branch=xihu_team.branch, requester=xihu_org)
    f.DonationFactory(member=xihu_member)
    f.CourseFactory(teacher=xihu_member)


@pytest.mark.parametrize("model", PAGES)
@pytest.mark.parametrize("role", ["staff_user", "xihu_officer"])
def test_changelist_and_add_pages_open(client, request, some_data, role, model):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(f"admin:volunteering_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:volunteering_{model}_add")).status_code == 200


def event_post(team, **extra):
    data = {
        "title": "焊接工艺帮扶",
        "category": "cooperation",
        "team": team.pk,
        "date": "2025-05-10",
        "duration_hours": "4",
        "place": "精工配件厂",
        "audience_count": "12",
        "eventbeneficiary_set-TOTAL_FORMS": 0,
        "eventbeneficiary_set-INITIAL_FORMS": 0,
        "participations-TOTAL_FORMS": 1,
        "participations-INITIAL_FORMS": 0,
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
    }
    data.update(extra)
    return data


def test_inline_hours_longer_than_the_event_are_refused(client, xihu_officer, xihu_team, xihu_member):
    client.force_login(xihu_officer)
    data = event_post(xihu_team, **{"participations-0-member": xihu_member.pk, "participations-0-role": "volunteer",
                                    "participations-0-hours": "5"})  # fmt: skip
    response = client.post(reverse("admin:volunteering_serviceevent_add"), data)
    assert response.status_code == 200
    assert "服务时长不能超过活动时长" in response.content.decode()
    assert not ServiceEvent.objects.exists()


def test_event_with_hours_is_saved_with_history(client, xihu_officer, xihu_team, xihu_member):
    client.force_login(xihu_officer)
    data = event_post(xihu_team, **{"participations-0-member": xihu_member.pk, "participations-0-role": "volunteer",
                                    "participations-0-hours": "3.5"})  # fmt: skip
    response = client.post(reverse("admin:volunteering_serviceevent_add"), data)
    assert response.status_code == 302
    event = ServiceEvent.objects.get()
    assert event.status == "planned"
    participation = Participation.objects.get()
    assert participation.history.get().history_user == xihu_officer
    assert event.history.get().history_user == xihu_officer


def test_linking_an_event_to_an_assigned_request_starts_service(
    client, staff_user, xihu, xihu_team, xihu_org, xihu_member
):
    from volunteering import services

    request = f.ServiceRequestFactory(branch=xihu, requester=xihu_org)
    services.service_request_assign(request=request, team=xihu_team, actor=staff_user)
    client.force_login(staff_user)
    data = event_post(xihu_team, request=request.pk, **{"participations-TOTAL_FORMS": 0})
    assert client.post(reverse("admin:volunteering_serviceevent_add"), data).status_code == 302
    request.refresh_from_db()
    assert request.status == "in_service"
    assert list(ServiceEvent.objects.get().beneficiaries.all()) == [xihu_org]


def test_event_cannot_name_a_request_not_yet_assigned(client, staff_user, xihu, xihu_team, xihu_org):
    request = f.ServiceRequestFactory(branch=xihu, requester=xihu_org)
    client.force_login(staff_user)
    data = event_post(xihu_team, request=request.pk, **{"participations-TOTAL_FORMS": 0})
    response = client.post(reverse("admin:volunteering_serviceevent_add"), data)
    assert response.status_code == 200 and "不能安排服务活动" in response.content.decode()
    assert not ServiceEvent.objects.exists()


def test_team_changelist_counts_members(client, staff_user, xihu_team, xihu):
    from volunteering.models import TeamMembership

    for member in f.MemberFactory.create_batch(3, branch=xihu):
        TeamMembership.objects.create(team=xihu_team, member=member, joined_on=datetime.date(2024, 1, 1))
    client.force_login(staff_user)
    result = client.get(reverse("admin:volunteering_serviceteam_changelist")).context["cl"].result_list
    assert [t.n_members for t in result] == [3]


def test_every_volunteering_model_keeps_history():
    from django.apps import apps

    for model in apps.get_app_config("volunteering").get_models():
        if model.__name__.startswith("Historical"):
            continue
        assert hasattr(model, "history"), model.__name__
