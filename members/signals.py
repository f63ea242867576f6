"""Signals of the members app: the role groups after migrating.

A member's category follows its honours through the honour services (``honor_create``,
``honor_update``, ``honor_delete``) and the importer's bulk refresh, not a signal.
"""

from django.conf import settings
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from core.permissions import sync_role_groups


@receiver(post_migrate, dispatch_uid="sync_role_groups")
def sync_groups(sender, **kwargs):
    if sender.name in settings.PORTAL_APPS:


        sync_role_groups()
