"""Exhibitions and their works: one author per work (a member or a guest), dates in order."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from publications.models import Exhibition, Work
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_work_by_a_member_of_the_registry(xihu_member):
    work = f.WorkFactory(artist=xihu_member, guest_artist="")
    assert work.artist_name == "西湖甲"
    assert str(work) == f"西湖甲《{work.title}》"


def test_work_by_a_guest_artist():
    work = f.WorkFactory(guest_artist="陈篆刻", kind=Work.Kind.SEAL)
    assert (work.artist_name, work.get_kind_display()) == ("陈篆刻", "篆刻")


def test_kinds_are_the_five_arts():
    assert [label for _, label in Work.Kind.choices] == ["书法", "绘画", "篆刻", "摄影", "工美"]


def test_work_needs_exactly_one_author_in_clean(xihu_member):
    exhibition = f.ExhibitionFactory()
    both = Work(exhibition=exhibition, artist=xihu_member, guest_artist="某人", kind="painting", title="山水")
    with pytest.raises(ValidationError) as exc:
        both.full_clean()
    assert "二选一" in str(exc.value)
    neither = Work(exhibition=exhibition, kind="painting", title="山水")
    with pytest.raises(ValidationError) as exc:
        neither.full_clean()
    assert "guest_artist" in exc.value.message_dict


def test_database_refuses_a_work_without_author():
    with pytest.raises(IntegrityError), transaction.atomic():
        Work.objects.create(exhibition=f.ExhibitionFactory(), kind="painting", title="无名")


def test_database_refuses_a_work_with_two_authors(xihu_member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Work.objects.create(
            exhibition=f.ExhibitionFactory(),
            artist=xihu_member,
            guest_artist="某人",
            kind="painting",
            title="x",
        )


def test_exhibition_dates_must_be_in_order():
    exhibition = Exhibition(
        title="展", start_date=datetime.date(2020, 10, 1), end_date=datetime.date(2020, 9, 1), venue="x"
    )
    with pytest.raises(ValidationError) as exc:
        exhibition.full_clean()
    assert "闭幕日期不能早于开幕日期" in exc.value.message_dict["end_date"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        exhibition.save()


def test_work_image_is_checked_by_content():
    work = Work(
        exhibition=f.ExhibitionFactory(),
        guest_artist="x",
        kind="photography",
        title="照片",
        image=SimpleUploadedFile("fake.jpg", b"MZ\x90\x00 not an image"),
    )
    with pytest.raises(ValidationError) as exc:
        work.full_clean()
    assert "image" in exc.value.message_dict


def test_officer_new_exhibition_is_forced_into_own_branch(client, xihu, binjiang, xihu_officer):
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:publications_exhibition_add"),
        {"title": "西湖区书画展", "start_date": "2020-09-28", "end_date": "2020-10-11", "venue": "西湖文化广场",
         "branch": binjiang.pk, "works-TOTAL_FORMS": "0", "works-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Exhibition.objects.get(title="西湖区书画展").branch == xihu


def test_exhibition_changelist_counts_works_and_artists(client, staff_user, xihu_member):
    exhibition = f.ExhibitionFactory(title="2020年书画篆刻展")
    f.WorkFactory(exhibition=exhibition, artist=xihu_member, guest_artist="")
    f.WorkFactory(exhibition=exhibition, artist=xihu_member, guest_artist="")
    f.WorkFactory(exhibition=exhibition, guest_artist="陈篆刻")
    client.force_login(staff_user)
    response = client.get(reverse("admin:publications_exhibition_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.n_works, row.n_members + row.n_guests) == (3, 2)


def test_exhibition_and_work_changes_are_in_history(xihu_member):
    work = f.WorkFactory()
    work.title = "新题"
    work.save()
    assert work.history.count() == 2
    assert work.exhibition.history.count() == 1
