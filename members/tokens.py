"""One-time activation links for invited members (Django's password-reset token, its own salt)."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "members.tokens.ActivationTokenGenerator"


activation_token = ActivationTokenGenerator()
