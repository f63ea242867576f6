"""The book series: ISBN validation by checksum (ISBN-10 and ISBN-13) and distribution records."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse

from publications.isbn import format_isbn13, is_valid_isbn, normalise_isbn, to_isbn13, validate_isbn
from publications.models import Book, BookDistribution
from tests import factories as f


@pytest.mark.parametrize(
    "isbn",
    ["9780306406157", "978-0-306-40615-7", "0-306-40615-2", "0306406152", "ISBN 978-7-5213-0001-7",
     "080442957X", "0-8044-2957-x", "979-10-90636-07-1"],
)  # fmt: skip
def test_valid_isbns_pass(isbn):
    assert is_valid_isbn(isbn)
    validate_isbn(isbn)


@pytest.mark.parametrize(
    ("isbn", "message"),
    [
        ("9780306406158", "校验位不正确"),
        ("0306406153", "校验位不正确"),
        ("978030640615", "应为10位或13位"),
        ("97803064061577", "应为10位或13位"),
        ("9770306406157", "应以978或979开头"),
        ("97803064O6157", "只能由数字组成"),
        ("X306406152", "前9位应为数字"),
        ("", "应为10位或13位"),
    ],
)
def test_invalid_isbns_say_what_is_wrong(isbn, message):
    assert not is_valid_isbn(isbn)
    with pytest.raises(ValidationError) as exc:
        validate_isbn(isbn)
    assert message in exc.value.messages[0]


def test_isbn10_converts_to_isbn13():
    assert to_isbn13("0-306-40615-2") == "9780306406157"
    assert normalise_isbn(" isbn: 978-7-5213-0001-7 ") == "9787521300017"
    assert format_isbn13("9787521300017") == "978-7-52130001-7"


@pytest.mark.django_db
def test_book_with_bad_isbn_fails_full_clean():
    book = Book(volume=1, title="匠心", publisher="浙江人民出版社", isbn="978-7-5213-0001-6", year=2020)
    with pytest.raises(ValidationError) as exc:
        book.full_clean()
    assert "isbn" in exc.value.message_dict


@pytest.mark.django_db
def test_book_stores_an_isbn10_as_isbn13():
    book = Book(volume=1, title="匠心", publisher="浙江人民出版社", isbn="0-306-40615-2", year=2020)
    book.full_clean()
    book.save()
    book.refresh_from_db()
    assert book.isbn == "9780306406157"


@pytest.mark.django_db
def test_same_isbn_written_two_ways_is_a_duplicate():
    f.BookFactory(isbn="9780306406157")
    book = Book(volume=99, title="另一本", publisher="x", isbn="0-306-40615-2", year=2021)
    with pytest.raises(ValidationError) as exc:
        book.full_clean()
    assert "isbn" in exc.value.message_dict


@pytest.mark.django_db
def test_volume_is_unique_within_a_series():
    f.BookFactory(volume=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.BookFactory(volume=3)


@pytest.mark.django_db
def test_admin_refuses_a_bad_isbn_with_a_chinese_message(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:publications_book_add"),
        {
            "series": "杭州劳模工匠系列丛书",
            "volume": 2,
            "title": "工匠精神",
            "publisher": "浙江人民出版社",
            "isbn": "978-7-5213-0001-6",
            "year": 2021,
            "distributions-TOTAL_FORMS": "0",
            "distributions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "ISBN 校验位不正确" in response.content.decode()
    assert not Book.objects.exists()


@pytest.mark.django_db
def test_distribution_records_add_up_per_book():
    book = f.BookFactory()
    for copies in (200, 150):
        BookDistribution.objects.create(
            book=book, recipient="浙江工业大学", recipient_kind="university", copies=copies,
            date=datetime.date(2021, 4, 23),
        )  # fmt: skip
    assert book.distributions.aggregate(total=Sum("copies"))["total"] == 350


@pytest.mark.django_db
def test_distribution_needs_at_least_one_copy():
    book = f.BookFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookDistribution.objects.create(
            book=book, recipient="x", recipient_kind="school", copies=0, date=datetime.date(2021, 1, 1)
        )


@pytest.mark.django_db
def test_books_are_association_only(client, xihu_officer):
    f.BookFactory()
    client.force_login(xihu_officer)
    assert client.get(reverse("admin:publications_book_changelist")).status_code == 403
    assert client.get(reverse("admin:publications_bookdistribution_changelist")).status_code == 403


@pytest.mark.django_db
def test_book_changes_are_in_history():
    book = f.BookFactory()
    book.title = "新书名"
    book.save()
    assert [h.title for h in book.history.order_by("history_id")][-1] == "新书名"
    assert book.history.count() == 2


@pytest.mark.django_db
def test_distribution_export_is_a_logged_neutralised_spreadsheet(client, staff_user):
    import io

    from openpyxl import load_workbook

    from core.models import AccessLog

    book = f.BookFactory()
    record = BookDistribution.objects.create(
        book=book, recipient='=HYPERLINK("http://x")', recipient_kind="school", copies=30,
        date=datetime.date(2021, 4, 23), contact="王老师",
    )  # fmt: skip
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:publications_bookdistribution_changelist"),
        {"action": "export_xlsx", "_selected_action": [record.pk]},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["F2"].value.startswith("'=")
    assert sheet["E2"].value == book.isbn_display and sheet["H2"].value == 30
    log = AccessLog.objects.get()
    assert (log.target, log.row_count) == ("丛书赠书记录", 1)
