"""core.signing: the association's PAdES signature and the check of any PDF's signature."""

import asyncio
import concurrent.futures
import io
import subprocess
import threading
import zlib

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.test import override_settings
from pypdf import PdfReader, PdfWriter

from core import signing, signing_keys
from core.signing import SigningKeyError, SigningNotConfigured
from tests.signing_helpers import (
    blank_pdf,
    byte_range,
    other_key,
    signed,
    signed_by,
    small_pdf,
    with_byte_changed,
    with_bytes_appended,
    with_incremental_update,
    with_producer_changed,
)


@pytest.fixture(scope="module")
def document() -> bytes:
    return small_pdf()


@pytest.fixture(scope="module")
def genuine(document) -> bytes:
    return signed(document, "HZLM-2026-000123")


def test_signed_file_is_genuine_and_names_its_document(genuine, settings):
    report = signing.inspect_pdf(genuine)
    assert report.verdict == signing.GENUINE
    assert (report.signed, report.intact, report.whole_file, report.ours) == (True, True, True, True)
    assert (report.kind, report.identifier) == ("劳模证明", "HZLM-2026-000123")
    assert report.fingerprint == signing_keys.fingerprint(
        signing_keys.load_certificate(settings.SIGNING_CERT_FILE)
    )
    assert report.signed_at is not None


def test_signature_is_pades_sha256_invisible_and_valid_for_poppler(genuine, tmp_path):
    assert b"/ETSI.CAdES.detached" in genuine
    (field,) = [
        f.get_object() for f in PdfReader(io.BytesIO(genuine)).trailer["/Root"]["/AcroForm"]["/Fields"]
    ]
    assert field["/FT"] == "/Sig" and [float(v) for v in field["/Rect"]] == [0, 0, 0, 0]  # invisible
    path = tmp_path / "signed.pdf"
    path.write_bytes(genuine)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out and "Total document signed" in out
    assert "SHA-256" in out and "ETSI.CAdES.detached" in out


def test_reason_lies_inside_the_signed_byte_range(genuine):
    start, first_length, second_start, second_length = byte_range(genuine)
    reason_at = genuine.index(b"/Reason")
    assert start <= reason_at < first_length or second_start <= reason_at < second_start + second_length


def test_unsigned_pdf(document):
    assert signing.inspect_pdf(document).verdict == signing.UNSIGNED
    assert signing.inspect_pdf(blank_pdf()).verdict == signing.UNSIGNED


@pytest.mark.parametrize(
    "change", [with_byte_changed, with_producer_changed, with_bytes_appended, with_incremental_update]
)
def test_any_change_after_signing_is_seen(genuine, change):
    report = signing.inspect_pdf(change(genuine))
    assert report.verdict == signing.CHANGED, report


def test_damaged_signature_value_is_a_change(genuine):
    _, first_length, _, _ = byte_range(genuine)
    damaged = bytearray(genuine)
    damaged[first_length + 200] = ord("0") if damaged[first_length + 200] != ord("0") else ord("1")
    assert signing.inspect_pdf(bytes(damaged)).verdict == signing.CHANGED


def test_signed_again_by_another_key_after_ours_is_a_change(genuine, tmp_path, monkeypatch):
    monkeypatch.setattr(signing, "FIELD_NAME", "SecondSignature")
    twice = signed_by(other_key(tmp_path), genuine, "HZLM-2026-000999")
    assert signing.inspect_pdf(twice).verdict == signing.CHANGED


def test_valid_signature_by_another_key_is_not_ours(document, tmp_path):
    foreign = signed_by(other_key(tmp_path), document)
    report = signing.inspect_pdf(foreign)
    assert report.intact and report.whole_file and not report.ours
    assert report.verdict == signing.FOREIGN


def test_previous_certificates_are_still_ours(document, tmp_path, settings):
    old = other_key(tmp_path)
    old_file = signed_by(old, document, "JXK-2025-000007", "匠心卡")
    assert signing.inspect_pdf(old_file).verdict == signing.FOREIGN
    settings.SIGNING_PREVIOUS_CERTS = [old["SIGNING_CERT_FILE"]]
    report = signing.inspect_pdf(old_file)
    assert report.verdict == signing.GENUINE and report.identifier == "JXK-2025-000007"


def test_previous_certificate_that_cannot_be_read_is_left_out(document, tmp_path, settings):
    settings.SIGNING_PREVIOUS_CERTS = [str(tmp_path / "missing.pem")]
    assert signing.inspect_pdf(signed(document)).verdict == signing.GENUINE


def test_signature_without_our_reason_is_unidentified(document, monkeypatch):
    monkeypatch.setattr(signing, "parse_reason", lambda reason: ("劳模证明", "HZLM-2026-000001"))
    content = signing.sign_pdf(document, reason="anything")
    monkeypatch.undo()
    report = signing.inspect_pdf(content)
    assert report.ours and report.identifier == "" and report.verdict == signing.UNIDENTIFIED


@pytest.mark.parametrize(
    ("reason", "parsed"),
    [
        ("杭州市劳模工匠协会 劳模证明 HZLM-2026-000001", ("劳模证明", "HZLM-2026-000001")),
        ("杭州市劳模工匠协会 匠心卡 JXK-2026-000012", ("匠心卡", "JXK-2026-000012")),
        ("杭州市劳模工匠协会 劳模证明 HZLM-2026-000001 ", None),
        ("杭州市劳模工匠协会 劳模证明 HZLM-2026-000001\n", None),
        ("杭州市劳模工匠协会  劳模证明 HZLM-2026-000001", None),
        ("别的协会 劳模证明 HZLM-2026-000001", None),
        ("杭州市劳模工匠协会 劳模证明 hzlm-2026-000001", None),
        ("杭州市劳模工匠协会 劳模证明 HZLM-2026-1", None),
        ("杭州市劳模工匠协会 proof HZLM-2026-000001", None),
        ("杭州市劳模工匠协会 劳模证明 HZLM-2026-000001; DROP", None),
        ("", None),
        (None, None),
        (b"bytes", None),
    ],
)
def test_reason_is_parsed_strictly(reason, parsed):
    assert signing.parse_reason(reason) == parsed


def test_sign_refuses_a_reason_it_could_not_read_back(document):
    with pytest.raises(signing.InvalidReason, match="签名理由格式不正确"):
        signing.sign_pdf(document, reason="随便写的理由")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty", b""),
        ("garbage", b"\x00\xff" * 500),
        ("header only", b"%PDF-"),
        ("html", b"<html><body>%PDF-1.7</body></html>"),
        ("no xref", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
        ("not bytes", "%PDF-1.7 text"),
    ],
)
def test_malformed_input_ends_in_a_report(name, content):
    report = signing.inspect_pdf(content)
    assert report.verdict == signing.UNREADABLE and not report.readable


def test_truncated_signed_file_is_unreadable(genuine):
    assert signing.inspect_pdf(genuine[: len(genuine) // 2]).verdict == signing.UNREADABLE


def test_encrypted_pdf_is_unreadable(document):
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    report = signing.inspect_pdf(out.getvalue())
    assert report.verdict == signing.UNREADABLE and report.problem == "encrypted"


def _pdf_with_trailer(objects: bytes, xref: bytes) -> bytes:
    body = b"%PDF-1.7\n" + objects
    return body + xref.replace(b"{offset}", str(len(body)).encode())


def test_huge_classic_xref_is_unreadable():
    content = _pdf_with_trailer(
        b"1 0 obj\n<</Type/Catalog>>\nendobj\n",
        b"xref\n0 999999999\n0000000000 65535 f \ntrailer\n<</Size 999999999/Root 1 0 R>>\n"
        b"startxref\n{offset}\n%%EOF\n",
    )
    assert signing.inspect_pdf(content).verdict == signing.UNREADABLE


def test_xref_stream_claiming_billions_of_entries_is_cut_short():
    """Four bytes of data, four billion entries claimed: pyHanko would loop for hours; the
    child that reads it is stopped by its CPU limit and the answer is 无法读取."""
    content = _pdf_with_trailer(
        b"1 0 obj\n<</Type/Catalog>>\nendobj\n",
        b"2 0 obj\n<</Type/XRef/Size 4000000000/Index[0 4000000000]/W[1 2 1]/Root 1 0 R/Length 4>>\n"
        b"stream\n\x01\x00\x00\x00\nendstream\nendobj\nstartxref\n{offset}\n%%EOF\n",
    )
    report = signing.inspect_pdf(content)
    assert report.verdict == signing.UNREADABLE and "too costly" in report.problem


def test_deeply_nested_objects_are_unreadable():
    content = _pdf_with_trailer(
        b"1 0 obj\n<</Type/Catalog/AcroForm<</Fields " + b"[" * 200_000 + b"]" * 200_000 + b">>>>\nendobj\n",
        b"xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<</Size 2/Root 1 0 R>>\n"
        b"startxref\n{offset}\n%%EOF\n",
    )
    assert signing.inspect_pdf(content).verdict == signing.UNREADABLE


def test_compressed_bomb_is_unreadable():
    bomb = zlib.compress(b"\x00" * (200 * 1024 * 1024), 9)  # 200 MB of zeros in about 200 KB
    content = _pdf_with_trailer(
        b"1 0 obj\n<</Type/Catalog>>\nendobj\n",
        b"2 0 obj\n<</Type/XRef/Size 3/W[1 2 1]/Root 1 0 R/Filter/FlateDecode/Length "
        + str(len(bomb)).encode()
        + b">>\nstream\n"
        + bomb
        + b"\nendstream\nendobj\nstartxref\n{offset}\n%%EOF\n",
    )
    assert signing.inspect_pdf(content).verdict == signing.UNREADABLE


def test_an_unexpected_parser_error_is_a_report(genuine, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(signing, "PdfFileReader", explode)
    report = signing.inspect_pdf(genuine)
    assert report.verdict == signing.UNREADABLE and "RuntimeError" in report.problem


def test_signature_of_unknown_format_is_foreign(document):
    content = _pdf_with_trailer(
        b"1 0 obj\n<</Type/Catalog/AcroForm<</Fields[2 0 R]>>>>\nendobj\n"
        b"2 0 obj\n<</FT/Sig/T(x)/V 3 0 R>>\nendobj\n"
        b"3 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/adbe.x509.rsa_sha1/ByteRange[0 1 2 3]/Contents<00>>>\nendobj\n",
        b"",
    )
    # Offsets computed from the objects written above.
    offsets = [content.index(f"{n} 0 obj".encode()) for n in (1, 2, 3)]
    xref = b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    content += xref + b"trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % len(content)
    report = signing.inspect_pdf(content)
    assert report.signed and report.verdict == signing.FOREIGN


# The key and certificate -----------------------------------------------------------


def test_not_configured_is_a_clear_error(document, tmp_path, settings):
    settings.SIGNING_KEY_FILE = str(tmp_path / "missing-key.pem")
    with pytest.raises(SigningNotConfigured) as error:
        signed(document)
    assert str(error.value) == "未配置协会签名证书，请运行 manage.py signing_keygen 或配置 SIGNING_KEY_FILE。"
    assert not signing.signing_configured()


def test_wrong_passphrase_is_a_clear_error(document, settings):
    settings.SIGNING_KEY_PASSPHRASE = "not-the-passphrase"
    with pytest.raises(SigningKeyError, match="口令"):
        signed(document)


def test_missing_passphrase_is_a_clear_error(document, settings):
    settings.SIGNING_KEY_PASSPHRASE = ""
    with pytest.raises(SigningKeyError, match="SIGNING_KEY_PASSPHRASE"):
        signed(document)


def test_key_and_certificate_of_different_pairs_are_refused(document, tmp_path, settings):
    settings.SIGNING_CERT_FILE = other_key(tmp_path)["SIGNING_CERT_FILE"]
    with pytest.raises(SigningKeyError, match="不匹配"):
        signed(document)


def test_chain_file_certificates_are_embedded(document, tmp_path, settings):
    chain = other_key(tmp_path / "ca")["SIGNING_CERT_FILE"]
    settings.SIGNING_CHAIN_FILE = chain
    content = signed(document)
    embedded = signing_keys.load_certificate(chain).public_bytes(Encoding.DER)
    assert signing.inspect_pdf(content).verdict == signing.GENUINE
    assert embedded.hex().encode() in content.lower() or embedded.hex().upper().encode() in content


def test_key_is_read_once_per_process(document, monkeypatch):
    signing.reset_cache()
    calls = []
    original = signing_keys.load_private_key
    monkeypatch.setattr(signing_keys, "load_private_key", lambda *a: calls.append(a) or original(*a))
    for _ in range(3):
        signed(document)
    assert len(calls) == 1


def test_a_replaced_key_file_is_read_again(document, tmp_path, settings):
    pair = other_key(tmp_path / "first")
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE = (
        pair["SIGNING_KEY_FILE"],
        pair["SIGNING_CERT_FILE"],
    )
    settings.SIGNING_KEY_PASSPHRASE = pair["SIGNING_KEY_PASSPHRASE"]
    first = signing.signing_material().fingerprint
    replacement = other_key(tmp_path / "second")
    for name in ("SIGNING_KEY_FILE", "SIGNING_CERT_FILE"):
        with open(replacement[name], "rb") as source, open(pair[name], "wb") as target:
            target.write(source.read())
    assert signing.signing_material().fingerprint != first


def test_signing_from_threads_shares_one_signer(document):
    signing.reset_cache()
    results, errors = [], []

    def sign(n):
        try:
            results.append(signed(document, f"HZLM-2026-{n:06d}"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sign, args=(n,)) for n in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(signing.inspect_pdf(r).identifier for r in results) == [
        f"HZLM-2026-{n:06d}" for n in range(1, 7)
    ]


def test_test_settings_key_is_encrypted_and_outside_the_repository(settings):
    assert signing_keys.key_is_encrypted(settings.SIGNING_KEY_FILE)
    assert not str(settings.SIGNING_KEY_FILE).startswith(str(settings.BASE_DIR))


@override_settings(SIGNING_PREVIOUS_CERTS=[])
def test_signed_file_of_the_configured_key_only(document):
    assert signing.accepted_fingerprints() == {signing.signing_material().fingerprint}


def test_signing_works_where_an_event_loop_is_running(document):
    """pyHanko's synchronous API starts an event loop of its own; a caller inside a running loop
    (an async view, Playwright's sync API in the browser tests) signs in a helper thread."""

    async def caller():
        return signed(document, "HZLM-2026-000077")

    # A thread of its own: the session's browser tests may keep a loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        content = pool.submit(lambda: asyncio.run(caller())).result()
    assert signing.inspect_pdf(content).identifier == "HZLM-2026-000077"


def test_no_child_process_is_still_an_answer(genuine, monkeypatch):
    def no_fork():
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(signing.os, "fork", no_fork)
    report = signing.inspect_pdf(genuine)
    assert report.verdict == signing.UNREADABLE and "cannot fork" in report.problem
