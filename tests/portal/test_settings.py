"""Configuration: production settings pass check --deploy; docker-compose names its services."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7kq!p2v9#mZ4r8wL1nB6cT0yH3jF5sD8gA2eU7iO4qW9zXc3vBn6mLk8jHg5fDs",
    "ALLOWED_HOSTS": "portal.hzlmgj.example",
    "DATABASE_URL": "postgres://laomo:secret@db:5432/laomo",
    "REDIS_URL": "redis://redis:6379/0",
    "SITE_URL": "https://portal.hzlmgj.example",
    # SIGNING_KEY_FILE, SIGNING_CERT_FILE and SIGNING_KEY_PASSPHRASE: the test settings' throwaway
    # pair (an encrypted key outside the repository), inherited through the environment.
}


def run_manage(*args, env_overrides):
    dropped = ("DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "laomo_portal.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_flags_the_default_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_check_deploy_flags_a_local_site_url():
    env = {**PRODUCTION_ENV, "SITE_URL": "http://127.0.0.1:8000"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert result.returncode != 0 and "laomo.E101" in result.stdout + result.stderr


def test_check_deploy_flags_a_missing_signing_key(tmp_path):
    env = {**PRODUCTION_ENV, "SIGNING_KEY_FILE": str(tmp_path / "none.pem")}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert result.returncode != 0 and "laomo.E102" in result.stdout + result.stderr


def test_signing_key_defaults_outside_the_repository_and_backups():
    """Production's default location: the user's data directory, not the repository, MEDIA_ROOT
    or PRIVATE_MEDIA_ROOT (core/backups.py archives those)."""
    code = (
        "from django.conf import settings as s; from core.backups import file_areas; from pathlib import Path; "
        "key = Path(s.SIGNING_KEY_FILE).resolve(); "
        "print(key); "
        "assert not key.is_relative_to(s.BASE_DIR.resolve()), 'in the repository'; "
        "assert not any(key.is_relative_to(p.resolve()) for p in file_areas().values()), 'in a backup'"
    )
    dropped = ("SIGNING_KEY_FILE", "SIGNING_CERT_FILE", "SIGNING_DIR", "SIGNING_KEY_PASSPHRASE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="laomo_portal.settings", HOME="/home/portal")
    for name in dropped:
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "/home/portal/.local/share/laomo-portal/signing/signing-key.pem"


def test_settings_defaults(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_docker_compose_names_the_production_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name]
    assert (
        "gunicorn" in " ".join(services["web"]["command"])
        if isinstance(services["web"]["command"], list)
        else services["web"]["command"]
    )
    assert "beat" in str(services["beat"]["command"])
    assert "worker" in str(services["worker"]["command"])
    assert compose.get("volumes")
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "DATABASE_URL" in env and "REDIS_URL" in env


def test_web_and_worker_share_the_private_files_on_a_volume():
    """The worker writes certificate PDFs that web serves: both must see one persistent directory."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    private = services["web"]["environment"]["PRIVATE_MEDIA_ROOT"]
    for name in ("web", "worker"):
        assert services[name]["environment"]["PRIVATE_MEDIA_ROOT"] == private
        volumes = {v.split(":")[1]: v.split(":")[0] for v in services[name]["volumes"]}
        assert volumes.get(private) in compose["volumes"], name


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_debug_is_refused_with_a_production_database():
    env = {**PRODUCTION_ENV, "DEBUG": "true"}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "DEBUG=true is refused" in result.stderr


def test_public_pages_carry_a_content_security_policy(client, db):
    response = client.get("/healthz/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_cookies_are_secure():
    result = run_manage(
        "shell", "-v", "0", "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)",
        env_overrides=PRODUCTION_ENV,
    )  # fmt: skip
    assert result.stdout.split() == ["True", "True", "True", "True"], result.stderr


def test_static_files_are_served_by_the_app_itself(client, settings, tmp_path):
    """Without DEBUG and without a proxy (docker-compose), the admin still gets its CSS."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", verbosity=0)
    response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).strip()


@pytest.mark.django_db
def test_public_media_is_served_and_nothing_outside_it(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "publications").mkdir(parents=True)
    (tmp_path / "media" / "publications" / "cover.png").write_bytes(b"\x89PNG cover")
    (tmp_path / "secret.txt").write_text("secret")
    response = client.get("/media/publications/cover.png")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\x89PNG cover"
    assert response["X-Content-Type-Options"] == "nosniff"
    for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/publications/../../secret.txt"):
        assert client.get(path).status_code in (400, 404), path


@pytest.mark.parametrize(
    ("proxies", "trusted"), [("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")]
)
def test_forwarded_proto_is_believed_only_from_our_proxies(proxies, trusted):
    """X-Forwarded-Proto, like X-Forwarded-For, is the client's own word without a proxy of ours."""
    env = {**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": proxies}
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = run_manage("shell", "-c", code, env_overrides=env)
    assert result.stdout.strip().splitlines()[-1] == trusted, result.stderr


def test_compose_counts_the_tls_proxy_in_front():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["x-portal-env"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
