"""check --deploy: SITE_URL must be a public https address; the signing key must be usable."""

import datetime
import os
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from django.core import checks

from core import signing_keys
from core.checks import check_signing_key, check_site_url, site_url_problem


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "https://127.0.0.1",
        "https://127.8.9.10/",
        "https://localhost",
        "https://LOCALHOST.",
        "https://portal.localhost",
        "https://laomo.local",
        "https://[::1]:8443",
        "https://0.0.0.0",
        "https://10.1.2.3",
        "https://172.16.0.5",
        "https://172.31.255.1",
        "https://192.168.1.10",
        "https://169.254.1.1",
        "https://intranet",
        "http://portal.hzlmgj.example",
        "ftp://portal.hzlmgj.example",
        "portal.hzlmgj.example",
        "",
        "https://",
        "https://[::1",
    ],
)
def test_local_or_plain_site_urls_are_errors(url, settings):
    settings.SITE_URL = url
    assert site_url_problem(url) is not None
    assert [e.id for e in check_site_url()] == ["laomo.E101"]


@pytest.mark.parametrize(
    "url",
    ["https://portal.hzlmgj.example", "https://www.hzlmgj.cn/", "https://172.32.0.1", "https://8.8.8.8"],
)
def test_public_https_site_urls_pass(url, settings):
    settings.SITE_URL = url
    assert check_site_url() == []


def test_checks_are_registered_for_deploy_only():
    deploy = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    plain = checks.run_checks(include_deployment_checks=False, tags=[checks.Tags.security])
    assert "laomo.E101" in {e.id for e in deploy}  # the test settings keep the local default
    assert not {e.id for e in plain} & {"laomo.E101", "laomo.E102"}


def test_test_settings_key_passes():
    assert check_signing_key() == []


def _ids(errors):
    return [e.id for e in errors]


def _pair(directory, *, passphrase="pass-phrase", not_before=None, not_after=None):
    key = signing_keys.new_private_key("ec256")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "杭州市劳模工匠协会")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - datetime.timedelta(days=1))
        .not_valid_after(not_after or now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    os.makedirs(directory, exist_ok=True)
    key_path, cert_path = os.path.join(directory, "k.pem"), os.path.join(directory, "c.pem")
    signing_keys.write_private_file(Path(key_path), signing_keys.key_pem(key, passphrase))
    signing_keys.write_private_file(Path(cert_path), signing_keys.certificate_pem(certificate))
    return key_path, cert_path


@pytest.fixture
def pair(tmp_path, settings):
    key, cert = _pair(tmp_path / "signing")
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE, settings.SIGNING_KEY_PASSPHRASE = (
        key,
        cert,
        "pass-phrase",
    )
    return key, cert


def test_a_good_pair_passes(pair):
    assert check_signing_key() == []


@pytest.mark.parametrize("missing", ["SIGNING_KEY_FILE", "SIGNING_CERT_FILE"])
def test_missing_key_or_certificate(pair, settings, tmp_path, missing):
    setattr(settings, missing, str(tmp_path / "nowhere.pem"))
    errors = check_signing_key()
    assert _ids(errors) == ["laomo.E102"] and missing in errors[0].msg


def test_empty_setting_is_missing(pair, settings):
    settings.SIGNING_KEY_FILE = ""
    assert _ids(check_signing_key()) == ["laomo.E102"]


def test_wrong_passphrase_is_unreadable(pair, settings):
    settings.SIGNING_KEY_PASSPHRASE = "wrong"
    assert _ids(check_signing_key()) == ["laomo.E103"]


def test_garbage_certificate_is_unreadable(pair):
    with open(pair[1], "wb") as cert:
        cert.write(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    assert _ids(check_signing_key()) == ["laomo.E103"]


def test_unreadable_chain_file(pair, settings, tmp_path):
    settings.SIGNING_CHAIN_FILE = str(tmp_path / "chain.pem")
    assert _ids(check_signing_key()) == ["laomo.E103"]


def test_unencrypted_key(tmp_path, settings):
    key, cert = _pair(tmp_path / "plain", passphrase="")
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE, settings.SIGNING_KEY_PASSPHRASE = key, cert, ""
    assert _ids(check_signing_key()) == ["laomo.E104"]


def test_expired_certificate(tmp_path, settings):
    now = datetime.datetime.now(datetime.UTC)
    key, cert = _pair(
        tmp_path / "old",
        not_before=now - datetime.timedelta(days=400),
        not_after=now - datetime.timedelta(days=1),
    )
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE, settings.SIGNING_KEY_PASSPHRASE = (
        key,
        cert,
        "pass-phrase",
    )
    assert _ids(check_signing_key()) == ["laomo.E105"]


def test_not_yet_valid_certificate(tmp_path, settings):
    now = datetime.datetime.now(datetime.UTC)
    key, cert = _pair(tmp_path / "early", not_before=now + datetime.timedelta(days=2))
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE, settings.SIGNING_KEY_PASSPHRASE = (
        key,
        cert,
        "pass-phrase",
    )
    assert _ids(check_signing_key()) == ["laomo.E105"]


def test_key_and_certificate_not_a_pair(pair, settings, tmp_path):
    settings.SIGNING_CERT_FILE = _pair(tmp_path / "other")[1]
    assert _ids(check_signing_key()) == ["laomo.E106"]


def test_key_inside_the_repository_or_media(pair, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "signing")  # the pair's directory is now a backed-up one
    assert _ids(check_signing_key()) == ["laomo.E107", "laomo.E107"]


def test_key_readable_by_others_is_a_warning(pair):
    os.chmod(pair[0], 0o644)
    errors = check_signing_key()
    assert _ids(errors) == ["laomo.W108"] and isinstance(errors[0], checks.Warning)


def test_previous_certificate_that_cannot_be_read(pair, settings, tmp_path):
    settings.SIGNING_PREVIOUS_CERTS = [str(tmp_path / "gone.pem")]
    assert _ids(check_signing_key()) == ["laomo.E109"]
    settings.SIGNING_PREVIOUS_CERTS = [_pair(tmp_path / "before")[1]]
    assert check_signing_key() == []
