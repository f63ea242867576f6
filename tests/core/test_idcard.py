import datetime

import pytest
from django.core.exceptions import ValidationError

from core.idcard import check_char, make_id_number, mask_id_number, mask_phone, parse_id_number

VALID = make_id_number("330106", datetime.date(1975, 3, 9), 123)  # sequence 123: odd → male


def reason(raw):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(raw, today=datetime.date(2026, 11, 29))
    return exc.value.code, exc.value.messages[0]


def test_valid_number_gives_birth_date_and_gender():
    parsed = parse_id_number(VALID)
    assert parsed.birth_date == datetime.date(1975, 3, 9)
    assert parsed.gender == "M"
    assert parsed.region == "330106"


def test_even_sequence_is_female():
    assert parse_id_number(make_id_number("330106", datetime.date(1980, 1, 1), 124)).gender == "F"


def test_known_public_example_checksum():
    # The standard's worked example: 11010519491231002X.
    assert check_char("11010519491231002") == "X"
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"


def test_full_width_and_spaces_are_normalised():
    assert (
        parse_id_number(
            " " + VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " "
        ).value
        == VALID
    )


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        ("", "id_empty", "不能为空"),
        ("330106750309123", "id_old_15", "15位旧身份证号"),
        ("33010619750309", "id_length", "应为18位"),
        ("3301061975030912A5", "id_chars", "前17位必须是数字"),
        (make_id_number("990106", datetime.date(1975, 3, 9), 1), "id_region", "地区码"),
        ("330106197502301230", "id_birth", "不是有效日期"),
        (make_id_number("330106", datetime.date(2027, 1, 1), 1), "id_birth_future", "晚于今天"),
        (VALID[:17] + ("0" if VALID[17] != "0" else "1"), "id_checksum", "校验码不正确"),
    ],
)
def test_each_rejection_says_why_in_chinese(raw, code, fragment):
    got_code, message = reason(raw)
    assert got_code == code
    assert fragment in message


def test_masks_hide_birth_date_and_most_digits():
    masked = mask_id_number(VALID)
    assert masked == VALID[:2] + "*" * 15 + VALID[-1]
    assert "1975" not in masked
    assert mask_phone("13812345678") == "138****5678"
