"""Malformed ids and oversized values at doors the adversarial matrix found answering 500.

Each door now answers with a message, a 404, a 409 or a 400, and changes nothing.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from members.models import Member
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
HUGE = "99999999999999999999"


@pytest.mark.parametrize("bad", ["abc", HUGE, "1.5", "长" * 300])
def test_admin_action_with_malformed_ids_runs_nothing(client, staff_user, xihu_member, bad):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_member_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(xihu_member.pk), bad], "index": 0},
    )
    assert response.status_code == 302
    assert "所选对象无效，未执行任何操作。" in [m.message for m in get_messages(response.wsgi_request)]
    assert Member.objects.filter(pk=xihu_member.pk).exists()


@pytest.mark.parametrize("bad", ["abc", HUGE])
def test_library_admins_clean_action_ids_too(client, bad):
    superuser = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.post(
        "/admin/auth/group/", {"action": "delete_selected", ACTION_CHECKBOX_NAME: [bad], "index": 0}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("bad", ["abc", HUGE])
def test_add_form_with_a_malformed_autocomplete_value_shows_the_form_again(client, staff_user, xihu, bad):
    client.force_login(staff_user)
    response = client.post(reverse("admin:wellbeing_inquiry_add"), {"member": bad, "branch": xihu.pk})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


@pytest.mark.parametrize("pk", ["987654321", HUGE])
@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_authenticator_pages_answer_404_for_missing_and_forbidden_alike(
    client, staff_user, xihu_officer, pk, view
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff_user, name="手机验证器", confirmed=True)
    client.force_login(xihu_officer)  # no permission on devices
    assert client.get(f"/admin/otp_totp/totpdevice/{pk}/{view}/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/").status_code == 404


def test_overlong_login_name_is_a_failed_login_not_a_server_error(client):
    response = client.post(reverse("admin:login"), {"username": "长" * 10_000, "password": "x"})
    assert response.status_code == 200
    from axes.models import AccessAttempt

    assert all(len(a.username) <= 150 for a in AccessAttempt.objects.all())


def test_api_has_no_format_suffix_doors(staff_user):
    api = APIClient()
    api.force_authenticate(staff_user)
    assert api.get("/api/members.json").status_code == 404


def test_api_delete_of_a_member_others_refer_to_is_a_conflict(staff_user, xihu_member):
    f.CondolenceVisitFactory(member=xihu_member)  # a visit keeps its member (PROTECT)
    api = APIClient()
    api.force_authenticate(staff_user)
    response = api.delete(f"/api/members/{xihu_member.pk}/")
    assert response.status_code == 409 and "不能删除" in response.json()["detail"]
    assert Member.objects.filter(pk=xihu_member.pk).exists()


def test_public_media_with_a_name_too_long_is_404(client):
    assert client.get("/media/" + "a" * 5000).status_code == 404


def test_greeting_defaults_are_not_written_for_a_refused_request(client, xihu):
    from wellbeing.models import GreetingTemplate

    client.force_login(f.officer(None, username="officer-without-branch"))
    assert client.get("/admin/wellbeing/greetingtemplate/").status_code == 403
    assert not GreetingTemplate.objects.exists()


def test_trip_note_longer_than_its_column_is_refused_with_a_message(staff_user):
    from core.errors import DomainError
    from wellbeing.services.trips import trip_transition

    trip = f.TripFactory()
    with pytest.raises(DomainError, match="最多"):
        trip_transition(trip=trip, to_status="cancelled", actor=staff_user, note="长" * 201)
    trip.refresh_from_db()
    assert trip.status != "cancelled"


@pytest.mark.parametrize("value", [HUGE, "0", "abc", "-5"])
def test_date_drill_down_out_of_range_is_an_invalid_filter(client, staff_user, value):
    client.force_login(staff_user)
    response = client.get("/admin/wellbeing/inquiry/", {"received_at__year": value})
    assert response.status_code == 302 and response.url.endswith("?e=1")


def test_inline_autocomplete_with_a_malformed_value_shows_the_form_again(client, staff_user, xihu):
    team = f.ServiceTeamFactory()
    client.force_login(staff_user)
    url = reverse("admin:volunteering_serviceteam_change", args=[team.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update(
            {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-0-member": HUGE}
        )
    response = client.post(url, data)
    assert response.status_code == 200


@pytest.mark.parametrize("bad", [HUGE, "abc"])
def test_many_to_many_with_a_malformed_id_is_a_form_error(client, staff_user, bad):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:publications_article_add"), {"title": "标题", "featured_members": [bad]}
    )
    assert response.status_code == 200
    assert "featured_members" in response.context["adminform"].form.errors
