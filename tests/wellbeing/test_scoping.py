"""Every wellbeing model through the admin: a 西湖区 officer never reaches 滨江区 rows."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests import factories as f
from wellbeing.models import (
    BirthdayPreference,
    CampaignEntry,
    CareBudget,
    CondolenceVisit,
    CondolenceVisitPhoto,
    Greeting,
    HardshipCase,
    HardshipFollowUp,
    Inquiry,
    InquiryLog,
)

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    "birthdaypreference",
    "greeting",
    "carebudget",
    "campaignentry",
    "condolencevisit",
    "hardshipcase",
    "inquiry",
]


def rows_for(branch, member):
    """One row of every branch-owned wellbeing model belonging to ``branch``."""
    campaign = f.VisitCampaignFactory()
    visit = f.CondolenceVisitFactory(member=member)
    case = f.HardshipCaseFactory(member=member)
    inquiry = f.InquiryFactory(branch=branch)
    return {
        "birthdaypreference": BirthdayPreference.objects.create(member=member),
        "greeting": Greeting.objects.create(
            member=member, year=2026, channel="cake", calendar="solar", birthday=datetime.date(2026, 6, 1)
        ),
        "carebudget": f.CareBudgetFactory(branch=branch),
        "campaignentry": CampaignEntry.objects.create(campaign=campaign, member=member, reasons="70周岁以上"),
        "condolencevisit": visit,
        "condolencevisitphoto": CondolenceVisitPhoto.objects.create(visit=visit, image="wellbeing/x.png"),
        "hardshipcase": case,
        "hardshipfollowup": HardshipFollowUp.objects.create(
            case=case, date=datetime.date(2026, 3, 2), by="李", note="跟进"
        ),
        "inquiry": inquiry,
        "inquirylog": InquiryLog.objects.create(inquiry=inquiry, kind="note", text="办理"),
    }


@pytest.fixture
def both(xihu, binjiang, xihu_member, binjiang_member):
    return rows_for(xihu, xihu_member), rows_for(binjiang, binjiang_member)


@pytest.fixture
def officer_client(client, xihu_officer):
    client.force_login(xihu_officer)
    return client


def url(model, view, *args):
    return reverse(f"admin:wellbeing_{model}_{view}", args=args)


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_shows_only_own_branch(officer_client, both, model):
    own, other = both
    listed = {obj.pk for obj in officer_client.get(url(model, "changelist")).context["cl"].result_list}
    assert own[model].pk in listed and other[model].pk not in listed


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_other_branch_change_page_answers_like_a_missing_one(officer_client, both, model):
    other = both[1][model]
    response = officer_client.get(url(model, "change", other.pk))
    missing = officer_client.get(url(model, "change", 10**9))
    assert response.status_code == missing.status_code == 404


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_other_branch_history_is_404(officer_client, both, model):
    other = both[1][model]
    assert officer_client.get(url(model, "history", other.pk)).status_code == 404
    record = other.history.latest()
    assert officer_client.get(url(model, "simple_history", other.pk, record.history_id)).status_code == 404


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_officer_without_branch_sees_nothing(client, both, model):
    client.force_login(f.officer(None, username="nobranch"))
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(
    "model", [BirthdayPreference, Greeting, CareBudget, CampaignEntry, CondolenceVisit, CondolenceVisitPhoto,
              HardshipCase, HardshipFollowUp, Inquiry, InquiryLog],
    ids=lambda m: m.__name__,
)  # fmt: skip
def test_visible_to_scopes_every_model(both, xihu_officer, staff_user, model):
    own, other = both
    key = model._meta.model_name
    assert set(model.objects.visible_to(xihu_officer)) == {own[key]}
    assert {own[key], other[key]} <= set(model.objects.visible_to(staff_user))
    assert not model.objects.visible_to(f.officer(None, username="nobranch2")).exists()


def test_association_budget_is_hidden_from_officers(officer_client, xihu_officer, staff_user):
    association = f.CareBudgetFactory(branch=None, year=2026)
    assert association not in CareBudget.objects.visible_to(xihu_officer)
    assert association in CareBudget.objects.visible_to(staff_user)
    listed = officer_client.get(url("carebudget", "changelist")).context["cl"].result_list
    assert association not in listed


def test_member_choices_in_visit_form_are_own_branch_only(xihu_officer, xihu_member, binjiang_member):
    request = RequestFactory().get("/")
    request.user = xihu_officer
    form = admin.site._registry[CondolenceVisit].get_form(request)
    assert set(form.base_fields["member"].queryset) == {xihu_member}


def test_visit_for_other_branch_member_is_refused(officer_client, xihu, binjiang_member):
    f.CareBudgetFactory(branch=xihu)
    response = officer_client.post(
        url("condolencevisit", "add"),
        {
            "member": binjiang_member.pk, "visit_date": "2026-05-01", "occasion": "illness", "visitors": "王",
            "cash_amount": "1", "goods_value": "0", "confirm_overspend": "on",
            "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 200 and not CondolenceVisit.objects.exists()


def test_assignee_choices_are_the_officers_own_branch(xihu_officer, binjiang_officer, staff_user):
    request = RequestFactory().get("/")
    request.user = xihu_officer
    form = admin.site._registry[Inquiry].get_form(request)
    assert set(form.base_fields["assigned_to"].queryset) == {xihu_officer}


def test_officer_inquiry_is_forced_into_own_branch(officer_client, xihu, binjiang):
    officer_client.post(
        url("inquiry", "add"),
        {
            "channel": "visit", "received_at_0": "2026-09-28", "received_at_1": "09:00:00", "person_name": "访客",
            "subject": "来访", "category": "other", "content": "内容", "branch": binjiang.pk,
            "logs-TOTAL_FORMS": 0, "logs-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert Inquiry.objects.get().branch == xihu


def test_bulk_action_with_other_branch_ids_touches_none(officer_client, both):
    other = both[1]["greeting"]
    Greeting.objects.filter(pk=other.pk).update(status="listed")
    officer_client.post(
        url("greeting", "changelist"), {"action": "mark_cake_delivered", "_selected_action": [other.pk]}
    )
    other.refresh_from_db()
    assert other.status == "listed"


@pytest.mark.parametrize("model", ["greetingsettings", "greetingtemplate", "visitcampaign"])
def test_association_only_models_are_closed_to_officers(officer_client, model):
    assert officer_client.get(url(model, "changelist")).status_code == 403


def test_hardship_case_for_other_branch_cannot_be_changed(officer_client, both):
    other = both[1]["hardshipcase"]
    officer_client.post(
        url("hardshipcase", "change", other.pk), {"description": "篡改", "next_status": "closed"}
    )
    other.refresh_from_db()
    assert other.description != "篡改" and other.status == HardshipCase.Status.OPEN


@pytest.mark.parametrize(
    "model",
    [*ADMIN_MODELS, "greetingsettings", "greetingtemplate", "visitcampaign"],
)
def test_association_staff_pages_render(client, staff_user, both, model):
    client.force_login(staff_user)
    assert client.get(url(model, "changelist")).status_code == 200
    own = both[0].get(model)
    if own is not None:
        assert client.get(url(model, "change", own.pk)).status_code == 200
        assert client.get(url(model, "history", own.pk)).status_code == 200


@pytest.mark.parametrize(
    "model",
    ["birthdaypreference", "carebudget", "condolencevisit", "hardshipcase", "inquiry", "visitcampaign"],
)
def test_add_pages_render(client, staff_user, model):
    client.force_login(staff_user)
    assert client.get(url(model, "add")).status_code == 200


def test_campaign_action_generates_lists(client, staff_user, xihu):
    campaign = f.VisitCampaignFactory()
    f.member_born(xihu, datetime.date(1940, 1, 1))
    client.force_login(staff_user)
    client.post(
        url("visitcampaign", "changelist"), {"action": "generate_lists", "_selected_action": [campaign.pk]}
    )
    assert CampaignEntry.objects.filter(campaign=campaign).count() == 1
    assert client.get(url("visitcampaign", "change", campaign.pk)).status_code == 200
