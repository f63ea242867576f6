"""Keep derived data in step: a member's category follows its honours, whatever wrote them."""

from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .models import Honor
from .services import member_refresh_category


@receiver([post_save, post_delete], sender=Honor, dispatch_uid="honor_refresh_category")
def honor_changed(sender, instance, **kwargs):
    # Same transaction as the honour write: the category can never disagree with it.
    member_refresh_category(member_id=instance.member_id)


@receiver(post_migrate, dispatch_uid="sync_role_groups")
def sync_groups(sender, **kwargs):
    if sender.name in settings.PORTAL_APPS:
        from core.permissions import sync_role_groups  # noqa: PLC0415

        sync_role_groups()
