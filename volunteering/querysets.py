"""Reads of the volunteering app: scoped querysets with the app's filters and annotations."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.querysets import ScopedQuerySet


class ServiceTeamQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)


class TeamMembershipQuerySet(ScopedQuerySet):
    pass


class BeneficiaryQuerySet(ScopedQuerySet):
    def small_micro(self):
        return self.filter(is_small_micro=True)


class ServiceEventQuerySet(ScopedQuerySet):
    def done(self):
        """Events that took place: the only ones that count in records and statistics."""
        return self.filter(status="done")

    def in_year(self, year: int):
        return self.filter(date__year=year)

    def classes_given(self):
        """双百 classes given: completed 送课 events linked to a catalogue course."""
        return self.done().filter(category="class", course__isnull=False)


class EventBeneficiaryQuerySet(ScopedQuerySet):
    pass


class EventPhotoQuerySet(ScopedQuerySet):
    pass


class ParticipationQuerySet(ScopedQuerySet):
    def counted(self):
        """Participations in completed events (planned or cancelled ones earn no hours)."""
        return self.filter(event__status="done")

    def of_member(self, member):
        return self.filter(member=member)

    def totals(self) -> dict:
        """Hours, number of participations and of distinct people over this queryset."""
        result = self.aggregate(
            hours=Sum("hours"), participations=Count("pk"), people=Count("member", distinct=True)
        )
        result["hours"] = result["hours"] or 0
        return result


class ServiceRequestQuerySet(ScopedQuerySet):
    def open(self):
        """Requests still waiting for help: received, assigned or being served."""
        return self.filter(status__in=["submitted", "assigned", "in_service"])

    def oldest_first(self):
        return self.order_by("received_at", "pk")

    def waiting_longer_than(self, days: int, now=None):
        """Open requests received more than ``days`` days ago."""
        cutoff = (now or timezone.now()) - timezone.timedelta(days=days)
        return self.open().filter(received_at__lt=cutoff)


class DonationQuerySet(ScopedQuerySet):
    def in_year(self, year: int):
        return self.filter(date__year=year)

    def totals(self) -> dict:
        """Money and goods value (yuan) over this queryset."""
        result = self.aggregate(
            money=Sum("value", filter=Q(kind="money")), goods=Sum("value", filter=Q(kind="goods"))
        )
        return {key: value or 0 for key, value in result.items()}


class CourseQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)

    def annotate_deliveries(self):
        """Annotate ``classes_given``: completed 送课 events of each course."""
        return self.annotate(classes_given=Count("deliveries", filter=Q(deliveries__status="done")))
