"""Upload paths: random names, so a draft's photo cannot be guessed from a published one."""

import uuid
from pathlib import PurePosixPath


def _random_name(folder: str, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in (".jpg", ".jpeg", ".png"):
        suffix = ".jpg"
    return f"publications/{folder}/{uuid.uuid4().hex}{suffix}"


def cover_path(instance, filename):
    return _random_name("covers", filename)


def photo_path(instance, filename):
    return _random_name("photos", filename)


def work_path(instance, filename):
    return _random_name("works", filename)
