"""The association's digital signature on the PDFs it issues, and the check of a PDF (pyHanko).

``sign_pdf`` adds one invisible PAdES signature (``ETSI.CAdES.detached``, SHA-256) made with
the association's key: baseline B-B, without a time-stamp (the servers reach no time-stamp
authority), so the signing time is the one the signer states. The document's identifier goes
in the signature's ``/Reason`` (``杭州市劳模工匠协会 劳模证明 HZLM-2026-000001``), which lies
inside the signed byte range.

``inspect_pdf`` answers, for any bytes at all, whether a PDF carries a signature, whether it
is intact (the digest of the signed bytes matches and the signature over it verifies),
whether it covers the whole file (nothing appended or changed after signing), whether it was
made with the association's certificate (the configured one or one of
``SIGNING_PREVIOUS_CERTS``, compared by SHA-256 fingerprint: a valid signature by any other
key is not ours) and which document it names. Trust is that fingerprint list, not a chain to
a root: nothing is fetched. Malformed input (not a PDF, truncated, encrypted, hostile) ends
in a report, never in an exception.

The key and certificates are read from the files settings name once per process (and again
only when a file changes), under a lock.
"""

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime
import io
import logging
import os
import pickle
import re
import resource
import select
import signal
import threading
import time

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from core import signing_keys
from core.signing_keys import SigningKeyError

logger = logging.getLogger(__name__)

FIELD_NAME = "AssociationSignature"
NOT_CONFIGURED = "未配置协会签名证书，请运行 manage.py signing_keygen 或配置 SIGNING_KEY_FILE。"
# /Reason: "<association> <kind> <identifier>", e.g. 杭州市劳模工匠协会 劳模证明 HZLM-2026-000001.
REASON_KIND = r"[\u4e00-\u9fff]{2,8}"
REASON_IDENTIFIER = r"[A-Z]{2,8}-[0-9]{4}-[0-9]{6}"
KNOWN_SUBFILTERS = {str(subfilter.value) for subfilter in SigSeedSubFilter}  # "/ETSI.CAdES.detached", …


class SigningNotConfigured(SigningKeyError):
    """No key or certificate file: nothing can be signed."""

    def __init__(self, message: str = NOT_CONFIGURED):
        super().__init__(message)


class InvalidReason(ValueError):
    """A reason ``parse_reason`` could not read back (a document identifier of another shape)."""


# What ``sign_pdf`` refuses with, each with a Chinese message: the key cannot be used, or the
# document cannot be named in a signature. Neither gets better by trying again.
SIGNING_REFUSALS = (SigningKeyError, InvalidReason)


# Signing -------------------------------------------------------------------------------


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses the DER key again for every signature, and cryptography
    checks an RSA key's consistency on each load (about 80 ms for RSA-3072, twice per PDF with
    the size estimate). This one signs with the key object loaded once."""

    def __init__(self, *, private_key, **kwargs):
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if name == "rsassa_pkcs1v15" and isinstance(self._private_key, rsa.RSAPrivateKey):
            return self._private_key.sign(data, PKCS1v15(), hash_algorithm)
        if name == "ecdsa" and isinstance(self._private_key, ec.EllipticCurvePrivateKey):
            return self._private_key.sign(data, ec.ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


@dataclasses.dataclass(frozen=True)
class SigningMaterial:
    signer: signers.SimpleSigner
    certificate: object  # cryptography's x509.Certificate
    fingerprint: str


_lock = threading.Lock()
_material: tuple[tuple, SigningMaterial] | None = None
_accepted: tuple[tuple, frozenset] | None = None


def _stamp(path) -> tuple:
    """The path with its change time, so a replaced file is read again; None when missing."""
    if not path:
        return (None, None)
    try:
        stat = os.stat(path)
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_mtime_ns, stat.st_size)


def signing_configured() -> bool:
    return all(_stamp(p)[1] is not None for p in (settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE))


def _load_material() -> SigningMaterial:
    if not signing_configured():
        raise SigningNotConfigured()
    private_key = signing_keys.load_private_key(settings.SIGNING_KEY_FILE, settings.SIGNING_KEY_PASSPHRASE)
    certificate = signing_keys.load_certificate(settings.SIGNING_CERT_FILE)
    if not signing_keys.key_matches_certificate(private_key, certificate):
        raise SigningKeyError("签名密钥与签名证书不匹配（SIGNING_KEY_FILE 与 SIGNING_CERT_FILE）。")
    chain = []
    if settings.SIGNING_CHAIN_FILE:
        chain = signing_keys.load_certificates(settings.SIGNING_CHAIN_FILE, "签名证书链文件")
    der = serialization.Encoding.DER
    signer = _LoadedKeySigner(
        private_key=private_key,
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            private_key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in chain]
        ),
    )
    return SigningMaterial(
        signer=signer, certificate=certificate, fingerprint=signing_keys.fingerprint(certificate)
    )


def signing_material() -> SigningMaterial:
    """The association's signer, read once per process (again only after a file changed)."""
    global _material
    stamp = (
        _stamp(settings.SIGNING_KEY_FILE), _stamp(settings.SIGNING_CERT_FILE),
        _stamp(settings.SIGNING_CHAIN_FILE), settings.SIGNING_KEY_PASSPHRASE,
    )  # fmt: skip
    with _lock:
        if _material is None or _material[0] != stamp:
            _material = (stamp, _load_material())
        return _material[1]


def signing_reason(kind: str, identifier: str) -> str:
    return f"{settings.ASSOCIATION_NAME} {kind} {identifier}"


def parse_reason(reason) -> tuple[str, str] | None:
    """(kind, identifier) of a /Reason written by ``signing_reason``; None for anything else."""
    if not isinstance(reason, str) or len(reason) > 100:
        return None
    pattern = (
        rf"{re.escape(settings.ASSOCIATION_NAME)} (?P<kind>{REASON_KIND}) (?P<identifier>{REASON_IDENTIFIER})"
    )
    match = re.fullmatch(pattern, reason)
    return (match["kind"], match["identifier"]) if match else None


def sign_pdf(content: bytes, *, reason: str) -> bytes:
    """``content`` with the association's PAdES signature (B-B, SHA-256, invisible field).

    ``reason`` must be one ``signing_reason`` makes (it is read back by ``inspect_pdf``), else
    ``InvalidReason``. Raises ``SigningNotConfigured`` / ``SigningKeyError`` (Chinese messages)
    when the key cannot be used.
    """
    if parse_reason(reason) is None:
        raise InvalidReason(f"签名理由格式不正确，无法签名：{reason[:80]!r}")
    material = signing_material()
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
    )

    def sign() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
        return signers.sign_pdf(writer, metadata, signer=material.signer).getvalue()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return sign()
    # pyHanko's synchronous API runs its own event loop (asyncio.run), which cannot start in a
    # thread whose loop is running (an async caller): sign in a thread of its own then.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()


# Checking ------------------------------------------------------------------------------


def accepted_fingerprints() -> frozenset:
    """SHA-256 fingerprints of the certificates whose signatures are the association's: the
    configured one and ``SIGNING_PREVIOUS_CERTS`` (a missing or unreadable file is logged and
    left out; ``check --deploy`` reports it)."""
    global _accepted
    paths = [settings.SIGNING_CERT_FILE, *settings.SIGNING_PREVIOUS_CERTS]
    stamp = tuple(_stamp(p) for p in paths)
    with _lock:
        if _accepted is None or _accepted[0] != stamp:
            found = set()
            for path in paths:
                if not path:
                    continue
                try:
                    found.update(signing_keys.fingerprint(c) for c in signing_keys.load_certificates(path))
                except SigningKeyError as exc:
                    logger.warning("signature check: certificate not read: %s", exc)
            _accepted = (stamp, frozenset(found))
        return _accepted[1]


UNREADABLE, UNSIGNED, CHANGED, FOREIGN, UNIDENTIFIED, GENUINE = (
    "unreadable", "unsigned", "changed", "foreign", "unidentified", "genuine",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Report:
    """What ``inspect_pdf`` found; ``verdict`` sums it up."""

    readable: bool
    signed: bool = False
    supported: bool = True  # a signature format pyHanko checks (PAdES / PKCS#7 detached)
    intact: bool = False  # the digest matches and the signature over it verifies
    whole_file: bool = False  # one signature, covering every byte but its own value
    ours: bool = False  # made with the association's certificate (now or previously)
    kind: str = ""  # from /Reason, e.g. 劳模证明
    identifier: str = ""  # from /Reason, e.g. HZLM-2026-000001
    fingerprint: str = ""  # SHA-256 of the signer's certificate
    signed_at: datetime.datetime | None = None  # as the signer states it (no time-stamp)
    problem: str = ""  # for the log: why it is unreadable or not intact

    @property
    def verdict(self) -> str:
        if not self.readable:
            return UNREADABLE
        if not self.signed:
            return UNSIGNED
        if not self.supported:
            return FOREIGN
        if not (self.intact and self.whole_file):
            return CHANGED
        if not self.ours:
            return FOREIGN
        if not self.identifier:
            return UNIDENTIFIED
        return GENUINE


# A PDF read for its signature is untrusted: pyHanko's decoding is bounded by these limits, and
# the whole check runs in a forked child with a CPU-time limit, because a small file can still
# ask a PDF parser for work out of all proportion (a cross-reference stream claiming four
# billion entries, thousands of fields in one object stream). Our own files take a few ms.
INSPECT_CPU_SECONDS = 2
INSPECT_WALL_SECONDS = 10
INSPECT_MEMORY_BYTES = 1024 * 1024 * 1024  # more than the process already maps, for the child
DECODE_LIMITS = DecodeLimits(
    per_stream=StreamDecodeLimits(max_ratio=1100, ratio_floor=1024 * 1024, max_output_size=32 * 1024 * 1024),
    document_budget=DocumentDecodeBudget(base_allowance=64 * 1024 * 1024, max_ratio=20),
)


def inspect_pdf(content: bytes) -> Report:
    """Check the signature of ``content``; any input at all ends in a Report."""
    if not isinstance(content, bytes | bytearray) or not bytes(content[:5]) == b"%PDF-":
        return Report(readable=False, problem="not a PDF")
    accepted = accepted_fingerprints()  # read here: the child takes no lock of this process
    report = _inspect_in_child(bytes(content), accepted)
    if not report.readable:
        logger.info("PDF signature check: unreadable file (%s)", report.problem)
    return report


def _inspect_guarded(content: bytes, accepted: frozenset) -> Report:
    try:
        return _inspect(content, accepted)
    except Exception as exc:  # pyHanko on hostile input: anything may come out of the parser
        return Report(readable=False, problem=f"{type(exc).__name__}: {str(exc)[:200]}")


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (INSPECT_CPU_SECONDS, INSPECT_CPU_SECONDS + 1))
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (mapped + INSPECT_MEMORY_BYTES, mapped + INSPECT_MEMORY_BYTES))
    except (OSError, ValueError):  # no /proc: the decode limits still bound the big buffers
        pass


def _inspect_in_child(content: bytes, accepted: frozenset) -> Report:
    """``_inspect_guarded`` in a forked child under CPU, memory and wall-clock limits; the
    Report comes back pickled through a pipe. A child that is killed or says nothing: unreadable."""
    try:
        read_end, write_end = os.pipe()
    except OSError as exc:
        logger.error("PDF signature check: no pipe (%s)", exc)
        return Report(readable=False, problem="not checked: no pipe")
    try:
        pid = os.fork()
    except OSError as exc:  # out of processes or memory: an answer all the same, and a loud log
        os.close(read_end)
        os.close(write_end)
        logger.error("PDF signature check: cannot fork (%s)", exc)
        return Report(readable=False, problem="not checked: cannot fork")
    if pid == 0:  # the child: no database, no locks of the parent; leaves by os._exit only
        status = 1
        try:
            os.close(read_end)
            _limit_child()
            payload = pickle.dumps(_inspect_guarded(content, accepted))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + INSPECT_WALL_SECONDS
    try:
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            poller = select.poll()
            poller.register(pipe, select.POLLIN)
            while (remaining := deadline - time.monotonic()) > 0:
                # poll, not select: select refuses descriptors above 1023 (a busy worker has them).
                if not poller.poll(remaining * 1000):
                    break
                chunk = pipe.read(65536)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        if time.monotonic() >= deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if status != 0 or not chunks:
        reason = f"killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "no answer"
        return Report(readable=False, problem=f"too costly to read ({reason})")
    try:
        report = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's Report
    except Exception:
        return Report(readable=False, problem="no answer")
    return report if isinstance(report, Report) else Report(readable=False, problem="no answer")


def _inspect(content: bytes, accepted: frozenset) -> Report:
    reader = PdfFileReader(io.BytesIO(content), strict=False, decode_limits=DECODE_LIMITS)
    if reader.encrypted:
        return Report(readable=False, problem="encrypted")
    filled = []
    for fq_name, value, field in fields.enumerate_sig_fields(reader, filled_status=True):
        signature = value.get_object()
        if signature.get("/Type", "/Sig") == "/Sig":
            filled.append((fq_name, signature, field))
    if not filled:
        return Report(readable=True)
    if any(str(signature.get("/SubFilter", "")) not in KNOWN_SUBFILTERS for _, signature, _ in filled):
        return Report(readable=True, signed=True, supported=False, problem="unsupported signature format")
    embedded = []
    for fq_name, _, field in filled:
        try:
            embedded.append(EmbeddedPdfSignature(reader, field, fq_name))
        except Exception as exc:  # a damaged signature value (CMS) or byte range
            return Report(readable=True, signed=True, problem=f"signature unreadable: {type(exc).__name__}")
    embedded.sort(key=lambda e: e.signed_revision)
    return _check_signature(content, embedded[0], alone=len(embedded) == 1, accepted=accepted)


def _byte_range_is_whole_file(content: bytes, signature: EmbeddedPdfSignature) -> bool:
    """[0, a, b, c]: the signed bytes are everything but ``<hex>`` between a and b, and end at EOF."""
    byte_range = [int(v) for v in signature.byte_range]
    if len(byte_range) != 4:
        return False
    start, first_length, second_start, second_length = byte_range
    hex_value = content[first_length:second_start]
    return (
        start == 0
        and 0 < first_length < second_start
        and second_start + second_length == len(content)
        and hex_value.startswith(b"<")
        and hex_value.endswith(b">")
        and re.fullmatch(rb"[0-9A-Fa-f\s]*", hex_value[1:-1]) is not None
    )


def _check_signature(
    content: bytes, signature: EmbeddedPdfSignature, *, alone: bool, accepted: frozenset
) -> Report:
    found = {"readable": True, "signed": True}
    try:
        certificate = signature.signer_cert
        found["fingerprint"] = signing_keys.fingerprint_of_der(certificate.dump())
    except Exception as exc:
        return Report(**found, problem=f"no signer certificate: {type(exc).__name__}")
    found["ours"] = found["fingerprint"] in accepted
    parsed = parse_reason(signature.sig_object.get("/Reason"))
    if parsed:
        found["kind"], found["identifier"] = parsed
    try:
        found["signed_at"] = signature.self_reported_timestamp
    except Exception:  # a malformed /M: only informative
        pass
    try:
        signature.compute_integrity_info(skip_diff=True)
        covered = str(signature.coverage).endswith("ENTIRE_FILE")
        digest_matches, signature_verifies = validate_sig_integrity(
            signature.signer_info, certificate, "data", signature.compute_digest()
        )
    except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
        return Report(**found, problem=f"signature not verifiable: {type(exc).__name__}: {str(exc)[:120]}")
    found["intact"] = bool(digest_matches and signature_verifies)
    found["whole_file"] = alone and covered and _byte_range_is_whole_file(content, signature)
    problem = ""
    if not found["intact"]:
        problem = "digest mismatch" if not digest_matches else "signature does not verify"
    elif not found["whole_file"]:
        problem = "bytes outside the signed range"
    return Report(**found, problem=problem)


def reset_cache() -> None:
    """Forget the loaded key and certificates (tests that change the settings call it)."""
    global _material, _accepted
    with _lock:
        _material = _accepted = None
