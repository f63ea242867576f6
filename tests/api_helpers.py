"""Shared checks for the API tests: the five roles, and the branch scoping every list and detail
endpoint must keep (the clients and users come from the ``api_as`` and ``users`` fixtures in
tests/conftest.py).

The world is the one tests/conftest.py builds: officer A is 西湖区's, officer B 滨江区's, the member
account is linked to 西湖甲 (so it is refused the staff endpoints), anonymous is refused outright.
"""

import pytest

# (role, status of 西湖区's row, status of 滨江区's row): another branch's row answers 404, not 403.
SCOPED_DETAIL_CASES = [
    ("staff", 200, 200),
    ("officer_a", 200, 404),
    ("officer_b", 404, 200),
    ("member", 403, 403),
    ("anonymous", 401, 401),
]

scoped_detail = pytest.mark.parametrize(("role", "xihu_status", "binjiang_status"), SCOPED_DETAIL_CASES)


def scoped_list(staff, officer_a, officer_b):
    """Parametrize a list test over the five roles as (role, status, expected): what staff, officer
    A and officer B see, and no list at all (expected None) for the member and anonymous."""
    return pytest.mark.parametrize(
        ("role", "status", "expected"),
        [
            ("staff", 200, staff),
            ("officer_a", 200, officer_a),
            ("officer_b", 200, officer_b),
            ("member", 403, None),
            ("anonymous", 401, None),
        ],
    )


def assert_list(client, url, status, field, expected):
    """GET a list: the status, and when ``expected`` is not None the set of ``field`` over its results."""
    response = client.get(url)
    assert response.status_code == status
    if expected is not None:
        assert {row[field] for row in response.json()["results"]} == expected
    return response


def assert_statuses(client, url, expected):
    """GET ``url`` (one ``{}`` for the primary key) for every pk of ``expected`` (pk -> status) and
    check the status."""
    for pk, status in expected.items():
        assert client.get(url.format(pk)).status_code == status, url.format(pk)


def assert_like_missing(client, url, pk):
    """Another branch's row answers exactly like a row that does not exist: the same 404, the same
    body. ``url`` has one ``{}`` for the primary key."""
    other = client.get(url.format(pk))
    missing = client.get(url.format(pk + 10_000))
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
