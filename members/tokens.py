"""One-time activation links for invited members (Django's password-reset token, its own salt)."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Besides the password hash and last login, the link is bound to the login's flags.

    Staff deactivating the login, or giving it staff or superuser rights, kills every link
    already handed out. (The activation view also asks ``member_login_unopened``, which
    covers groups and permissions.)
    """

    key_salt = "members.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        flags = f"{int(user.is_active)}{int(user.is_staff)}{int(user.is_superuser)}"
        return super()._make_hash_value(user, timestamp) + flags


activation_token = ActivationTokenGenerator()
