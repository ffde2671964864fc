from __future__ import annotations

from django.db import models
from django.db.models import Q

from portal.core.history import history
from portal.core.models import OrgOwned


class Kind(models.TextChoices):
    REGION = "region", "Region"
    DIVISION = "division", "Division"
    MASTER_COMMUNITY = "master_community", "Master community"
    NEIGHBORHOOD = "neighborhood", "Neighborhood"
    PROPERTY = "property", "Property"


# Which kinds may stand under which (None: at the top of the tree). A property contains units and may stand
# under any hierarchy level or at the top; the hierarchy itself goes one level at a time.
ALLOWED_CHILDREN: dict[str | None, tuple[str, ...]] = {
    None: (Kind.REGION, Kind.PROPERTY),
    Kind.REGION: (Kind.DIVISION, Kind.PROPERTY),
    Kind.DIVISION: (Kind.MASTER_COMMUNITY, Kind.PROPERTY),
    Kind.MASTER_COMMUNITY: (Kind.NEIGHBORHOOD, Kind.PROPERTY),
    Kind.NEIGHBORHOOD: (Kind.PROPERTY,),
    Kind.PROPERTY: (),
}
# Kinds under which a home may be created.
HOME_PARENT_KINDS = (Kind.NEIGHBORHOOD, Kind.PROPERTY)


class Location(OrgOwned):
    """One node of an organization's location tree."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    display_name = models.CharField(max_length=200, blank=True)
    abbreviation = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=100, blank=True, help_text="Your own id for it; unique per kind.")
    is_active = models.BooleanField(default=True)
    # Address (used by properties and pushed to vendors that need one).
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, default="US")
    # Materialized path of ids ("/3/17/42/"): subtree queries are one indexed prefix match.
    path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    history = history()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "external_id"],
                condition=~Q(external_id=""),
                name="location_external_id_unique_per_org_kind",
                violation_error_code="duplicate_external_id",
                violation_error_message="A location of this kind with this external id already exists.",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="location_kind_valid"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="location_not_own_parent"),
        ]
        indexes = [models.Index(fields=["organization", "kind", "is_active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def allowed_child_kinds(self) -> tuple[str, ...]:
        return ALLOWED_CHILDREN[self.kind]
