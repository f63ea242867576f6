"""make backup / make restore: a dump restored into a fresh database has the same counts."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env):
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "laomo_portal.test_settings", **env}
    full_env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def count_sqlite(path, table):
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_sqlite_backup_restores_into_a_fresh_database(tmp_path):
    source, target = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    private, restored_private = tmp_path / "private", tmp_path / "restored-private"
    (media / "covers").mkdir(parents=True)
    (media / "covers" / "cover.png").write_bytes(b"\x89PNG cover")
    (private / "scans").mkdir(parents=True)
    (private / "scans" / "form.pdf").write_bytes(b"%PDF-1.4 scan")  # irreplaceable: a scanned paper
    (private / "branch" / "wellbeing").mkdir(parents=True)
    (private / "branch" / "wellbeing" / "visit.png").write_bytes(b"\x89PNG visit")
    env = {
        "DATABASE_URL": f"sqlite:///{source}",
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
    }
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", "--members", "40", env=env)
    manage("backup", "--output", str(tmp_path / "b.tar"), env=env)
    assert (tmp_path / "b.tar").stat().st_mode & 0o777 == 0o600  # it holds personal data
    restore_env = {
        "DATABASE_URL": f"sqlite:///{target}",
        "MEDIA_ROOT": str(restored_media),
        "PRIVATE_MEDIA_ROOT": str(restored_private),
    }
    output = manage("restore", str(tmp_path / "b.tar"), env=restore_env)
    assert "恢复完成" in output
    for table in ("members_member", "members_honor", "members_branch", "auth_user"):
        assert count_sqlite(target, table) == count_sqlite(source, table) > 0
    assert (restored_media / "covers" / "cover.png").read_bytes() == b"\x89PNG cover"
    assert (restored_private / "scans" / "form.pdf").read_bytes() == b"%PDF-1.4 scan"
    assert (restored_private / "branch" / "wellbeing" / "visit.png").read_bytes() == b"\x89PNG visit"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_a_fresh_database(tmp_path, xihu, binjiang):
    import psycopg2

    for branch in (xihu, binjiang):
        for _ in range(5):
            f.HonorFactory(member=f.MemberFactory(branch=branch))
    settings_dict = connection.settings_dict
    base = f"postgres://{settings_dict['USER'] or 'postgres'}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    fresh = f"laomo_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(dbname="postgres", user=settings_dict["USER"] or "postgres",
                             host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432)  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        media = tmp_path / "media"
        media.mkdir()
        manage(
            "backup",
            "--output",
            str(tmp_path / "b.tar"),
            env={"DATABASE_URL": f"{base}/{settings_dict['NAME']}", "MEDIA_ROOT": str(media)},
        )
        output = manage(
            "restore",
            str(tmp_path / "b.tar"),
            env={"DATABASE_URL": f"{base}/{fresh}", "MEDIA_ROOT": str(tmp_path / "m2")},
        )
        assert "恢复完成" in output
        restored = psycopg2.connect(dbname=fresh, user=settings_dict["USER"] or "postgres",
                                    host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432)  # fmt: skip
        with restored.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM members_member")
            assert cursor.fetchone()[0] == 10
            cursor.execute("SELECT COUNT(*) FROM members_honor")
            assert cursor.fetchone()[0] == 10
        restored.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def test_restore_refuses_unsafe_paths(tmp_path):
    import io
    import tarfile

    from core.backups import BackupError, backup_restore

    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as archive:
        data = b"{}"
        info = tarfile.TarInfo("../../escape.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError):
        backup_restore(source=bad)


@pytest.mark.parametrize(
    ("private", "branch", "expected"),
    [
        ("private", "private/branch", {"media", "private"}),  # the default layout: branch inside private
        ("private", "elsewhere", {"media", "private", "branch_files"}),
        ("media", "media/branch", {"media"}),  # everything under one root is archived once
    ],
)
def test_each_local_file_area_is_archived_once(settings, tmp_path, private, branch, expected):
    from core.backups import file_areas

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(tmp_path / private)}},
        "branch_files": {"BACKEND": "core.storage.BranchFileSystemStorage", "OPTIONS": {"location": str(tmp_path / branch)}},
    }  # fmt: skip
    assert set(file_areas()) == expected
