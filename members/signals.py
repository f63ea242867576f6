"""Keep derived data in step: a member's category follows its honours, whatever wrote them."""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .models import Honor
from .scoping import scopes_disabled
from .services import member_refresh_category

PORTAL_APPS = {"members", "workshops", "volunteering", "wellbeing", "publications"}


@receiver([post_save, post_delete], sender=Honor, dispatch_uid="honor_refresh_category")
def honor_changed(sender, instance, **kwargs):
    # Same transaction as the honour write: the category can never disagree with it. Derived
    # data of the member just written, from all its honours, whatever door (and scope) wrote it.
    with scopes_disabled():
        member_refresh_category(member_id=instance.member_id)


@receiver(post_migrate, dispatch_uid="sync_role_groups")
def sync_groups(sender, **kwargs):
    if sender.name in PORTAL_APPS:
        from .permissions import sync_role_groups  # noqa: PLC0415

        sync_role_groups()
