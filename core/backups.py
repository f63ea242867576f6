"""Backup and restore of the database and media as one .tar file.

PostgreSQL: ``pg_dump --format=custom`` / ``pg_restore --clean``; SQLite: the sqlite3
backup API. Files: one gzip tarball per file area kept on local disk: MEDIA_ROOT, and the
private and branch-files storages (certificates, scans, visit photos) when they are local
directories; a storage in a bucket is backed up by the bucket's own versioning. The private
areas hold personal data, so the backup file is written readable by its owner only. A
``manifest.json`` records the row counts of the portal's tables so that a restore can be
checked against them.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection


class BackupError(Exception):
    pass


def table_counts() -> dict[str, int]:
    """Row counts of every portal table (and users), as the manifest records them."""
    counts = {}
    models = [m for label in settings.PORTAL_APPS for m in apps.get_app_config(label).get_models()]
    models.append(apps.get_model("auth", "User"))
    for model in models:
        counts[model._meta.db_table] = model._base_manager.count()
    return counts


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[:2000]}")


def file_areas() -> dict[str, Path]:
    """Local directories to back up, by name; an area inside another one is not repeated."""
    areas = {"media": Path(settings.MEDIA_ROOT)}
    for alias in ("private", "branch_files"):
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            areas[alias] = Path(storage.location)
    kept: dict[str, Path] = {}
    for name, path in sorted(areas.items(), key=lambda item: len(item[1].resolve().parts)):
        if not any(path.resolve().is_relative_to(other.resolve()) for other in kept.values()):
            kept[name] = path
    return kept


def backup_create(*, output: Path) -> Path:
    """Write database + media + manifest into ``output`` (a .tar file); returns its path."""
    db = settings.DATABASES["default"]
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if connection.vendor == "postgresql":
            dump = tmp / "database.pgdump"
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *_pg_args(db), db["NAME"]],
                _pg_env(db),
            )
        elif connection.vendor == "sqlite":
            dump = tmp / "database.sqlite3"
            source = sqlite3.connect(db["NAME"])
            target = sqlite3.connect(dump)
            source.backup(target)
            source.close()
            target.close()
        else:
            raise BackupError(f"不支持的数据库：{connection.vendor}")
        file_archives = []
        for name, root in file_areas().items():
            file_archives.append(f"{name}.tar.gz")
            with tarfile.open(tmp / file_archives[-1], "w:gz") as archive:
                if root.exists():
                    archive.add(root, arcname=name)
        manifest = {
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "vendor": connection.vendor,
            "database_file": dump.name,
            "file_areas": file_archives,
            "counts": table_counts(),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data inside
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
            for name in ("manifest.json", dump.name, *file_archives):
                archive.add(tmp / name, arcname=name)
    return output


def _safe_members(archive: tarfile.TarFile, prefix: str = ""):
    for member in archive.getmembers():
        if member.name.startswith(("/", "..")) or ".." in Path(member.name).parts:
            raise BackupError(f"备份文件中有不安全的路径：{member.name}")
        if prefix and not member.name.startswith(prefix):
            continue
        yield member


def backup_restore(*, source: Path) -> dict:
    """Restore a backup into the configured database and MEDIA_ROOT; returns the manifest."""
    db = settings.DATABASES["default"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(source, "r") as archive:
            archive.extractall(tmp, members=list(_safe_members(archive)), filter="data")
        manifest = json.loads((tmp / "manifest.json").read_text())
        dump = tmp / manifest["database_file"]
        if connection.vendor == "postgresql":
            if manifest["vendor"] != "postgresql":
                raise BackupError("这是 SQLite 备份，不能恢复到 PostgreSQL。")
            connection.close()
            _run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                 "--dbname", db["NAME"], *_pg_args(db), str(dump)],
                _pg_env(db),
            )  # fmt: skip
        elif connection.vendor == "sqlite":
            if manifest["vendor"] != "sqlite":
                raise BackupError("这是 PostgreSQL 备份，不能恢复到 SQLite。")
            connection.close()
            shutil.copyfile(dump, db["NAME"])
        areas = file_areas()
        for archive_name in manifest.get("file_areas", ["media.tar.gz"]):
            name = archive_name.removesuffix(".tar.gz")
            root = areas.get(name)
            if root is None:
                raise BackupError(f"备份中的“{name}”文件在本机不是本地目录，请另行恢复到对应的存储。")
            with tarfile.open(tmp / archive_name, "r:gz") as files:
                root.mkdir(parents=True, exist_ok=True)
                members = list(_safe_members(files, name))
                for member in members:
                    member.name = member.name.removeprefix(name).lstrip("/") or "."
                files.extractall(root, members=members, filter="data")
    return manifest
