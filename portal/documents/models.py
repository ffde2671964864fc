from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from portal.core.history import history
from portal.core.models import OrgOwned


class Category(models.TextChoices):
    LEASE = "lease", "Lease"
    INSPECTION = "inspection", "Inspection report"
    MAINTENANCE = "maintenance", "Maintenance invoice"
    INSURANCE = "insurance", "Insurance"
    WARRANTY = "warranty", "Warranty"
    PLAN = "plan", "Plan or drawing"
    IDENTITY = "identity", "ID verification"
    INCOME = "income", "Income proof"
    OTHER = "other", "Other"


def document_upload_to(instance: Document, filename: str) -> str:
    # The stored name is random: the user's file name is kept in original_name, never used as a path.
    return f"documents/{instance.organization_id}/{uuid.uuid4().hex}"


class Document(OrgOwned):
    """A file or an external link, attached to exactly one home, lease or location."""

    home = models.ForeignKey("homes.Home", null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    lease = models.ForeignKey(
        "leases.Lease", null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    external_id = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_upload_to, blank=True, max_length=255)
    external_url = models.URLField(blank=True, max_length=1000)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    display_start = models.DateTimeField(null=True, blank=True)
    display_end = models.DateTimeField(null=True, blank=True)
    shareable = models.BooleanField(default=False)

    history = history()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(home__isnull=False, lease__isnull=True, location__isnull=True)
                    | Q(home__isnull=True, lease__isnull=False, location__isnull=True)
                    | Q(home__isnull=True, lease__isnull=True, location__isnull=False)
                ),
                name="document_attached_to_exactly_one",
            ),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(external_url="")) | (~Q(file="") & Q(external_url="")),
                name="document_file_xor_url",
            ),
            models.CheckConstraint(
                condition=Q(display_start__isnull=True) | Q(display_end__isnull=True)
                | Q(display_end__gte=models.F("display_start")),
                name="document_display_window_ordered",
            ),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="document_category_valid"),
            models.UniqueConstraint(
                fields=["organization", "external_id"], condition=~Q(external_id=""),
                name="document_external_id_unique",
                violation_error_code="duplicate_external_id",
                violation_error_message="A document with this external id already exists.",
            ),
        ]
        indexes = [models.Index(fields=["organization", "category"])]

    def __str__(self) -> str:
        return self.title

    @property
    def target(self) -> models.Model:
        return self.home or self.lease or self.location  # type: ignore[return-value]
