"""Branch-owned photos and attachments: outside MEDIA_ROOT, served by /files/ through visible_to."""

import pytest
from django.conf import settings
from django.urls import reverse

from core.files import branch_file_fields
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_photos(xihu_member, binjiang_member):
    from wellbeing.models import CondolenceVisitPhoto

    photos = {}
    for key, member in (("xihu", xihu_member), ("binjiang", binjiang_member)):
        visit = f.CondolenceVisitFactory(member=member, occasion="illness")
        photos[key] = CondolenceVisitPhoto.objects.create(visit=visit, image=f.png_file(f"{key}-bedside.png"))
    return photos


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_every_photo_and_attachment_of_a_branch_is_kept_in_branch_storage():
    fields = {(model._meta.label, name) for model, name in branch_file_fields()}
    assert fields == {
        ("workshops.WorkshopPhoto", "image"),
        ("workshops.ActivityPhoto", "image"),
        ("workshops.AssessmentAttachment", "file"),
        ("volunteering.EventPhoto", "image"),
        ("wellbeing.CondolenceVisitPhoto", "image"),
    }


def test_file_is_written_outside_media_root_and_linked_to_the_scoped_view(visit_photos):
    photo = visit_photos["xihu"]
    path = photo.image.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert photo.image.url == reverse("branch_file", args=[photo.image.name])
    assert photo.image.url.startswith("/files/")


def test_officer_gets_own_branch_photo_and_404_for_another_branch(client, xihu_officer, visit_photos):
    client.force_login(xihu_officer)
    own = client.get(visit_photos["xihu"].image.url)
    assert own.status_code == 200
    assert own["Content-Type"] == "image/png"
    assert own["X-Content-Type-Options"] == "nosniff"
    assert _body(own) == visit_photos["xihu"].image.open("rb").read()
    assert client.get(visit_photos["binjiang"].image.url).status_code == 404


def test_staff_get_every_branch_photo(client, staff_user, visit_photos):
    client.force_login(staff_user)
    assert all(client.get(p.image.url).status_code == 200 for p in visit_photos.values())


def test_anonymous_is_sent_to_login_and_a_member_gets_404(client, visit_photos, xihu_member):
    url = visit_photos["xihu"].image.url
    response = client.get(url)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    xihu_member.user = f.UserFactory(username="member-self")
    xihu_member.save()
    client.force_login(xihu_member.user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["../settings.py", "wellbeing/../../etc/passwd", "certificates/2026/HZLM-2026-00001.pdf", "nope.png"],
)
def test_names_no_visible_object_holds_are_404(client, staff_user, visit_photos, name):
    client.force_login(staff_user)
    assert client.get(reverse("branch_file", args=[name])).status_code == 404


def test_visit_admin_links_photos_through_the_scoped_view(client, xihu_officer, visit_photos):
    client.force_login(xihu_officer)
    visit = visit_photos["xihu"].visit
    body = client.get(reverse("admin:wellbeing_condolencevisit_change", args=[visit.pk])).content.decode()
    assert visit_photos["xihu"].image.url in body
    assert settings.MEDIA_URL + "wellbeing/" not in body


def test_files_left_in_public_media_by_older_versions_are_moved(settings, tmp_path, visit_photos):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.storage import branch_file_storage, files_move_to_branch_storage
    from wellbeing.models import CondolenceVisitPhoto

    settings.MEDIA_ROOT = tmp_path / "media"
    old_name = default_storage.save("wellbeing/visits/2025/01/old-bedside.png", ContentFile(f.png_bytes()))
    CondolenceVisitPhoto.objects.filter(pk=visit_photos["xihu"].pk).update(image=old_name)

    assert files_move_to_branch_storage(CondolenceVisitPhoto, "image") == 1
    assert not default_storage.exists(old_name)
    assert branch_file_storage().open(old_name).read() == f.png_bytes()
    assert files_move_to_branch_storage(CondolenceVisitPhoto, "image") == 0  # already moved


def test_files_are_found_by_the_storage_alias_not_the_backend_class(
    client, settings, monkeypatch, xihu_officer, xihu_member
):
    """A bucket (or any other backend) configured as STORAGES["branch_files"] is served too."""
    from django.core.files.storage import InMemoryStorage, storages

    from core.files import branch_file_fields
    from core.storage import BranchFileSystemStorage
    from wellbeing.models import CondolenceVisitPhoto

    settings.STORAGES = {
        **settings.STORAGES,
        "branch_files": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    storage = storages["branch_files"]
    assert isinstance(storage, InMemoryStorage) and not isinstance(storage, BranchFileSystemStorage)
    # As in production, where the field's storage is the configured backend from the start.
    monkeypatch.setattr(CondolenceVisitPhoto._meta.get_field("image"), "storage", storage)
    branch_file_fields.cache_clear()
    try:
        assert ("wellbeing.CondolenceVisitPhoto", "image") in {
            (m._meta.label, n) for m, n in branch_file_fields()
        }
        visit = f.CondolenceVisitFactory(member=xihu_member, occasion="illness")
        photo = CondolenceVisitPhoto.objects.create(visit=visit, image=f.png_file("bedside.png"))
        assert storage.exists(photo.image.name)
        url = reverse("branch_file", args=[photo.image.name])
        client.force_login(xihu_officer)
        response = client.get(url)
        assert response.status_code == 200 and _body(response) == f.png_bytes()
        client.force_login(f.officer(None, username="officer_nobody"))
        assert client.get(url).status_code == 404
    finally:
        branch_file_fields.cache_clear()
