"""The association's signing key and certificate as files: make, read, describe, check.

Only the ``cryptography`` package: the PDF signature itself is ``core/signing.py``. This
module is what ``manage.py signing_keygen``, the deploy checks (``core/checks.py``) and the
test settings share, so a key that the command writes is one the checks and the signer read.

Files are PEM (DER is read too). The key is PKCS#8, encrypted with the passphrase when one is
set (``SIGNING_KEY_PASSPHRASE``, environment only). They live outside the repository and
outside every media directory (docs/security.md, "The signing key").
"""

import datetime
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

KEY_TYPES = ("rsa3072", "ec256")
DEFAULT_DAYS = 3650


class SigningKeyError(Exception):
    """The key or certificate cannot be used; the message is Chinese, for an operator or render_error."""


def passphrase_bytes(passphrase: str | None) -> bytes | None:
    return passphrase.encode() if passphrase else None


def new_private_key(key_type: str = "rsa3072"):
    if key_type == "rsa3072":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if key_type == "ec256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown key type {key_type!r}")


def new_self_signed_certificate(private_key, *, common_name: str, days: int = DEFAULT_DAYS):
    """A self-signed certificate for signing documents: CN = O = ``common_name``, C = CN,
    keyUsage digitalSignature + nonRepudiation (critical), not a CA."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
    )  # fmt: skip
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(usage, critical=True)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def key_pem(private_key, passphrase: str | None) -> bytes:
    """PKCS#8 PEM, encrypted with ``passphrase`` when given."""
    secret = passphrase_bytes(passphrase)
    encryption = serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def certificate_pem(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def write_private_file(path: Path, content: bytes) -> None:
    """Write ``content`` readable by its owner only (0600), replacing ``path`` in one rename."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _read(path, what: str) -> bytes:
    if not path:
        raise SigningKeyError(f"未配置{what}。")
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(f"{what}不存在：{path}") from None
    except OSError as exc:
        raise SigningKeyError(f"{what}无法读取：{path}（{exc.strerror or exc}）") from None


def load_private_key(path, passphrase: str | None):
    """The private key at ``path``; a key without encryption is read even when a passphrase is set."""
    data = _read(path, "签名密钥文件")
    secret = passphrase_bytes(passphrase)
    loader = (
        serialization.load_pem_private_key if b"-----BEGIN" in data else serialization.load_der_private_key
    )
    try:
        return loader(data, password=secret)
    except TypeError:
        if secret is None:
            raise SigningKeyError("签名密钥已加密，请设置环境变量 SIGNING_KEY_PASSPHRASE。") from None
        try:  # a passphrase was set for a key without one
            return loader(data, password=None)
        except (TypeError, ValueError):
            raise SigningKeyError(f"签名密钥无法读取：{path}") from None
    except ValueError:
        if secret is not None:
            raise SigningKeyError(
                "签名密钥无法解密：口令（SIGNING_KEY_PASSPHRASE）错误或文件已损坏。"
            ) from None
        raise SigningKeyError(f"签名密钥无法读取（不是 PEM/DER 格式的私钥）：{path}") from None
    except Exception:  # the parsers of cryptography raise a few kinds on damaged input
        raise SigningKeyError(f"签名密钥无法读取：{path}") from None


def key_is_encrypted(path) -> bool:
    """True when the key file cannot be read without a passphrase."""
    data = _read(path, "签名密钥文件")
    loader = (
        serialization.load_pem_private_key if b"-----BEGIN" in data else serialization.load_der_private_key
    )
    try:
        loader(data, password=None)
    except TypeError:
        return True
    except Exception:
        raise SigningKeyError(f"签名密钥无法读取：{path}") from None
    return False


def load_certificates(path, what: str = "签名证书文件") -> list:
    """Every certificate in a PEM file (or the one of a DER file), in file order."""
    data = _read(path, what)
    try:
        if b"-----BEGIN" in data:
            certificates = x509.load_pem_x509_certificates(data)
        else:
            certificates = [x509.load_der_x509_certificate(data)]
    except Exception:
        raise SigningKeyError(f"{what}无法读取（不是 PEM/DER 格式的证书）：{path}") from None
    if not certificates:
        raise SigningKeyError(f"{what}中没有证书：{path}")
    return certificates


def load_certificate(path, what: str = "签名证书文件"):
    return load_certificates(path, what)[0]


def fingerprint(certificate) -> str:
    """SHA-256 of the certificate's DER encoding, lower-case hex."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def fingerprint_of_der(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def pretty_fingerprint(value: str) -> str:
    return ":".join(value[i : i + 2] for i in range(0, len(value), 2)).upper()


def key_matches_certificate(private_key, certificate) -> bool:
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return private_key.public_key().public_bytes(*spki) == certificate.public_key().public_bytes(*spki)


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    fingerprint: str

    def expired(self, now: datetime.datetime | None = None) -> bool:
        now = now or datetime.datetime.now(datetime.UTC)
        return not (self.not_before <= now <= self.not_after)


def certificate_facts(certificate) -> CertificateFacts:
    return CertificateFacts(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        fingerprint=fingerprint(certificate),
    )


def throwaway_key_files(directory, *, passphrase: str) -> tuple[str, str]:
    """A throwaway EC P-256 key (encrypted with ``passphrase``) and certificate in ``directory``,
    for test settings: fast to make and to load, and what ``check --deploy`` accepts."""
    key = new_private_key("ec256")
    certificate = new_self_signed_certificate(key, common_name="杭州市劳模工匠协会", days=30)
    key_path, cert_path = Path(directory) / "signing-key.pem", Path(directory) / "signing-cert.pem"
    write_private_file(key_path, key_pem(key, passphrase))
    write_private_file(cert_path, certificate_pem(certificate))
    return str(key_path), str(cert_path)
