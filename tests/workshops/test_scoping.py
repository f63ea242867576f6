"""Branch scoping of every workshops model: an officer of 西湖区 never reaches 滨江区 data."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests import factories as f
from workshops.models import (
    Assessment,
    CoverageTarget,
    Subsidy,
    Workshop,
    WorkshopActivity,
    WorkshopTransition,
)
from workshops.services import workshop_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(xihu, binjiang, staff_user, assess):
    """One of everything in each branch."""
    made = {}
    for branch in (xihu, binjiang):
        house = f.WorkshopFactory(branch=branch, status="reviewed", name=f"{branch.name}之家")
        assessment = assess(house)
        workshop_transition(workshop=house, to_status="accepted", actor=staff_user)
        made[branch.code] = {
            "workshop": house,
            "assessment": assessment,
            "subsidy": f.SubsidyFactory(workshop=house),
            "workshopactivity": f.WorkshopActivityFactory(workshop=house, title=f"{branch.name}活动"),
            "coveragetarget": CoverageTarget.objects.create(year=2022, branch=branch, target_count=2),
        }
    return made


MODELS = ["workshop", "assessment", "subsidy", "workshopactivity", "coveragetarget"]


def url(model, view, *args):
    return reverse(f"admin:workshops_{model}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_shows_only_own_branch(client, xihu_officer, rows, model):
    client.force_login(xihu_officer)
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert {o.pk for o in response.context["cl"].result_list} == {rows["xihu"][model].pk}


@pytest.mark.parametrize("model", MODELS)
def test_other_branch_change_page_answers_like_a_missing_one(client, xihu_officer, rows, model):
    client.force_login(xihu_officer)
    other = client.get(url(model, "change", rows["binjiang"][model].pk))
    missing = client.get(url(model, "change", 999999))
    # The same answer as for an id that does not exist (a redirect or a 404, whichever the base gives).
    assert other.status_code == missing.status_code
    assert other.status_code in (302, 404)
    assert other.get("Location") == missing.get("Location")


@pytest.mark.parametrize("model", MODELS)
def test_other_branch_history_is_404(client, xihu_officer, rows, model):
    client.force_login(xihu_officer)
    assert client.get(url(model, "history", rows["binjiang"][model].pk)).status_code == 404
    assert client.get(url(model, "history", rows["xihu"][model].pk)).status_code == 200


def test_other_branch_historical_record_is_404(client, xihu_officer, rows):
    client.force_login(xihu_officer)
    house = rows["binjiang"]["workshop"]
    record = house.history.first()
    assert client.get(url("workshop", "simple_history", house.pk, record.history_id)).status_code == 404


@pytest.mark.parametrize("model", MODELS)
def test_officer_without_branch_sees_nothing(client, rows, model):
    client.force_login(f.officer(None, username="nobranch"))
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(
    "model",
    [Workshop, WorkshopTransition, Assessment, Subsidy, WorkshopActivity, CoverageTarget],
    ids=lambda m: m.__name__,
)
def test_visible_to_is_one_branch_for_an_officer(rows, xihu_officer, xihu, model):
    assert model.objects.count() >= 2
    branch_ids = {
        model.objects.filter(pk=o.pk).values_list(model.branch_path, flat=True).get()
        for o in model.objects.visible_to(xihu_officer)
    }
    assert branch_ids == {xihu.pk}


def test_transition_url_of_other_branch_is_404(client, xihu_officer, rows):
    client.force_login(xihu_officer)
    house = rows["binjiang"]["workshop"]
    response = client.post(url("workshop", "transition", house.pk, "rejected"), {"comment": "x"})
    assert response.status_code == 404
    house.refresh_from_db()
    assert house.status == "accepted"


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_leader_and_member_choices_are_own_branch(xihu_officer, xihu_member, binjiang_member):
    form = admin.site._registry[Workshop].get_form(_request(xihu_officer))
    assert list(form.base_fields["leader"].queryset) == [xihu_member]
    assert list(form.base_fields["members"].queryset) == [xihu_member]


def test_activity_workshop_and_presenter_choices_are_own_branch(
    xihu_officer, rows, xihu_member, binjiang_member
):
    form = admin.site._registry[WorkshopActivity].get_form(_request(xihu_officer))
    assert list(form.base_fields["workshop"].queryset) == [rows["xihu"]["workshop"]]
    assert xihu_member in form.base_fields["presenters"].queryset
    assert binjiang_member not in form.base_fields["presenters"].queryset


def test_autocomplete_of_houses_offers_nothing_of_other_branch(client, xihu_officer, rows):
    client.force_login(xihu_officer)
    params = {
        "app_label": "workshops",
        "model_name": "workshopactivity",
        "field_name": "workshop",
        "term": "之家",
    }
    names = [r["text"] for r in client.get("/admin/autocomplete/", params).json()["results"]]
    assert names == ["西湖区之家"]


def test_officer_cannot_add_an_activity_to_another_branch_house(client, xihu_officer, rows):
    client.force_login(xihu_officer)
    before = WorkshopActivity.objects.count()
    response = client.post(
        url("workshopactivity", "add"),
        {
            "workshop": rows["binjiang"]["workshop"].pk, "kind": "training", "title": "越权", "held_on": "2022-01-01",
            "participants": 5, "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert WorkshopActivity.objects.count() == before


def test_officer_adds_an_activity_to_own_house(client, xihu_officer, rows, xihu_member):
    client.force_login(xihu_officer)
    response = client.post(
        url("workshopactivity", "add"),
        {
            "workshop": rows["xihu"]["workshop"].pk, "kind": "demonstration", "title": "绝技展示",
            "held_on": "2022-01-01", "participants": 40, "presenters": [xihu_member.pk],
            "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302
    activity = WorkshopActivity.objects.get(title="绝技展示")
    assert list(activity.presenters.all()) == [xihu_member]


def test_officer_cannot_name_another_branch_member_as_presenter(client, xihu_officer, rows, binjiang_member):
    client.force_login(xihu_officer)
    client.post(
        url("workshopactivity", "add"),
        {
            "workshop": rows["xihu"]["workshop"].pk, "kind": "training", "title": "越权主讲", "held_on": "2022-01-01",
            "participants": 5, "presenters": [binjiang_member.pk], "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert not WorkshopActivity.objects.filter(title="越权主讲").exists()


def test_officer_cannot_add_assessment_or_subsidy(client, xihu_officer, rows):
    client.force_login(xihu_officer)
    assert client.get(url("assessment", "add")).status_code == 403
    assert client.get(url("subsidy", "add")).status_code == 403


def test_officer_cannot_see_the_standard(client, xihu_officer, standard):
    client.force_login(xihu_officer)
    assert client.get(url("standard", "changelist")).status_code == 403


def test_activity_dated_in_the_future_is_refused(client, staff_user, rows):
    client.force_login(staff_user)
    response = client.post(
        url("workshopactivity", "add"),
        {
            "workshop": rows["xihu"]["workshop"].pk, "kind": "training", "title": "未来", "participants": 5,
            "held_on": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
            "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert "活动日期不能晚于今天" in response.content.decode()
