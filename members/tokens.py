"""One-time links: invited members' activation and staff invitations (Django's password-reset
token, each with its own salt)."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int


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


class StaffInvitationTokenGenerator(PasswordResetTokenGenerator):
    """One-time links with which a new staff login's owner sets their own password.

    Bound to the password hash (an invitation leaves a fresh unusable one, so re-sending an
    invitation kills the link sent before, and setting the password kills the link used),
    the last login, the login's flags, and expiring after ``STAFF_INVITATION_HOURS``.
    """

    key_salt = "members.tokens.StaffInvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        flags = f"{int(user.is_active)}{int(user.is_staff)}{int(user.is_superuser)}"
        return super()._make_hash_value(user, timestamp) + flags

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= staff_invitation_hours() * 3600


def staff_invitation_hours() -> int:
    return settings.STAFF_INVITATION_HOURS


staff_invitation_token = StaffInvitationTokenGenerator()
