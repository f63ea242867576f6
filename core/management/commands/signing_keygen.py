"""python manage.py signing_keygen: the association's signing key and self-signed certificate.

Writes an RSA-3072 key (PKCS#8, encrypted with SIGNING_KEY_PASSPHRASE) and a self-signed
certificate (CN = O = ASSOCIATION_NAME, C = CN, keyUsage digitalSignature + nonRepudiation)
to SIGNING_KEY_FILE and SIGNING_CERT_FILE, files 0600 in a 0700 directory, outside the
repository and the media directories (README, "签名密钥"). ``--if-missing`` for scripts,
``--force`` to rotate (the old certificate is kept for SIGNING_PREVIOUS_CERTS), ``--show``
to print what is configured.
"""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import signing_keys
from core.checks import signing_key_location_problem
from core.signing_keys import SigningKeyError


class Command(BaseCommand):
    help = (
        "生成协会签名密钥（RSA-3072，用 SIGNING_KEY_PASSPHRASE 加密）和自签名证书，"
        "写入 SIGNING_KEY_FILE 和 SIGNING_CERT_FILE（仓库和备份目录之外）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=signing_keys.DEFAULT_DAYS, help="证书有效天数（默认 3650，即10年）"
        )
        parser.add_argument("--if-missing", action="store_true", help="密钥和证书都已存在时什么也不做")
        parser.add_argument(
            "--force",
            action="store_true",
            help="替换现有的密钥和证书（旧证书另存，供 SIGNING_PREVIOUS_CERTS 使用）",
        )
        parser.add_argument(
            "--no-passphrase",
            action="store_true",
            help="未设置 SIGNING_KEY_PASSPHRASE 时也写入未加密的密钥（仅限开发环境）",
        )
        parser.add_argument("--show", action="store_true", help="只显示当前证书的主体、有效期和 SHA-256 指纹")

    def handle(self, *args, days, if_missing, force, no_passphrase, show, **options):
        key_path, cert_path = Path(settings.SIGNING_KEY_FILE), Path(settings.SIGNING_CERT_FILE)
        if show:
            return self.show(cert_path)
        if if_missing and force:
            raise CommandError("--if-missing 和 --force 不能同时使用。")
        if not 1 <= days <= 36500:
            raise CommandError("--days 应在 1 到 36500 之间。")
        existing = [p for p in (key_path, cert_path) if p.exists()]
        if if_missing and len(existing) == 2:
            self.stdout.write(f"签名密钥和证书已存在，未做改动：{key_path}、{cert_path}")
            return
        if existing and not force:
            names = "、".join(str(p) for p in existing)
            raise CommandError(
                f"已存在 {names}。换新密钥请加 --force（旧证书会另存，供 SIGNING_PREVIOUS_CERTS 使用）。"
            )
        for path in (key_path, cert_path):
            problem = signing_key_location_problem(path)
            if problem:
                raise CommandError(
                    f"{problem}，拒绝写入。请把 SIGNING_KEY_FILE/SIGNING_CERT_FILE 设在仓库和备份目录之外。"
                )
        passphrase = settings.SIGNING_KEY_PASSPHRASE
        if not passphrase and not (settings.DEBUG or no_passphrase):
            raise CommandError(
                "未设置 SIGNING_KEY_PASSPHRASE，拒绝写入未加密的密钥。"
                "请在环境变量中设置口令；仅在开发环境可加 --no-passphrase。"
            )
        private_key = signing_keys.new_private_key("rsa3072")
        certificate = signing_keys.new_self_signed_certificate(
            private_key, common_name=settings.ASSOCIATION_NAME, days=days
        )
        for path in (key_path, cert_path):
            created = not path.parent.exists()
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if created:
                os.chmod(path.parent, 0o700)
        moved = self.set_aside(cert_path) if cert_path.exists() else None
        signing_keys.write_private_file(key_path, signing_keys.key_pem(private_key, passphrase))
        signing_keys.write_private_file(cert_path, signing_keys.certificate_pem(certificate))
        facts = signing_keys.certificate_facts(certificate)
        self.stdout.write(
            self.style.SUCCESS(f"已生成签名密钥：{key_path}（{'已加密' if passphrase else '未加密'}）")
        )
        self.stdout.write(f"已生成证书：{cert_path}")
        self.describe(facts)
        if moved:
            self.stdout.write(self.style.WARNING(f"旧证书另存为：{moved}"))
            self.stdout.write(
                f"用旧密钥签发的文件要继续核验为有效，请把它加入 SIGNING_PREVIOUS_CERTS={moved}"
            )
            self.stdout.write("旧密钥已被新密钥覆盖。请重启 web 和 worker 进程。")
        self.stdout.write("密钥不在代码仓库中，也不在 make backup 的备份里：请另行加密备份。")

    def set_aside(self, cert_path: Path) -> Path:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = cert_path.with_name(f"{cert_path.stem}.previous-{stamp}{cert_path.suffix}")
        os.replace(cert_path, target)
        return target

    def show(self, cert_path: Path):
        try:
            certificates = signing_keys.load_certificates(cert_path)
        except SigningKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"证书文件：{cert_path}")
        self.describe(signing_keys.certificate_facts(certificates[0]))
        self.stdout.write(f"密钥文件：{settings.SIGNING_KEY_FILE}")
        for path in settings.SIGNING_PREVIOUS_CERTS:
            try:
                facts = signing_keys.certificate_facts(signing_keys.load_certificate(path, "旧签名证书文件"))
            except SigningKeyError as exc:
                self.stdout.write(self.style.ERROR(f"旧证书 {path}：{exc}"))
                continue
            self.stdout.write(f"旧证书（仍接受核验）：{path}")
            self.describe(facts)

    def describe(self, facts):
        self.stdout.write(f"  主体：{facts.subject}")
        self.stdout.write(f"  签发者：{facts.issuer}")
        self.stdout.write(
            f"  有效期：{facts.not_before:%Y-%m-%d %H:%M} 至 {facts.not_after:%Y-%m-%d %H:%M}（UTC）"
        )
        self.stdout.write(f"  SHA-256 指纹：{signing_keys.pretty_fingerprint(facts.fingerprint)}")
