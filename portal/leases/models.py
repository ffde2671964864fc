from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from portal.core.history import history
from portal.core.models import OrgOwned


class LeaseType(models.TextChoices):
    FIXED = "fixed", "Fixed"
    FIXED_WITH_ROLLOVER = "fixed_with_rollover", "Fixed with rollover"
    AT_WILL = "at_will", "At will"


class LeaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RENEWED = "renewed", "Renewed"
    ENDED = "ended", "Ended"
    TERMINATED = "terminated", "Terminated"


# The only transitions a lease may make; everything else is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    LeaseStatus.DRAFT: (LeaseStatus.ACTIVE,),
    LeaseStatus.ACTIVE: (LeaseStatus.RENEWED, LeaseStatus.ENDED, LeaseStatus.TERMINATED),
    LeaseStatus.RENEWED: (LeaseStatus.ENDED, LeaseStatus.TERMINATED),
    LeaseStatus.ENDED: (),
    LeaseStatus.TERMINATED: (),
}
# Statuses in which the home counts as occupied.
OCCUPYING_STATUSES = (LeaseStatus.ACTIVE, LeaseStatus.RENEWED)


class Lease(OrgOwned):
    home = models.ForeignKey("homes.Home", on_delete=models.PROTECT, related_name="leases")
    tenants = models.ManyToManyField("homes.Person", through="LeaseTenant", related_name="leases")
    external_id = models.CharField(max_length=100, blank=True)
    lease_type = models.CharField(max_length=20, choices=LeaseType.choices, default=LeaseType.FIXED)
    status = models.CharField(max_length=10, choices=LeaseStatus.choices, default=LeaseStatus.DRAFT)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    rent = models.DecimalField(max_digits=12, decimal_places=2)
    deposit = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    due_day = models.PositiveSmallIntegerField(default=1, help_text="Day of the month rent is due (1–31).")

    history = history()

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"], condition=~Q(external_id=""), name="lease_external_id_unique",
                violation_error_code="duplicate_external_id",
                violation_error_message="A lease with this external id already exists.",
            ),
            models.CheckConstraint(condition=Q(status__in=LeaseStatus.values), name="lease_status_valid"),
            models.CheckConstraint(condition=Q(lease_type__in=LeaseType.values), name="lease_type_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="lease_end_after_start"
            ),
            models.CheckConstraint(condition=Q(rent__gte=0) & Q(deposit__gte=0), name="lease_amounts_non_negative"),
            models.CheckConstraint(condition=Q(due_day__gte=1) & Q(due_day__lte=31), name="lease_due_day_in_month"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "end_date"]),
            models.Index(fields=["organization", "updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"Lease {self.pk} on {self.home}"

    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


class TenantRole(models.TextChoices):
    PRIMARY = "primary", "Primary tenant"
    COTENANT = "cotenant", "Co-tenant"
    COSIGNER = "cosigner", "Cosigner"


class LeaseTenant(OrgOwned):
    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="lease_tenants")
    person = models.ForeignKey("homes.Person", on_delete=models.PROTECT, related_name="lease_tenancies")
    role = models.CharField(max_length=10, choices=TenantRole.choices, default=TenantRole.PRIMARY)

    history = history()

    class Meta:
        ordering = ["lease", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["lease", "person"], name="lease_tenant_unique")]

    def __str__(self) -> str:
        return f"{self.person} on {self.lease}"
