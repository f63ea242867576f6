"""Private file storage: certificates, cards, scans and import files are never served by a
media URL, only by scoped views that log each download.

The storage is ``STORAGES["private"]`` (a directory outside MEDIA_ROOT by default, a
private bucket in production); model fields name the ``private_storage`` callable.
"""

from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: ``url()`` refuses, so no template can link a file."""

    def url(self, name):
        raise ValueError("私有文件没有公开地址，只能通过下载页面获取。")


def private_storage():
    """The storage for files holding personal data."""
    return storages["private"]
