"""Events and hours: one participation per member and event, hours validated, life cycle."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from core.errors import ConflictError, DomainError
from tests import factories as f
from volunteering import services
from volunteering.models import EventPhoto, Participation, ServiceEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(xihu_team):
    return f.ServiceEventFactory(team=xihu_team, status="planned", duration_hours=6)


def test_database_refuses_second_participation_of_same_member(planned, xihu_member):
    f.ParticipationFactory(event=planned, member=xihu_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(event=planned, member=xihu_member, hours=1)


def test_recording_again_corrects_the_one_row(planned, xihu_member):
    services.participation_record(event=planned, member=xihu_member, hours=2)
    services.participation_record(event=planned, member=xihu_member, hours="3.5", role="leader")
    row = Participation.objects.get(event=planned, member=xihu_member)
    assert (row.hours, row.role) == (Decimal("3.5"), "leader")


@pytest.mark.parametrize("hours", [0, -1, "7", "abc", "0.2"])
def test_invalid_hours_are_refused_with_nothing_written(planned, xihu_member, hours):
    with pytest.raises(DomainError):
        services.participation_record(event=planned, member=xihu_member, hours=hours)
    assert not Participation.objects.exists()


def test_database_refuses_zero_hours(planned, xihu_member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(event=planned, member=xihu_member, hours=0)


def test_cancelled_event_takes_no_hours(planned, xihu_member, staff_user):
    services.service_event_cancel(event=planned, actor=staff_user)
    with pytest.raises(DomainError):
        services.participation_record(event=planned, member=xihu_member, hours=2)


def test_complete_needs_participants(planned, staff_user):
    with pytest.raises(DomainError) as exc:
        services.service_event_complete(event=planned, actor=staff_user)
    assert exc.value.code == "no_participants"


def test_future_event_cannot_be_completed(xihu_team, xihu_member, staff_user):
    future = f.ServiceEventFactory(
        team=xihu_team, status="planned", date=datetime.date.today() + datetime.timedelta(days=3)
    )
    services.participation_record(event=future, member=xihu_member, hours=2)
    with pytest.raises(DomainError):
        services.service_event_complete(event=future, actor=staff_user)


def test_completed_event_cannot_be_cancelled(planned, xihu_member, staff_user):
    services.participation_record(event=planned, member=xihu_member, hours=2)
    services.service_event_complete(event=planned, outcome="故障排除", actor=staff_user)
    with pytest.raises(ConflictError):
        services.service_event_cancel(event=planned, actor=staff_user)
    planned.refresh_from_db()
    assert (planned.status, planned.outcome) == ("done", "故障排除")


def test_event_transition_map_names_every_status():
    assert set(services.EVENT_TRANSITIONS) == set(ServiceEvent.Status.values)


def test_course_only_on_class_events(xihu_team, xihu_member):
    course = f.CourseFactory(teacher=xihu_member)
    with pytest.raises(DomainError):
        services.service_event_create(
            team=xihu_team, title="攻关", category="technical", date=datetime.date(2025, 1, 1),
            duration_hours=2, place="厂区", course=course,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ServiceEventFactory(team=xihu_team, category="technical", course=course)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_photo_is_checked_by_content(xihu_team):
    event = f.ServiceEventFactory(team=xihu_team)
    fake = EventPhoto(event=event, image=SimpleUploadedFile("a.jpg", b"MZ not an image", "image/jpeg"))
    with pytest.raises(ValidationError):
        fake.full_clean()
    real = EventPhoto(event=event, image=SimpleUploadedFile("a.png", _png(), "image/png"))
    real.full_clean()


def test_donation_needs_exactly_one_donor_and_takes_its_branch(xihu_member, xihu_team):
    with pytest.raises(DomainError):
        services.donation_record(
            kind="money",
            value=100,
            cause="助学",
            date=datetime.date(2025, 1, 1),
            member=xihu_member,
            team=xihu_team,
        )
    with pytest.raises(DomainError):
        services.donation_record(
            kind="goods", value=100, cause="防疫", date=datetime.date(2025, 1, 1), team=xihu_team
        )
    donation = services.donation_record(
        kind="money", value="500.50", cause="助学", date=datetime.date(2025, 1, 1), member=xihu_member
    )
    assert donation.branch == xihu_member.branch and donation.value == Decimal("500.50")
