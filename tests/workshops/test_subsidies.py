"""Subsidies (经费补助): who may record them, to which houses, and their totals."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.errors import DomainError
from core.models import AccessLog
from tests import factories as f
from workshops.models import Subsidy
from workshops.services import subsidy_record

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def paid(xihu, binjiang):
    """西湖: house A 10000 (2022) + 5000 (2023), house B 3000 (2023); 滨江: house C 7000 (2022)."""
    a = f.WorkshopFactory(branch=xihu, status="named", name="甲之家")
    b = f.WorkshopFactory(branch=xihu, status="named", name="乙之家")
    c = f.WorkshopFactory(branch=binjiang, status="named", name="丙之家")
    f.SubsidyFactory(workshop=a, year=2022, amount=D("10000"))
    f.SubsidyFactory(workshop=a, year=2023, amount=D("5000"), paid_on=datetime.date(2023, 3, 1))
    f.SubsidyFactory(workshop=b, year=2023, amount=D("3000"), paid_on=datetime.date(2023, 3, 1))
    f.SubsidyFactory(workshop=c, year=2022, amount=D("7000"))
    return a, b, c


def test_totals_per_house(paid):
    rows = {r["workshop__name"]: r["total"] for r in Subsidy.objects.totals_by_workshop()}
    assert rows == {"甲之家": D("15000"), "乙之家": D("3000"), "丙之家": D("7000")}


def test_totals_per_branch(paid):
    rows = {r["workshop__branch__name"]: (r["total"], r["count"]) for r in Subsidy.objects.totals_by_branch()}
    assert rows == {"西湖区": (D("18000"), 3), "滨江区": (D("7000"), 1)}


def test_totals_per_year(paid):
    assert {r["year"]: r["total"] for r in Subsidy.objects.totals_by_year()} == {
        2022: D("17000"),
        2023: D("8000"),
    }


def test_officer_totals_hold_only_own_branch(paid, xihu_officer):
    qs = Subsidy.objects.visible_to(xihu_officer)
    assert qs.grand_total() == D("18000")
    assert [r["workshop__branch__name"] for r in qs.totals_by_branch()] == ["西湖区"]


def test_house_subsidy_total_is_annotated(paid):
    from workshops.models import Workshop

    totals = dict(Workshop.objects.with_subsidy_total().values_list("name", "subsidy_total"))
    assert totals["甲之家"] == D("15000")


@pytest.mark.parametrize("status", ["applied", "reviewed", "rejected", "revoked"])
def test_subsidy_for_a_house_not_accepted_is_refused(xihu, staff_user, status):
    workshop = f.WorkshopFactory(branch=xihu, status=status)
    subsidy = Subsidy(
        workshop=workshop, year=2022, amount=D(100), purpose="operation", paid_on=datetime.date(2022, 1, 1)
    )
    with pytest.raises(DomainError, match="通过验收后才能拨付"):
        subsidy_record(subsidy=subsidy, actor=staff_user)
    assert not Subsidy.objects.exists()


def test_officer_cannot_record_a_subsidy(xihu, xihu_officer):
    workshop = f.WorkshopFactory(branch=xihu, status="named")
    subsidy = Subsidy(
        workshop=workshop, year=2022, amount=D(100), purpose="operation", paid_on=datetime.date(2022, 1, 1)
    )
    with pytest.raises(DomainError, match="协会工作人员"):
        subsidy_record(subsidy=subsidy, actor=xihu_officer)


def test_future_payment_date_is_refused(xihu, staff_user):
    from django.core.exceptions import ValidationError

    workshop = f.WorkshopFactory(branch=xihu, status="named")
    subsidy = Subsidy(
        workshop=workshop, year=2022, amount=D(100), purpose="operation", paid_on=datetime.date(2099, 1, 1)
    )
    with pytest.raises(ValidationError):
        subsidy_record(subsidy=subsidy, actor=staff_user)


def test_correcting_a_subsidy_of_a_revoked_house_is_allowed(xihu, staff_user):
    subsidy = f.SubsidyFactory(workshop=f.WorkshopFactory(branch=xihu, status="revoked"))
    subsidy.amount = D("9999")
    subsidy_record(subsidy=subsidy, actor=staff_user)
    subsidy.refresh_from_db()
    assert subsidy.amount == D("9999")


def test_changelist_shows_totals_of_the_filtered_rows(client, staff_user, paid):
    client.force_login(staff_user)
    response = client.get(reverse("admin:workshops_subsidy_changelist"), {"year": 2023})
    totals = response.context["subsidy_totals"]
    assert totals["grand"] == D("8000")
    assert "筛选结果合计：8000.00 元" in response.content.decode()


def test_officer_changelist_totals_are_own_branch(client, xihu_officer, paid):
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:workshops_subsidy_changelist"))
    assert response.context["subsidy_totals"]["grand"] == D("18000")
    assert "丙之家" not in response.content.decode()


def test_admin_add_for_an_applied_house_shows_the_reason_and_writes_nothing(client, staff_user, xihu):
    workshop = f.WorkshopFactory(branch=xihu, status="applied")
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:workshops_subsidy_add"),
        {
            "workshop": workshop.pk,
            "year": 2022,
            "amount": "100",
            "purpose": "operation",
            "paid_on": "2022-01-01",
        },
    )
    assert "通过验收后才能拨付" in response.content.decode()
    assert not Subsidy.objects.exists()


def test_export_action_writes_rows_and_totals_and_logs_it(client, staff_user, paid):
    client.force_login(staff_user)
    ids = list(Subsidy.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:workshops_subsidy_changelist"), {"action": "export_xlsx", "_selected_action": ids}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[-1][0] == "总计" and D(str(rows[-1][5])) == D("25000")
    assert ["按分会合计", "西湖区"] == rows[6][:2]
    assert AccessLog.objects.filter(action="export", target="劳模工匠之家经费补助", row_count=4).exists()


def test_export_action_with_other_branch_ids_exports_none_of_them(client, xihu_officer, paid):
    client.force_login(xihu_officer)
    other = Subsidy.objects.filter(workshop__name="丙之家").values_list("pk", flat=True)
    response = client.post(
        reverse("admin:workshops_subsidy_changelist"),
        {"action": "export_xlsx", "_selected_action": list(other)},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "丙之家" not in cells and "滨江区" not in cells
    assert cells[-2:] == ["总计", 0]
