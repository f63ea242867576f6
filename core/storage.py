"""Private file storage: certificates, cards, scans and import files are never served by a
media URL, only by scoped views that log each download.

The storage is ``STORAGES["private"]`` (a directory outside MEDIA_ROOT by default, a
private bucket in production); model fields name the ``private_storage`` callable.

Files that belong to a branch but carry no ID numbers (photos of houses, activities, service
events and condolence visits, assessment attachments) live in ``STORAGES["branch_files"]``:
also outside MEDIA_ROOT, with URLs under ``/files/`` that ``core.files.branch_file``
serves only to a user who may see the object holding the file (``visible_to``).
"""

from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.urls import reverse

PRIVATE = "private"
BRANCH_FILES = "branch_files"


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: ``url()`` refuses, so no template can link a file."""

    def url(self, name):
        raise ValueError("私有文件没有公开地址，只能通过下载页面获取。")


def private_storage():
    """The storage for files holding personal data."""
    return storages[PRIVATE]


class BranchFileSystemStorage(FileSystemStorage):
    """Branch-owned files: their URL is the scoped ``/files/<name>`` view, never a media URL."""

    def url(self, name):
        return reverse("branch_file", args=[name])


def branch_file_storage():
    """The storage for branch-owned photos and attachments (see ``core.files``)."""
    return storages[BRANCH_FILES]


def storage_alias(field) -> str | None:
    """The ``STORAGES`` alias a file field names (``private`` or ``branch_files``), or None.

    Read from the callable the field was declared with, not from the storage's class: any
    backend configured under the alias (a bucket, an in-memory storage in tests) counts.
    """
    storage = field.deconstruct()[3].get("storage")
    return {private_storage: PRIVATE, branch_file_storage: BRANCH_FILES}.get(storage)


def files_move_to_branch_storage(model, field_name: str) -> int:
    """Move a field's existing files from MEDIA_ROOT into the branch-files storage (migrations).

    Used by the migrations that moved photos and attachments out of public media; files
    already moved or missing are left alone, so running it again does nothing.
    """
    target = branch_file_storage()
    moved = 0
    names = model._base_manager.exclude(**{field_name: ""}).values_list(field_name, flat=True)
    for name in names.iterator():
        if target.exists(name) or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as source:
            saved = target.save(name, source)
        if saved != name:  # the storage renamed it: keep the database's name valid
            target.delete(saved)
            continue
        default_storage.delete(name)
        moved += 1
    return moved
