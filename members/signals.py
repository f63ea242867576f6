"""Signals of the members app: the role groups after migrating, and the statistics' change counter.

A member's category follows its honours through the honour services (``honor_create``,
``honor_update``, ``honor_delete``) and the importer's bulk refresh, not a signal.

Every saved or deleted member or honour makes the statistics snapshot stale
(``members.statistics.registry_changed``): the dashboard and the statistics page then count
live until the next refresh, so their figures match the lists right after a change. Bulk
writes send no signals; the importer calls ``registry_changed`` itself.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from core.permissions import sync_role_groups

from .models import Honor, Member
from .statistics import registry_changed

# The member fields the statistics count by; a save naming only other fields changes no figure.
COUNTED_FIELDS = frozenset(
    {"branch", "branch_id", "status", "category", "top_honor_level", "gender", "birth_date"}
)


@receiver(post_migrate, dispatch_uid="sync_role_groups")
def sync_groups(sender, **kwargs):
    if sender.name in settings.PORTAL_APPS:
        sync_role_groups()


@receiver(post_save, sender=Member, dispatch_uid="statistics_member_saved")
def member_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields and not COUNTED_FIELDS.intersection(update_fields)):
        return
    registry_changed()


@receiver(post_save, sender=Honor, dispatch_uid="statistics_honor_saved")
def honor_saved(sender, raw=False, **kwargs):
    if not raw:
        registry_changed()


@receiver(post_delete, sender=Member, dispatch_uid="statistics_member_deleted")
@receiver(post_delete, sender=Honor, dispatch_uid="statistics_honor_deleted")
def registry_row_deleted(sender, **kwargs):
    registry_changed()
