"""manage.py signing_keygen: makes, refuses, keeps and rotates the association's key."""

import io
import os
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command

from core import signing, signing_keys
from tests.signing_helpers import signed, small_pdf


@pytest.fixture
def target(tmp_path, settings, monkeypatch):
    """Key and certificate paths in a directory that does not exist yet; an EC key unless a test
    asks for the real RSA-3072 (it takes a second to make)."""
    directory = tmp_path / "laomo-signing"
    settings.SIGNING_KEY_FILE = str(directory / "signing-key.pem")
    settings.SIGNING_CERT_FILE = str(directory / "signing-cert.pem")
    settings.SIGNING_KEY_PASSPHRASE = "a long passphrase"
    settings.DEBUG = False
    real = signing_keys.new_private_key
    monkeypatch.setattr(signing_keys, "new_private_key", lambda key_type="rsa3072": real("ec256"))
    return directory


def _run(*args) -> str:
    out = io.StringIO()
    call_command("signing_keygen", *args, stdout=out)
    return out.getvalue()


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_creates_an_encrypted_rsa3072_key_and_a_self_signed_certificate(target, settings, monkeypatch):
    monkeypatch.undo()  # the real key type
    output = _run("--days", "30")
    key_path, cert_path = settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE
    assert _mode(target) == 0o700 and _mode(key_path) == 0o600 and _mode(cert_path) == 0o600
    assert signing_keys.key_is_encrypted(key_path)
    with open(key_path, "rb") as key_file:
        assert key_file.read().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")  # PKCS#8
    key = signing_keys.load_private_key(key_path, "a long passphrase")
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 3072
    certificate = signing_keys.load_certificate(cert_path)
    assert signing_keys.key_matches_certificate(key, certificate)
    assert certificate.subject == certificate.issuer
    subject = {a.oid._name: a.value for a in certificate.subject}
    assert subject == {
        "countryName": "CN",
        "organizationName": "杭州市劳模工匠协会",
        "commonName": "杭州市劳模工匠协会",
    }
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    days = (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days
    assert days == 30
    fingerprint = signing_keys.pretty_fingerprint(signing_keys.fingerprint(certificate))
    assert fingerprint in output and "已加密" in output
    assert signing.inspect_pdf(signed(small_pdf())).verdict == signing.GENUINE


def test_default_validity_is_ten_years(target, settings):
    _run()
    certificate = signing_keys.load_certificate(settings.SIGNING_CERT_FILE)
    assert (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days == 3650


def test_refuses_an_unencrypted_key_without_the_flag(target, settings):
    settings.SIGNING_KEY_PASSPHRASE = ""
    with pytest.raises(CommandError, match="SIGNING_KEY_PASSPHRASE"):
        _run()
    assert not target.exists()


def test_unencrypted_key_with_the_flag_or_in_debug(target, settings):
    settings.SIGNING_KEY_PASSPHRASE = ""
    assert "未加密" in _run("--no-passphrase")
    assert not signing_keys.key_is_encrypted(settings.SIGNING_KEY_FILE)
    os.remove(settings.SIGNING_KEY_FILE)
    os.remove(settings.SIGNING_CERT_FILE)
    settings.DEBUG = True
    _run()
    assert not signing_keys.key_is_encrypted(settings.SIGNING_KEY_FILE)


def test_if_missing_keeps_an_existing_pair(target, settings):
    _run()
    with open(settings.SIGNING_KEY_FILE, "rb") as key, open(settings.SIGNING_CERT_FILE, "rb") as cert:
        before = key.read(), cert.read()
    assert "未做改动" in _run("--if-missing")
    with open(settings.SIGNING_KEY_FILE, "rb") as key, open(settings.SIGNING_CERT_FILE, "rb") as cert:
        assert (key.read(), cert.read()) == before


def test_if_missing_creates_when_nothing_exists(target, settings):
    _run("--if-missing")
    assert os.path.isfile(settings.SIGNING_KEY_FILE) and os.path.isfile(settings.SIGNING_CERT_FILE)


def test_existing_pair_is_not_replaced_without_force(target, settings):
    _run()
    with pytest.raises(CommandError, match="--force"):
        _run()


def test_half_a_pair_is_not_overwritten_by_if_missing(target, settings):
    _run()
    os.remove(settings.SIGNING_CERT_FILE)
    with pytest.raises(CommandError):
        _run("--if-missing")
    assert os.path.isfile(settings.SIGNING_KEY_FILE)


def test_force_rotates_and_sets_the_old_certificate_aside(target, settings):
    _run()
    old_file = signed(small_pdf(), "HZLM-2026-000042")
    old_fingerprint = signing_keys.fingerprint(signing_keys.load_certificate(settings.SIGNING_CERT_FILE))
    output = _run("--force")
    (aside,) = [p for p in target.iterdir() if ".previous-" in p.name]
    assert f"SIGNING_PREVIOUS_CERTS={aside}" in output
    assert signing_keys.fingerprint(signing_keys.load_certificate(aside)) == old_fingerprint
    assert (
        signing_keys.fingerprint(signing_keys.load_certificate(settings.SIGNING_CERT_FILE)) != old_fingerprint
    )
    assert _mode(aside) == 0o600
    # The old file: not ours until the old certificate is listed, then genuine again.
    assert signing.inspect_pdf(old_file).verdict == signing.FOREIGN
    settings.SIGNING_PREVIOUS_CERTS = [str(aside)]
    assert signing.inspect_pdf(old_file).verdict == signing.GENUINE
    assert signing.inspect_pdf(signed(small_pdf())).verdict == signing.GENUINE


def test_refuses_to_write_into_the_repository(settings):
    settings.SIGNING_KEY_FILE = str(settings.BASE_DIR / "signing-key.pem")
    settings.SIGNING_CERT_FILE = str(settings.BASE_DIR / "signing-cert.pem")
    settings.SIGNING_KEY_PASSPHRASE = "a long passphrase"
    with pytest.raises(CommandError, match="拒绝写入"):
        _run()
    assert not os.path.exists(settings.SIGNING_KEY_FILE)


def test_refuses_to_write_into_private_media(tmp_path, settings):
    private = settings.STORAGES["private"]["OPTIONS"]["location"]
    settings.SIGNING_KEY_FILE = os.path.join(private, "signing", "k.pem")
    settings.SIGNING_CERT_FILE = str(tmp_path / "c.pem")
    with pytest.raises(CommandError, match="拒绝写入"):
        _run()


def test_show_prints_subject_validity_and_fingerprint(target, settings):
    _run()
    output = _run("--show")
    certificate = signing_keys.load_certificate(settings.SIGNING_CERT_FILE)
    assert "杭州市劳模工匠协会" in output and "有效期" in output
    assert signing_keys.pretty_fingerprint(signing_keys.fingerprint(certificate)) in output


def test_show_without_a_certificate_says_so(target):
    with pytest.raises(CommandError, match="不存在"):
        _run("--show")


def test_days_out_of_range(target):
    with pytest.raises(CommandError):
        _run("--days", "0")
