"""Letters, visits and calls: deadlines over holidays, the life cycle, overdue reminders, statistics."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.errors import DomainError
from tests import factories as f
from wellbeing.admin.inquiries import statistics_rows
from wellbeing.models import Inquiry, InquiryLog
from wellbeing.services.inquiries import (
    inquiry_deadline_reminders_send,
    inquiry_register,
    inquiry_transition,
    working_days_after,
)

pytestmark = pytest.mark.django_db
D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_deadline_skips_the_national_day_holiday_and_counts_the_make_up_saturday():
    # Received Monday 2026-09-28. 1–7 October are off, Saturday 10 October is a make-up working day:
    # 15 working days end on 23 October (counting weekdays only would give 19 October).
    assert working_days_after(D(2026, 9, 28), 15) == D(2026, 10, 23)


def test_deadline_in_a_year_the_holiday_calendar_does_not_know_counts_weekdays():
    assert working_days_after(D(2031, 3, 3), 5) == D(2031, 3, 10)


def _days_off(*days, kind="holiday", name="元旦"):
    from wellbeing.models import CalendarDay

    for day in days:
        CalendarDay.objects.create(date=day, kind=kind, name=name)


def test_staff_entered_holidays_count_in_a_year_the_library_does_not_know(django_assert_num_queries):
    # Received Monday 2026-12-21: without 2027's schedule, Friday 1 January 2027 would count.
    assert working_days_after(D(2026, 12, 21), 15) == D(2027, 1, 11)
    _days_off(D(2027, 1, 1))
    with django_assert_num_queries(1):  # the entered days of the whole span in one query
        assert working_days_after(D(2026, 12, 21), 15) == D(2027, 1, 12)


def test_a_make_up_working_weekend_entered_by_staff_counts():
    # Saturday 2031-03-08 entered as 调休上班: five working days after Monday 3 March end on Saturday.
    _days_off(D(2031, 3, 8), kind="workday", name="调休")
    assert working_days_after(D(2031, 3, 3), 5) == D(2031, 3, 8)


def test_an_entered_day_overrides_the_library_in_a_known_year():
    _days_off(D(2026, 10, 12), name="临时调整")  # a Monday the library counts as working
    assert working_days_after(D(2026, 9, 28), 15) == D(2026, 10, 26)


def test_holiday_days_are_kept_by_association_staff_only(client, staff_user, xihu_officer):
    url = reverse("admin:wellbeing_calendarday_add")
    client.force_login(xihu_officer)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    response = client.post(url, {"date": "2027-02-06", "kind": "holiday", "name": "春节"})
    assert response.status_code == 302
    listing = client.get(reverse("admin:wellbeing_calendarday_changelist")).content.decode()
    assert "春节" in listing and "星期六" in listing


def test_registering_sets_the_default_deadline_and_the_members_branch(xihu_member, staff_user):
    inquiry = Inquiry(
        channel="letter", received_at=datetime.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI), member=xihu_member,
        person_name="西湖甲", subject="津贴", category="treatment", content="询问津贴",
    )  # fmt: skip
    inquiry_register(inquiry=inquiry, actor=staff_user)
    assert inquiry.deadline == D(2026, 10, 23)
    assert inquiry.branch == xihu_member.branch
    assert inquiry.logs.get().kind == "status"


def test_admin_registration_defaults_the_deadline(client, xihu_officer, xihu):
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:wellbeing_inquiry_add"),
        {
            "channel": "call", "received_at_0": "2026-09-28", "received_at_1": "09:00:00", "person_name": "王大爷",
            "contact": "13900001111", "subject": "咨询疗休养", "category": "convalescence", "content": "何时报名",
            "deadline": "", "policy_explanation": "", "logs-TOTAL_FORMS": 0, "logs-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    inquiry = Inquiry.objects.get()
    assert (
        inquiry.deadline == D(2026, 10, 23) and inquiry.branch == xihu and inquiry.created_by == xihu_officer
    )


def test_life_cycle_goes_forward_one_step_at_a_time(xihu):
    inquiry = f.InquiryFactory(branch=xihu)
    with pytest.raises(DomainError):
        inquiry_transition(inquiry=inquiry, to_status="replied", note="答复")
    inquiry_transition(inquiry=inquiry, to_status="in_progress")
    with pytest.raises(DomainError) as exc:
        inquiry_transition(inquiry=inquiry, to_status="replied")
    assert exc.value.code == "note_required"
    inquiry_transition(inquiry=inquiry, to_status="replied", note="十月发放")
    inquiry_transition(inquiry=inquiry, to_status="followed_up", note="本人满意")
    inquiry_transition(inquiry=inquiry, to_status="closed")
    with pytest.raises(DomainError):
        inquiry_transition(inquiry=inquiry, to_status="in_progress")
    kinds = list(inquiry.logs.values_list("kind", flat=True))
    assert kinds == ["status", "reply", "follow_up", "status"]
    assert inquiry.replied_at and inquiry.closed_at


def test_out_of_policy_request_needs_the_explanation_before_the_reply(xihu):
    inquiry = f.InquiryFactory(branch=xihu, status="in_progress", out_of_policy=True)
    with pytest.raises(DomainError) as exc:
        inquiry_transition(inquiry=inquiry, to_status="replied", note="不符合条件")
    assert exc.value.code == "explanation_required"
    inquiry.policy_explanation = "按现行政策，该津贴只发放给市级以上劳模，已耐心解释。"
    inquiry.save()
    inquiry_transition(inquiry=inquiry, to_status="replied", note="不符合条件")


def test_follow_up_that_finds_the_matter_unresolved_reopens_it(xihu):
    inquiry = f.InquiryFactory(branch=xihu, status="replied")
    inquiry_transition(inquiry=inquiry, to_status="in_progress", note="回访不满意，重新办理")
    assert inquiry.status == "in_progress"


def test_admin_change_form_moves_the_case_and_logs_the_reply(client, staff_user, xihu):
    inquiry = f.InquiryFactory(branch=xihu, status="in_progress")
    client.force_login(staff_user)
    url = reverse("admin:wellbeing_inquiry_change", args=[inquiry.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "branch": xihu.pk, "deadline": "2026-10-27", "next_status": "replied", "log_text": "已电话答复",
            "logs-TOTAL_FORMS": 1, "logs-INITIAL_FORMS": 0, "member": "", "assigned_to": "",
        }
    )  # fmt: skip
    data["out_of_policy"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    inquiry.refresh_from_db()
    assert inquiry.status == "replied"
    assert inquiry.logs.get(kind="reply").text.endswith("已电话答复")


def test_overdue_list_holds_open_cases_past_their_deadline(xihu):
    late = f.InquiryFactory(branch=xihu, deadline=D(2026, 10, 1), subject="逾期")
    f.InquiryFactory(branch=xihu, deadline=D(2026, 10, 1), status="replied", subject="已答复")
    f.InquiryFactory(branch=xihu, deadline=D(2026, 12, 1), subject="未到期")
    assert list(Inquiry.objects.overdue(D(2026, 11, 2))) == [late]


def test_reminder_goes_to_the_assigned_officer_once_a_day(xihu, binjiang):
    officer = f.officer(xihu, username="chengban", email="chengban@example.com")
    f.InquiryFactory(branch=xihu, assigned_to=officer, deadline=D(2026, 10, 30), subject="逾期件")
    f.InquiryFactory(branch=xihu, assigned_to=officer, deadline=D(2026, 11, 4), subject="将到期件")
    f.InquiryFactory(branch=xihu, assigned_to=officer, deadline=D(2026, 12, 30), subject="远期件")
    f.InquiryFactory(
        branch=xihu, assigned_to=officer, deadline=D(2026, 10, 1), status="closed", subject="已办结"
    )

    assert inquiry_deadline_reminders_send(today=D(2026, 11, 2)) == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chengban@example.com"]
    assert "逾期件" in message.body and "已逾期3天" in message.body and "将到期件" in message.body
    assert "远期件" not in message.body and "已办结" not in message.body
    assert inquiry_deadline_reminders_send(today=D(2026, 11, 2)) == 0
    assert len(mail.outbox) == 1
    assert inquiry_deadline_reminders_send(today=D(2026, 11, 3)) == 2
    assert InquiryLog.objects.filter(kind="reminder").count() == 4


def test_unassigned_case_is_reported_to_its_branch(xihu):
    f.officer(xihu, username="fenhui", email="fenhui@example.com")
    f.InquiryFactory(branch=xihu, assigned_to=None, deadline=D(2026, 10, 30))
    inquiry_deadline_reminders_send(today=D(2026, 11, 2))
    assert [m.to for m in mail.outbox] == [["fenhui@example.com"]]


def test_statistics_per_channel_category_branch_and_month(xihu, binjiang):
    may = datetime.datetime(2026, 5, 10, 10, tzinfo=SHANGHAI)
    june = datetime.datetime(2026, 6, 1, 0, 30, tzinfo=SHANGHAI)  # 31 May in UTC: months are local
    f.InquiryFactory(branch=xihu, channel="call", category="treatment", received_at=may)
    f.InquiryFactory(branch=xihu, channel="letter", category="treatment", received_at=june)
    f.InquiryFactory(branch=binjiang, channel="call", category="medical", received_at=june)
    f.InquiryFactory(branch=None, channel="online", category="other", received_at=june)
    qs = Inquiry.objects.all()
    assert dict(statistics_rows(qs, "channel")) == {"来电": 2, "来信": 1, "网上": 1}
    assert dict(statistics_rows(qs, "category")) == {"劳模待遇": 2, "医疗保障": 1, "其他": 1}
    assert dict(statistics_rows(qs, "branch")) == {"西湖区": 2, "滨江区": 1, "市协会本级": 1}
    assert dict(statistics_rows(qs, "month")) == {"2026年05月": 1, "2026年06月": 3}


def test_statistics_page_exports_xlsx_scoped_to_the_officer(client, xihu_officer, xihu, binjiang):
    f.InquiryFactory(branch=xihu, received_at=timezone.now())
    f.InquiryFactory(branch=binjiang, received_at=timezone.now())
    client.force_login(xihu_officer)
    url = reverse("admin:wellbeing_inquiry_statistics")
    assert client.get(url).status_code == 200
    response = client.get(url, {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert ("承办分会", "西湖区", 1) in rows and not any(r[1] == "滨江区" for r in rows)
