"""Certificates and cards with rare characters: they print, or issuing refuses and says which.

A name with a character from CJK Extension B–H prints in the project's faces (赵孟𫖯); a
character none of them has (CJK Extension I, a private-use character from an old system) is
refused before a number is taken, with the character and its code point in the message.
"""

import pytest
from django.urls import reverse

from core.errors import DomainError
from members import services
from members.models import Certificate, CraftsmanCard
from tests import factories as f
from tests.members.documents_helpers import pdf_tool

pytestmark = pytest.mark.django_db

EXT_I = "\U0002ebf0"  # CJK Extension I (Unicode 15.1): no project face has it
MESSAGE = (
    "姓名「赵孟\U0002ebf0」中的“\U0002ebf0”（U+2EBF0）无法打印：证明所用字体不含此字。请联系协会系统管理员。"
)


def test_extension_c_name_certificate_prints_in_project_faces(xihu, staff_user, tmp_path, on_commit):
    member = f.MemberFactory(branch=xihu, name="赵孟𫖯")
    f.HonorFactory(member=member, title="杭州工匠", kind="craftsman", level=3, year=2021)
    certificate = on_commit(services.certificate_issue, member=member, actor=staff_user, purpose="子女入学")
    certificate.refresh_from_db()
    content = certificate.pdf.open("rb").read()
    assert "赵孟𫖯" in pdf_tool("pdftotext", content, tmp_path)
    fonts = [line.split()[0] for line in pdf_tool("pdffonts", content, tmp_path).splitlines()[2:]]
    assert sorted(name.split("+")[1] for name in fonts) == ["HZLM-Han-Ext", "HZLM-Serif-SC"]
    assert len(content) <= 60 * 1024


def test_admin_refuses_certificate_for_unprintable_name(client, staff_user, xihu):
    member = f.MemberFactory(branch=xihu, name=f"赵孟{EXT_I}")
    f.HonorFactory(member=member, title="浙江省劳动模范", level=2, year=2016)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_certificate_add"),
        {"member": member.pk, "purpose": "办理公园年卡"},
        follow=True,
    )
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("purpose", "title", "named"),
    [
        ("疗休养\ue000", "杭州工匠", "证明用途「疗休养\ue000」"),
        ("疗休养", f"杭州工匠{EXT_I}", "荣誉称号「杭州工匠"),
    ],
)
def test_certificate_refuses_unprintable_purpose_or_honour(xihu, staff_user, purpose, title, named):
    member = f.MemberFactory(branch=xihu)
    f.HonorFactory(member=member, title=title, kind="craftsman", level=3, year=2021)
    with pytest.raises(DomainError) as refused:
        services.certificate_issue(member=member, actor=staff_user, purpose=purpose)
    assert refused.value.code == "unprintable_character" and named in refused.value.message
    assert not Certificate.objects.exists()


def test_card_refuses_unprintable_name(xihu, staff_user):
    member = f.craftsman(xihu, name="李\ue000")
    with pytest.raises(DomainError) as refused:
        services.card_issue(member=member, actor=staff_user)
    assert refused.value.message == (
        "姓名「李\ue000」中的“\ue000”（U+E000）无法打印：匠心卡所用字体不含此字。请联系协会系统管理员。"
    )
    assert not CraftsmanCard.objects.exists()
