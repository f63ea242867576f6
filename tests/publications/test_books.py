"""The book series: ISBN validation by checksum (ISBN-10 and ISBN-13) and distribution records."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse

from publications.admin.resources import BookDistributionResource
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
    # Hyphenated by the ISBN agency's ranges (group 7, publisher 5213), not by a fixed pattern.
    assert format_isbn13("9787521300017") == "978-7-5213-0001-7"


def test_isbn10_ending_in_x_is_valid_and_converts():
    # The X (ten) is an ISBN-10 check digit only; the ISBN-13 form gets its own check digit.
    for written in ("080442957X", "0-8044-2957-x", "0 8044 2957 X"):
        assert is_valid_isbn(written)
        validate_isbn(written)
        assert to_isbn13(written) == "9780804429573"
    assert format_isbn13("080442957X") == "978-0-8044-2957-3"
    assert not is_valid_isbn("0804429578")  # the same first nine digits with a wrong check digit


@pytest.mark.parametrize(
    "written",
    ["978-7-5213-0001-7", "978 7 5213 0001 7", "978–7–5213–0001–7", "ISBN：978-7-5213-0001-7",
     " isbn 9787521300017 ", "978\u20117\u20115213\u20110001\u20117"],
)  # fmt: skip
def test_isbn13_with_hyphens_spaces_and_prefix_is_read_as_its_digits(written):
    assert is_valid_isbn(written)
    validate_isbn(written)
    assert normalise_isbn(written) == "9787521300017" == to_isbn13(written)


@pytest.mark.parametrize("isbn", ["978-7-5213-0001-6", "9787521300010", "0-306-40615-3", "080442957-1"])
def test_bad_check_digit_is_refused_with_the_checksum_message(isbn):
    assert not is_valid_isbn(isbn)
    with pytest.raises(ValidationError) as exc:
        validate_isbn(isbn)
    assert exc.value.code == "isbn_checksum" and "校验位不正确" in exc.value.messages[0]


def test_isbn13_with_the_979_prefix():
    assert is_valid_isbn("979-10-90636-07-1")
    assert to_isbn13("979-10-90636-07-1") == "9791090636071"  # no ISBN-10 form: kept as it is
    assert format_isbn13("9791090636071") == "979-10-90636-07-1"
    with pytest.raises(ValidationError) as exc:
        validate_isbn("979-10-90636-07-2")
    assert exc.value.code == "isbn_checksum"


@pytest.mark.parametrize(
    ("isbn", "code"),
    [
        ("030640615", "isbn_length"),  # nine digits: an old SBN, not taken as 0 + SBN
        ("030640615Y", "isbn_chars"),  # a last character that is no check digit at all
        ("03064X6152", "isbn_chars"),
        ("978030640615X", "isbn_chars"),  # X is no ISBN-13 check digit
        ("9770306406157", "isbn_prefix"),  # the wrong prefix is named even when the checksum fails too
        ("9770306406158", "isbn_prefix"),  # checksum right, prefix wrong
    ],
)
def test_each_fault_gets_its_own_code(isbn, code):
    with pytest.raises(ValidationError) as exc:
        validate_isbn(isbn)
    assert exc.value.code == code


def test_display_of_a_stored_value_that_is_no_isbn_is_the_value():
    assert format_isbn13("abc") == "abc"


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
    # 导出Excel（所选记录）: the list action opens the export page, which posts the file request.
    page = client.post(
        reverse("admin:publications_bookdistribution_changelist"),
        {"action": "export_admin_action", "_selected_action": [record.pk]},
    )
    assert "将导出所选的 1 条记录" in page.content.decode()
    columns = BookDistributionResource().get_export_order()
    response = client.post(
        reverse("admin:publications_bookdistribution_export"),
        {"resource": "0", "format": "0", "export_items": [record.pk],
         **{f"bookdistributionresource_{name}": "on" for name in columns}},
    )  # fmt: skip
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["F2"].value.startswith("'=")
    assert sheet["E2"].value == book.isbn_display and sheet["H2"].value == 30
    log = AccessLog.objects.get()
    assert (log.target, log.row_count) == (str(BookDistribution._meta.verbose_name_plural), 1)
