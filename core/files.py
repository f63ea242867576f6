"""``/files/<name>``: branch-owned photos and attachments, served through the one scoping mechanism.

Every file field declared on ``branch_file_storage`` (the ``STORAGES["branch_files"]`` alias) is
found by introspection, so a new photo model is covered as soon as its field names that storage;
the file is read from whatever backend the alias is configured with (a local directory, a bucket),
never recognised by the storage's class. A file is served only when the
object holding it is in ``Model.objects.visible_to(request.user)``; anything else, including
a name no model holds, answers 404 exactly like a missing file.
"""

import functools
import mimetypes
import posixpath

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.db import models
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from core.storage import BRANCH_FILES, storage_alias

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}


@functools.cache
def branch_file_fields() -> tuple[tuple[type[models.Model], str], ...]:
    """(model, field name) of every file field kept in the branch-files storage alias."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and storage_alias(field) == BRANCH_FILES:
                found.append((model, field.name))
    return tuple(found)


def _holder_visible(user, name: str) -> bool:
    return any(
        model.objects.visible_to(user).filter(**{field_name: name}).exists()
        for model, field_name in branch_file_fields()
    )


@require_GET
@login_required(login_url="admin:login")
def branch_file(request, name: str):
    if name != posixpath.normpath(name) or name.startswith(("/", "..")):
        raise Http404
    storage = storages[BRANCH_FILES]
    if not _holder_visible(request.user, name) or not storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        storage.open(name, "rb"),
        content_type=content_type,
        as_attachment=content_type not in INLINE_TYPES,
        filename=posixpath.basename(name),
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response
