"""Private file storage: certificates, cards, scans and import files are never served by a
media URL, only by scoped views that log each download.

The storage is ``STORAGES["private"]`` (a directory outside MEDIA_ROOT by default, a
private bucket in production); model fields name the ``private_storage`` callable.

Files that belong to a branch but carry no ID numbers (photos of houses, activities, service
events and condolence visits, assessment attachments) live in ``STORAGES["branch_files"]``:
also outside MEDIA_ROOT, with URLs under ``/files/`` that ``members.files.branch_file``
serves only to a user who may see the object holding the file (``visible_to``).
"""

from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: ``url()`` refuses, so no template can link a file."""

    def url(self, name):
        raise ValueError("私有文件没有公开地址，只能通过下载页面获取。")


def private_storage():
    """The storage for files holding personal data."""
    return storages["private"]


class BranchFileSystemStorage(FileSystemStorage):
    """Branch-owned files: their URL is the scoped ``/files/<name>`` view, never a media URL."""

    def url(self, name):
        from django.urls import reverse

        return reverse("branch_file", args=[name])


def branch_file_storage():
    """The storage for branch-owned photos and attachments (see ``members.files``)."""
    return storages["branch_files"]
