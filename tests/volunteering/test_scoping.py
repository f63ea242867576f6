"""Branch scoping of every volunteering model: a 西湖区 officer never reaches 滨江区 rows."""

import pytest
from django.urls import reverse

from tests import factories as f
from volunteering.models import (
    Beneficiary,
    Course,
    Donation,
    EventBeneficiary,
    Participation,
    ServiceEvent,
    ServiceRequest,
    ServiceTeam,
    TeamMembership,
)

pytestmark = pytest.mark.django_db


def rows_for(model, team, member, org):
    """One row of ``model`` owned by the branch of ``team`` (member and org of that branch)."""
    event = f.ServiceEventFactory(team=team)
    return {
        ServiceTeam: lambda: team,
        TeamMembership: lambda: TeamMembership.objects.create(team=team, member=member),
        Beneficiary: lambda: org,
        ServiceEvent: lambda: event,
        EventBeneficiary: lambda: EventBeneficiary.objects.create(event=event, beneficiary=org),
        Participation: lambda: f.ParticipationFactory(event=event, member=member),
        ServiceRequest: lambda: f.ServiceRequestFactory(branch=team.branch, requester=org),
        Donation: lambda: f.DonationFactory(member=member),
        Course: lambda: f.CourseFactory(teacher=member),
    }[model]()


MODELS = [
    ServiceTeam,
    TeamMembership,
    Beneficiary,
    ServiceEvent,
    EventBeneficiary,
    Participation,
    ServiceRequest,
    Donation,
    Course,
]


@pytest.fixture
def pair(request, xihu_team, binjiang_team, xihu_member, binjiang_member, xihu_org, binjiang_org):
    model = request.param
    return (
        model,
        rows_for(model, xihu_team, xihu_member, xihu_org),
        rows_for(model, binjiang_team, binjiang_member, binjiang_org),
    )


@pytest.mark.parametrize("pair", MODELS, indirect=True, ids=lambda m: m.__name__)
def test_visible_to_per_role(pair, staff_user, xihu_officer):
    model, mine, theirs = pair
    assert set(model.objects.visible_to(staff_user)) >= {mine, theirs}
    assert list(model.objects.visible_to(xihu_officer).filter(pk__in=[mine.pk, theirs.pk])) == [mine]
    assert not model.objects.visible_to(f.officer(None)).exists()


@pytest.mark.parametrize(
    "pair",
    [m for m in MODELS if m not in (EventBeneficiary, TeamMembership)],
    indirect=True,
    ids=lambda m: m.__name__,
)
def test_admin_doors_are_closed_to_other_branch(client, pair, xihu_officer):
    model, mine, theirs = pair
    client.force_login(xihu_officer)
    name = f"admin:volunteering_{model._meta.model_name}"
    result = client.get(reverse(f"{name}_changelist")).context["cl"].result_list
    assert mine in result and theirs not in result
    other = client.get(reverse(f"{name}_change", args=[theirs.pk]))
    missing = client.get(reverse(f"{name}_change", args=[theirs.pk + 10_000]))
    assert other.status_code == missing.status_code == 404
    assert client.get(reverse(f"{name}_history", args=[theirs.pk])).status_code == 404
    assert client.get(reverse(f"{name}_change", args=[mine.pk])).status_code == 200


def test_officer_without_branch_sees_empty_changelists(client, xihu_team, binjiang_team):
    f.ServiceEventFactory(team=xihu_team)
    client.force_login(f.officer(None))
    for model in ("serviceevent", "serviceteam", "participation", "servicerequest", "donation", "course"):
        response = client.get(reverse(f"admin:volunteering_{model}_changelist"))
        assert list(response.context["cl"].result_list) == [], model


def test_participation_choices_are_scoped(
    client, xihu_officer, xihu_team, binjiang_team, xihu_member, binjiang_member
):
    mine, theirs = f.ServiceEventFactory(team=xihu_team), f.ServiceEventFactory(team=binjiang_team)
    client.force_login(xihu_officer)
    form = client.get(reverse("admin:volunteering_participation_add")).context["adminform"].form
    assert list(form.fields["member"].queryset) == [xihu_member]
    assert list(form.fields["event"].queryset) == [mine]
    response = client.post(
        reverse("admin:volunteering_participation_add"),
        {"member": binjiang_member.pk, "event": theirs.pk, "role": "volunteer", "hours": "2"},
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not Participation.objects.exists()


def test_member_autocomplete_offers_no_other_branch(client, xihu_officer, xihu_member, binjiang_member):
    client.force_login(xihu_officer)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "volunteering", "model_name": "participation", "field_name": "member", "term": "滨江"},
    )
    assert response.status_code == 200 and response.json()["results"] == []


def test_officer_new_team_is_forced_into_own_branch(client, xihu_officer, xihu, binjiang):
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:volunteering_serviceteam_add"),
        {
            "name": "新建服务队",
            "kind": "volunteer",
            "branch": binjiang.pk,
            "active": "on",
            "teammembership_set-TOTAL_FORMS": 0,
            "teammembership_set-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ServiceTeam.objects.get(name="新建服务队").branch == xihu


def test_request_steps_of_other_branch_are_404(client, xihu_officer, binjiang, binjiang_org):
    theirs = f.ServiceRequestFactory(branch=binjiang, requester=binjiang_org)
    client.force_login(xihu_officer)
    url = reverse("admin:volunteering_servicerequest_step", args=[theirs.pk, "reject"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "篡改"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "submitted"


def test_assign_form_offers_own_branch_teams_and_moves_the_request(
    client, xihu_officer, xihu, xihu_org, xihu_team, binjiang_team
):
    mine = f.ServiceRequestFactory(branch=xihu, requester=xihu_org)
    client.force_login(xihu_officer)
    url = reverse("admin:volunteering_servicerequest_step", args=[mine.pk, "assign"])
    form = client.get(url).context["form"]
    assert list(form.fields["team"].queryset) == [xihu_team]
    client.post(url, {"team": binjiang_team.pk})
    mine.refresh_from_db()
    assert mine.status == "submitted"
    response = client.post(url, {"team": xihu_team.pk})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.assigned_team) == ("assigned", xihu_team)


def test_change_page_offers_only_allowed_steps(client, staff_user, xihu, xihu_org):
    request = f.ServiceRequestFactory(branch=xihu, requester=xihu_org)
    client.force_login(staff_user)
    response = client.get(reverse("admin:volunteering_servicerequest_change", args=[request.pk]))
    assert [name for name, _label, _url in response.context["request_steps"]] == [
        "assign",
        "reject",
        "withdraw",
    ]


def test_event_action_mark_done_skips_other_branch_ids(client, xihu_officer, xihu_team, binjiang_team):
    mine = f.ServiceEventFactory(team=xihu_team, status="planned")
    theirs = f.ServiceEventFactory(team=binjiang_team, status="planned")
    f.ParticipationFactory(event=mine)
    f.ParticipationFactory(event=theirs)
    client.force_login(xihu_officer)
    client.post(
        reverse("admin:volunteering_serviceevent_changelist"),
        {"action": "mark_done", "_selected_action": [mine.pk, theirs.pk]},
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("done", "planned")


def test_donation_by_officer_lands_in_own_branch(client, xihu_officer, xihu, xihu_member):
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:volunteering_donation_add"),
        {"kind": "money", "member": xihu_member.pk, "date": "2025-03-01", "value": "800", "cause": "助学"},
    )
    assert response.status_code == 302
    assert Donation.objects.get().branch == xihu
