"""匠心卡: issue to craftsmen only, the ID-1 PDF front and back, verification, expiry list."""

import datetime

import pytest
from django.urls import reverse

from core.errors import ConflictError, DomainError
from members import services
from members.models import CraftsmanCard
from tests import factories as f
from tests.members.documents_helpers import pdf_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(xihu, staff_user, on_commit):
    member = f.craftsman(xihu, name=f.RARE_NAME)
    return on_commit(services.card_issue, member=member, actor=staff_user)


def test_card_pdf_is_id1_front_and_back(card, tmp_path):
    card.refresh_from_db()
    content = card.pdf.open("rb").read()
    info = pdf_tool("pdfinfo", content, tmp_path)
    assert "Pages:           2" in info
    assert "242.6" in info and "153.0" in info  # 85.6 × 53.98 mm in points
    text = pdf_tool("pdftotext", content, tmp_path)
    assert f.RARE_NAME in text and card.number in text and "地铁免费乘车" in text


def test_card_has_all_benefits_and_three_year_validity(card):
    assert card.benefits == ["parks", "bus", "metro"]
    assert card.expires_on == card.issued_on.replace(year=card.issued_on.year + 3) - datetime.timedelta(
        days=1
    )


def test_card_refused_without_craftsman_title(xihu_member, binjiang_member, staff_user):
    with pytest.raises(DomainError):
        services.card_issue(member=binjiang_member, actor=staff_user)


def test_second_active_card_is_a_conflict(card, staff_user):
    with pytest.raises(ConflictError):
        services.card_issue(member=card.member, actor=staff_user)


def test_card_verifies_through_the_same_page(client, card, staff_user):
    url = reverse("members:verify", args=[card.number]) + f"?code={card.verification_code}"
    assert "有效" in client.get(url).content.decode()
    services.card_revoke(card=card, actor=staff_user, reason="遗失")
    assert "已撤销" in client.get(url).content.decode()


def test_expiring_within_60_days(xihu, staff_user):
    today = datetime.date(2026, 6, 1)
    soon = services.card_issue(
        member=f.craftsman(xihu), actor=staff_user, issued_on=datetime.date(2023, 7, 1)
    )  # expires 2026-06-30
    services.card_issue(member=f.craftsman(xihu), actor=staff_user, issued_on=datetime.date(2025, 1, 1))
    assert list(CraftsmanCard.objects.expiring_within(60, today=today)) == [soon]


def test_expiring_filter_in_admin(client, xihu, staff_user):
    services.card_issue(member=f.craftsman(xihu), actor=staff_user)
    client.force_login(staff_user)
    response = client.get(reverse("admin:members_craftsmancard_changelist") + "?expiry=60")
    assert response.status_code == 200


def test_member_downloads_own_card_other_member_404(client, card, binjiang_member):
    url = reverse("members:card_download", args=[card.pk])
    client.force_login(f.member_user(card.member))
    assert client.get(url).status_code == 200
    client.force_login(f.member_user(binjiang_member))
    assert client.get(url).status_code == 404
