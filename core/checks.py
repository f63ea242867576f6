"""Deploy checks (``python manage.py check --deploy``): what a production server must not run with.

- ``laomo.E101``: SITE_URL is printed in every certificate's QR code and every invitation link;
  a local, private or plain-HTTP address there makes every issued document point nowhere.
- ``laomo.E102``–``E107``, ``laomo.W108``: the association's signing key and certificate
  (core/signing.py) are missing, unreadable, unencrypted, expired, not a pair, stored inside
  the repository or a backed-up media directory, or readable by others; a previous
  certificate cannot be read.
"""

import datetime
import ipaddress
import os
import re
import socket
import stat
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from core import signing_keys
from core.signing_keys import SigningKeyError

LOCAL_SUFFIXES = (
    ".local", ".localhost", ".localdomain", ".internal", ".lan",
    ".home.arpa", ".test", ".invalid",  # special-use names that never resolve (RFC 6761, RFC 8375)
)  # fmt: skip
HOST_NAME = re.compile(r"[a-z0-9\-._~%!$&'()*+,;=:\[\]]+")
# 127.1, 0x7f.0.0.1, 0177.0.0.1: address forms a resolver reads (inet_aton) but ip_address does not.
NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}")


def site_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the public address of the portal, or None."""
    try:
        parts = urlsplit(url or "")
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return "不是有效的网址"
    if parts.scheme != "https":
        return "不是 https 地址"
    if not host:
        return "没有主机名"
    if not HOST_NAME.fullmatch(host):
        return "不是有效的网址"
    address = None
    if NUMERIC_HOST.fullmatch(host):
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return "不是有效的网址"
    if address is None and (
        host == "localhost" or host.endswith(LOCAL_SUFFIXES) or ("." not in host and ":" not in host)
    ):
        return "是本机或内网主机名"
    if address is None:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return None
    if not address.is_global or address.is_multicast:
        return "是本机或内网地址"
    return None


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    problem = site_url_problem(settings.SITE_URL)
    if problem is None:
        return []
    return [
        Error(
            f"SITE_URL（{settings.SITE_URL}）{problem}：证明二维码和邀请链接都用它，必须是公网可访问的 https 地址。",
            hint="在 .env 中设置 SITE_URL=https://你的域名",
            id="laomo.E101",
        )
    ]


def _inside(path: Path, roots) -> Path | None:
    resolved = path.resolve()
    for root in roots:
        if root and resolved.is_relative_to(Path(str(root)).resolve()):
            return Path(str(root))
    return None


def _protected_roots() -> list:
    """Where the key must never be: the repository (git) and the directories a backup holds."""
    roots = [settings.BASE_DIR, settings.MEDIA_ROOT]
    for alias in ("private", "branch_files"):
        location = settings.STORAGES.get(alias, {}).get("OPTIONS", {}).get("location")
        if location:
            roots.append(location)
    return roots


def signing_key_location_problem(path) -> str | None:
    root = _inside(Path(str(path)), _protected_roots())
    if root is None:
        return None
    return f"签名密钥 {path} 位于 {root} 之内（代码仓库或会被备份的文件目录）"


@register(Tags.security, deploy=True)
def check_signing_key(app_configs=None, **kwargs):
    key_file, cert_file = settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE
    hint = "运行 python manage.py signing_keygen，或设置 SIGNING_KEY_FILE、SIGNING_CERT_FILE（见 README「签名密钥」）。"
    missing = [name for name, path in (("SIGNING_KEY_FILE", key_file), ("SIGNING_CERT_FILE", cert_file))
               if not path or not os.path.isfile(path)]  # fmt: skip
    if missing:
        return [
            Error(
                f"协会签名密钥或证书不存在（{'、'.join(missing)}）：证明和匠心卡无法生成。",
                hint=hint,
                id="laomo.E102",
            )
        ]
    errors = []
    try:
        encrypted = signing_keys.key_is_encrypted(key_file)
        private_key = signing_keys.load_private_key(key_file, settings.SIGNING_KEY_PASSPHRASE)
        certificate = signing_keys.load_certificate(cert_file)
        if settings.SIGNING_CHAIN_FILE:
            signing_keys.load_certificates(settings.SIGNING_CHAIN_FILE, "签名证书链文件")
    except SigningKeyError as exc:
        return [Error(f"协会签名密钥或证书无法读取：{exc}", hint=hint, id="laomo.E103")]
    if not encrypted:
        errors.append(
            Error(
                "协会签名密钥未加密。",
                hint="用口令重新生成（设置 SIGNING_KEY_PASSPHRASE 后运行 signing_keygen --force），"
                "或 openssl pkcs8 -topk8 -v2 aes-256-cbc 加密现有密钥。",
                id="laomo.E104",
            )
        )
    facts = signing_keys.certificate_facts(certificate)
    now = datetime.datetime.now(datetime.UTC)
    if facts.expired(now):
        errors.append(
            Error(
                f"协会签名证书不在有效期内（{facts.not_before:%Y-%m-%d} 至 {facts.not_after:%Y-%m-%d}）。",
                hint="换新证书（signing_keygen --force 或 CA 签发），旧证书加入 SIGNING_PREVIOUS_CERTS。",
                id="laomo.E105",
            )
        )
    if not signing_keys.key_matches_certificate(private_key, certificate):
        errors.append(Error("协会签名密钥与证书不匹配。", hint=hint, id="laomo.E106"))
    for path in (key_file, cert_file):
        problem = signing_key_location_problem(path)
        if problem:
            errors.append(
                Error(f"{problem}。", hint="放到仓库和 MEDIA/PRIVATE_MEDIA 目录之外。", id="laomo.E107")
            )
    mode = stat.S_IMODE(os.stat(key_file).st_mode)
    if mode & 0o077:
        errors.append(
            Warning(
                f"协会签名密钥文件 {key_file} 可被其他用户读取（权限 {mode:o}）。",
                hint=f"chmod 600 {key_file}",
                id="laomo.W108",
            )
        )
    for path in settings.SIGNING_PREVIOUS_CERTS:
        try:
            signing_keys.load_certificates(path, "旧签名证书文件")
        except SigningKeyError as exc:
            errors.append(
                Error(
                    f"SIGNING_PREVIOUS_CERTS：{exc}",
                    hint="旧证书用于核验换钥之前签发的文件。",
                    id="laomo.E109",
                )
            )
    return errors
