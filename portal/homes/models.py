from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from portal.core.history import history
from portal.core.models import OrgOwned

state_validator = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter state code, e.g. OH.")
postal_code_validator = RegexValidator(r"^[0-9A-Za-z][0-9A-Za-z \-]{1,9}$", "Enter a valid postal code.")


class HomeType(models.TextChoices):
    SINGLE_FAMILY = "single_family", "Single family"
    MULTI_FAMILY = "multi_family", "Multi family"


class HomeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PENDING = "pending", "Pending"
    INACTIVE = "inactive", "Inactive"


class Home(OrgOwned):
    """One dwelling: a single-family home, or a unit of a property."""

    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="homes")
    external_id = models.CharField(max_length=100, blank=True)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, validators=[state_validator])
    postal_code = models.CharField(max_length=10, validators=[postal_code_validator])
    country = models.CharField(max_length=2, default="US")
    home_type = models.CharField(max_length=20, choices=HomeType.choices, default=HomeType.SINGLE_FAMILY)
    unit_number = models.CharField(max_length=20, blank=True)
    bedrooms = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(50)])
    bathrooms = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    size_sqft = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(1_000_000)])
    market_rent = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    status = models.CharField(max_length=10, choices=HomeStatus.choices, default=HomeStatus.ACTIVE)

    history = history()

    class Meta:
        ordering = ["address_line1", "unit_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"], condition=~Q(external_id=""), name="home_external_id_unique",
                violation_error_code="duplicate_external_id",
                violation_error_message="A record with this external id already exists.",
            ),
            models.CheckConstraint(condition=Q(home_type__in=HomeType.values), name="home_type_valid"),
            models.CheckConstraint(condition=Q(status__in=HomeStatus.values), name="home_status_valid"),
            models.CheckConstraint(
                condition=Q(market_rent__isnull=True) | Q(market_rent__gte=0), name="home_market_rent_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "home_type"]),
            models.Index(fields=["organization", "address_line1", "unit_number", "id"]),
            models.Index(fields=["organization", "city"]),
            models.Index(fields=["organization", "updated_at", "id"]),
            # The homes list sorts by rent (portal/homes/forms.py SORTS).
            models.Index(fields=["organization", "market_rent", "id"], name="home_org_rent_idx"),
        ]

    def __str__(self) -> str:
        unit = f" #{self.unit_number}" if self.unit_number else ""
        return f"{self.address_line1}{unit}, {self.city}"

    @property
    def full_address(self) -> str:
        parts = [self.address_line1, self.address_line2, self.city, f"{self.state} {self.postal_code}".strip()]
        unit = f"Unit {self.unit_number}" if self.unit_number else ""
        return ", ".join(p for p in [parts[0], unit, *parts[1:]] if p)


class Person(OrgOwned):
    """A homeowner, tenant or contact."""

    external_id = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    suffix = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    alternate_email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True, db_index=True)
    alternate_phone = models.CharField(max_length=30, blank=True)

    history = history()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"], condition=~Q(external_id=""), name="person_external_id_unique",
                violation_error_code="duplicate_external_id",
                violation_error_message="A record with this external id already exists.",
            ),
        ]
        indexes = [models.Index(fields=["organization", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.middle_name, self.last_name] if p)


class OwnershipType(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    OTHER = "other", "Other"


class Homeownership(OrgOwned):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="homeownerships")
    home = models.ForeignKey(Home, on_delete=models.CASCADE, related_name="homeownerships")
    ownership_type = models.CharField(max_length=10, choices=OwnershipType.choices, default=OwnershipType.PRIMARY)

    history = history()

    class Meta:
        ordering = ["home", "ownership_type", "id"]
        constraints = [
            models.UniqueConstraint(fields=["home", "person"], name="homeownership_unique_home_person"),
            models.CheckConstraint(condition=Q(ownership_type__in=OwnershipType.values), name="ownership_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.person} owns {self.home} ({self.get_ownership_type_display()})"


class HomeImport(OrgOwned):
    """An uploaded homes CSV waiting between its preview and apply (or cancel).

    The file is kept here, not in the session (sessions are small and signed) and not re-uploaded (bad UX);
    apply re-validates it, so a stale preview can never write rows that became invalid.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for apply"
        APPLIED = "applied", "Applied"

    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    creates = models.PositiveIntegerField(default=0)
    updates = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "status", "created_at"])]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.get_status_display()})"
