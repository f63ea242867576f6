"""Birthday greetings: channels, templates, exactly once, gateway failure and retry, the command."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests import factories as f
from wellbeing.models import Greeting, GreetingSettings, GreetingTemplate
from wellbeing.services.greetings import birthday_greetings_send, greetings_retry_due, retry_delay
from wellbeing.tasks import birthday_greetings_task

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def birthday_people(xihu, binjiang):
    return [
        f.member_born(xihu, datetime.date(1970, 6, 1), name="西湖寿星", mobile="13800000001"),
        f.member_born(
            binjiang,
            datetime.date(1980, 6, 1),
            name="滨江寿星",
            mobile="13800000002",
            category="model_worker",
        ),
    ]


def test_each_birthday_member_gets_one_sms_through_the_http_gateway(sms_gateway, birthday_people):
    run = birthday_greetings_send(day=DAY)
    assert run.members == 2
    bodies = [r["body"] for r in sms_gateway.requests]
    assert sorted(b["mobile"] for b in bodies) == ["13800000001", "13800000002"]
    assert all(b["template"] == "SMS_BIRTHDAY_001" and b["sign"] == "杭州市劳模工匠协会" for b in bodies)
    sms = Greeting.objects.filter(channel="sms")
    assert {g.status for g in sms} == {"sent"}
    assert {g.provider_message_id for g in sms} == {"msg-1", "msg-2"}
    assert {g.provider_status for g in sms} == {"queued"}


def test_template_fills_name_and_honour_title(sms_gateway, birthday_people):
    template = GreetingTemplate.for_channel("sms")
    template.body = "{name}同志（{honor}）：生日快乐！"
    template.save()
    birthday_greetings_send(day=DAY)
    assert sorted(sms_gateway.texts()) == sorted(
        ["西湖寿星同志（杭州工匠）：生日快乐！", "滨江寿星同志（浙江省劳动模范）：生日快乐！"]
    )


def test_template_with_unknown_placeholder_is_refused():
    from django.core.exceptions import ValidationError

    template = GreetingTemplate.for_channel("sms")
    template.body = "{name}{password}"
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    assert "{password}" in str(exc.value)


def test_running_the_job_twice_sends_one_message(sms_gateway, birthday_people):
    birthday_greetings_send(day=DAY)
    second = birthday_greetings_send(day=DAY)
    assert second.claimed == 0 and second.already_done == 4  # 2 members × (sms, cake)
    assert len(sms_gateway.requests) == 2
    assert Greeting.objects.count() == 4


def test_a_retried_task_sends_nothing_again(sms_gateway, birthday_people):
    birthday_greetings_task.delay(DAY.isoformat())
    birthday_greetings_task.delay(DAY.isoformat())
    assert len(sms_gateway.requests) == 2


def test_failing_gateway_is_recorded_and_does_not_stop_others(sms_gateway, birthday_people, xihu):
    sms_gateway.mode = "http500"
    now = timezone.now()
    birthday_greetings_send(day=DAY, now=now)
    failed = Greeting.objects.filter(channel="sms")
    assert {g.status for g in failed} == {"failed"}
    assert all("短信网关不可用" in g.last_error for g in failed)
    assert all(g.next_attempt_at == now + retry_delay(1) for g in failed)
    # Every member still went on the cake list.
    assert Greeting.objects.filter(channel="cake", status="listed").count() == 2


def test_gateway_refusal_is_recorded(sms_gateway, birthday_people):
    sms_gateway.mode = "refuse"
    birthday_greetings_send(day=DAY)
    assert {g.last_error for g in Greeting.objects.filter(channel="sms")} == {"短信网关拒绝：余额不足"}


def test_failed_greeting_is_retried_with_backoff_then_sent_once(sms_gateway, birthday_people):
    sms_gateway.mode = "http500"
    now = timezone.now()
    birthday_greetings_send(day=DAY, now=now)
    sms_gateway.mode = "ok"
    assert greetings_retry_due(now=now + datetime.timedelta(seconds=60)) == 0  # back-off not over
    assert greetings_retry_due(now=now + retry_delay(1)) == 2
    assert greetings_retry_due(now=now + retry_delay(1) * 10) == 0
    sms = Greeting.objects.filter(channel="sms")
    assert {(g.status, g.attempts) for g in sms} == {("sent", 2)}
    assert len([r for r in sms_gateway.requests]) == 4  # 2 failed + 2 sent
    assert retry_delay(2) == 2 * retry_delay(1)


def test_greeting_gives_up_after_max_attempts(sms_gateway, birthday_people, settings):
    settings.GREETING_MAX_ATTEMPTS = 2
    sms_gateway.mode = "http500"
    now = timezone.now()
    birthday_greetings_send(day=DAY, now=now)
    greetings_retry_due(now=now + retry_delay(1))
    assert {g.status for g in Greeting.objects.filter(channel="sms")} == {"gave_up"}
    assert greetings_retry_due(now=now + datetime.timedelta(days=1)) == 0


def test_member_without_mobile_is_skipped_and_recorded(sms_outbox, xihu):
    f.member_born(xihu, DAY.replace(year=1970), name="无手机", mobile="")
    birthday_greetings_send(day=DAY)
    assert Greeting.objects.get(channel="sms").status == "skipped"
    assert sms_outbox == []


def test_email_channel_sends_to_the_members_account(xihu):
    member = f.member_born(xihu, DAY.replace(year=1970), name="有邮箱")
    f.member_user(member, email="youxiang@example.com")
    config = GreetingSettings.load()
    config.channels = ["email"]
    config.save()
    birthday_greetings_send(day=DAY)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["youxiang@example.com"]
    assert "有邮箱" in mail.outbox[0].body and "杭州工匠" in mail.outbox[0].body
    assert Greeting.objects.get().status == "sent"


def test_categories_come_from_the_settings(sms_outbox, birthday_people):
    config = GreetingSettings.load()
    config.categories = ["model_worker"]
    config.save()
    run = birthday_greetings_send(day=DAY)
    assert run.members == 1
    assert [m["mobile"] for m in sms_outbox] == ["13800000002"]


def test_disabled_settings_send_nothing(sms_outbox, birthday_people):
    config = GreetingSettings.load()
    config.enabled = False
    config.save()
    assert birthday_greetings_send(day=DAY).members == 0
    assert sms_outbox == []


def test_command_runs_the_job_for_a_given_date(sms_outbox, birthday_people):
    out = io.StringIO()
    call_command("send_birthday_greetings", "--date", "2026-06-01", stdout=out)
    assert "过生日2人" in out.getvalue()
    assert len(sms_outbox) == 2
    call_command("send_birthday_greetings", "--date", "2026-06-01", stdout=io.StringIO())
    assert len(sms_outbox) == 2


def test_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_birthday_greetings", "--date", "2026-13-01")


def test_beat_schedules_the_greetings_at_eight_in_shanghai(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["wellbeing-birthday-greetings"]
    assert entry["task"] == "wellbeing.tasks.birthday_greetings_task"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_history_records_each_status_change(sms_gateway, birthday_people):
    birthday_greetings_send(day=DAY)
    greeting = Greeting.objects.filter(channel="sms").first()
    assert [h.status for h in greeting.history.order_by("history_id")] == ["sending", "sent"]


def test_member_page_section_shows_only_own_greetings(sms_outbox, birthday_people):
    from core.sections import member_sections

    birthday_greetings_send(day=DAY)
    mine, other = birthday_people
    section = next(s for s in member_sections(mine) if s["key"] == "wellbeing_care")
    assert {g.member_id for g in section["context"]["greetings"]} == {mine.pk}


def test_staff_edit_categories_and_channels_in_the_admin(client, staff_user):
    from django.urls import reverse

    config = GreetingSettings.load()
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:wellbeing_greetingsettings_change", args=[config.pk]),
        {"enabled": "on", "categories": ["model_worker"], "channels": ["sms", "email"]},
    )
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.categories == ["model_worker"] and config.channels == ["sms", "email"]


def test_template_edit_with_unknown_placeholder_is_refused_in_the_admin(client, staff_user):
    from django.urls import reverse

    template = GreetingTemplate.for_channel("sms")
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:wellbeing_greetingtemplate_change", args=[template.pk]),
        {"channel": "sms", "subject": "", "body": "{name}，{mobile}"},
    )
    assert response.status_code == 200 and "无法识别的占位符" in response.content.decode()
    template.refresh_from_db()
    assert "{mobile}" not in template.body


# Greetings interrupted by a process that died (a killed worker): resent or checked by a person.


def _interrupted(member, *, dispatched: bool, minutes_ago: int = 30) -> Greeting:
    """What a worker killed in the middle of a send leaves: a row stuck in 发送中."""
    since = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return Greeting.objects.create(
        member=member, year=DAY.year, channel="sms", calendar="solar", birthday=DAY,
        status=Greeting.Status.SENDING, attempts=1, sending_since=since,
        dispatched_at=since if dispatched else None,
    )  # fmt: skip


def test_interrupted_greeting_that_never_reached_the_gateway_is_sent_once(sms_gateway, birthday_people):
    from wellbeing.services.greetings import greetings_recover_interrupted

    greeting = _interrupted(birthday_people[0], dispatched=False)
    assert greetings_recover_interrupted() == 1
    assert greetings_recover_interrupted() == 0
    greeting.refresh_from_db()
    assert (greeting.status, greeting.attempts) == ("sent", 2) and greeting.dispatched_at is not None
    assert [r["body"]["mobile"] for r in sms_gateway.requests] == [birthday_people[0].mobile]


def test_interrupted_greeting_that_reached_the_gateway_is_never_resent(
    sms_gateway, birthday_people, django_capture_on_commit_callbacks
):
    from wellbeing.services.greetings import greetings_recover_interrupted

    officer = f.officer(birthday_people[0].branch, email="xihu-officer@example.org")
    f.officer(birthday_people[1].branch, email="binjiang-officer@example.org")
    greeting = _interrupted(birthday_people[0], dispatched=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert greetings_recover_interrupted() == 1
    greeting.refresh_from_db()
    assert greeting.status == Greeting.Status.UNKNOWN and "核实" in greeting.last_error
    assert sms_gateway.requests == []
    # The branch's officers are told whom to check with; no other branch hears of it.
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "西湖寿星（短信，2026-06-01）" in mail.outbox[0].body and "结果未知" in mail.outbox[0].subject
    # The day's job, run again (a redelivered task), does not send it either.
    birthday_greetings_send(day=DAY)
    assert [r["body"]["mobile"] for r in sms_gateway.requests] == [birthday_people[1].mobile]
    assert Greeting.objects.get(pk=greeting.pk).status == Greeting.Status.UNKNOWN


def test_greeting_still_within_its_send_window_is_left_alone(sms_gateway, birthday_people, settings):
    from wellbeing.services.greetings import greetings_recover_interrupted

    settings.GREETING_STALE_AFTER_SECONDS = 900
    greeting = _interrupted(birthday_people[0], dispatched=True, minutes_ago=5)  # a live worker's send
    assert greetings_recover_interrupted() == 0
    assert Greeting.objects.get(pk=greeting.pk).status == Greeting.Status.SENDING


def test_the_retry_task_recovers_interrupted_greetings(sms_gateway, birthday_people):
    from wellbeing.tasks import greetings_retry_task

    _interrupted(birthday_people[0], dispatched=False)
    _interrupted(birthday_people[1], dispatched=True)
    assert greetings_retry_task.delay().get() == 2
    assert dict(Greeting.objects.values_list("member__name", "status")) == {
        "西湖寿星": "sent", "滨江寿星": "unknown",
    }  # fmt: skip


def test_staff_resolve_unknown_greetings_in_the_admin(client, staff_user, birthday_people):
    from django.urls import reverse

    unknown = _interrupted(birthday_people[0], dispatched=True)
    Greeting.objects.filter(pk=unknown.pk).update(status=Greeting.Status.UNKNOWN)
    other = _interrupted(birthday_people[1], dispatched=True, minutes_ago=1)
    client.force_login(staff_user)
    url = reverse("admin:wellbeing_greeting_changelist")
    data = {"action": "mark_unknown_received", "_selected_action": [unknown.pk, other.pk]}
    response = client.post(url, data, follow=True)
    text = response.content.decode()
    assert "已核实1条祝福" in text and "1条不是“结果未知”的祝福" in text
    unknown.refresh_from_db()
    assert unknown.status == Greeting.Status.SENT and unknown.sent_at == unknown.dispatched_at
    assert unknown.history.first().history_user == staff_user
    assert Greeting.objects.get(pk=other.pk).status == Greeting.Status.SENDING


def test_officer_cannot_resolve_another_branchs_greeting(client, xihu_officer, birthday_people):
    from django.urls import reverse

    binjiang_greeting = _interrupted(birthday_people[1], dispatched=True)
    Greeting.objects.filter(pk=binjiang_greeting.pk).update(status=Greeting.Status.UNKNOWN)
    client.force_login(xihu_officer)
    data = {"action": "mark_unknown_not_received", "_selected_action": [binjiang_greeting.pk]}
    client.post(reverse("admin:wellbeing_greeting_changelist"), data)
    assert Greeting.objects.get(pk=binjiang_greeting.pk).status == Greeting.Status.UNKNOWN
