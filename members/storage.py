"""Private file storage: scans and import files are never served by a media URL, only by scoped views."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (outside MEDIA_ROOT); ``url()`` refuses, downloads go through views."""

    @property
    def base_location(self):
        return str(getattr(settings, "PRIVATE_MEDIA_ROOT", settings.BASE_DIR / "private_media"))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()
