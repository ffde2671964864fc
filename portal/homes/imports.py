"""CSV import of homes: read and check the file, preview what it would do, then apply it all or nothing.

Rows are checked with the same rules as the home form and the services (field parsing by HomeRowForm, then
the model's validation and the service's location check); apply writes through the services, inside one
transaction, as an "import" actor so history says who imported which file. A member limited to some locations
imports only there: a row naming a location, or the external id of a home, outside that scope is a row error
that says so (and apply checks it again).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.accounts.scoping import Tenant, scoped
from portal.core.actor import Actor, acting_as
from portal.homes import services
from portal.homes.exports import COLUMNS
from portal.homes.forms import HomeRowForm
from portal.homes.models import Home, HomeImport, HomeStatus, HomeType
from portal.locations.models import HOME_PARENT_KINDS, Location

MAX_BYTES = 2 * 1024 * 1024
STALE_AFTER = dt.timedelta(days=1)  # an unfinished preview older than this is dropped, its file with it
MAX_ROWS = 5000
REQUIRED_COLUMNS = ("external_id", "location", "address_line1", "city", "state", "postal_code")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHOICE_LABELS = {
    "home_type": {label.lower(): value for value, label in HomeType.choices},
    "status": {label.lower(): value for value, label in HomeStatus.choices},
}
CREATE_DEFAULTS = {"country": "US", "home_type": HomeType.SINGLE_FAMILY, "status": HomeStatus.ACTIVE}


class FileRefused(Exception):
    """The whole file is unusable (encoding, header, size): nothing of it is looked at further."""


@dataclass
class Row:
    number: int  # the line in the file (the header is line 1)
    cells: dict[str, str]
    action: str = ""  # "create" | "update" | "unchanged" | "" (refused)
    errors: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    home: Home | None = None


@dataclass
class Preview:
    rows: list[Row]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def creates(self) -> int:
        return self.count("create")

    @property
    def updates(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def refused(self) -> list[Row]:
        return [row for row in self.rows if row.errors]


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller files.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). In your spreadsheet, save it as "
            "“CSV UTF-8” and upload it again."
        ) from exc
    if "\x00" in text:
        raise FileRefused("The file contains binary data: upload a CSV text file.")
    return text


def read_rows(text: str) -> list[Row]:
    """The data rows of a CSV whose header names known columns (blank lines are skipped)."""
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileRefused(f"The file is not a readable CSV: {exc}.") from exc
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise FileRefused("The file is empty: it needs a header row (download the template to see it).")
    header = [cell.strip().lower() for cell in lines[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FileRefused(f"Missing columns: {', '.join(missing)}. The first row must name the columns "
                          "(download the template to see them).")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise FileRefused(f"Unknown columns: {', '.join(unknown)}. Known columns: {', '.join(COLUMNS)}.")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise FileRefused(f"Columns named twice: {', '.join(repeated)}.")
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = Row(number, dict(zip(header, (cell.strip() for cell in cells), strict=False)))
        if len(cells) > len(header):
            row.errors.append(f"{len(cells)} cells but only {len(header)} columns.")
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise FileRefused(f"The file has more than {MAX_ROWS} rows: split it into smaller files.")
    if not rows:
        raise FileRefused("The file has a header row but no homes.")
    return rows


def _clean_cell(column: str, value: str) -> tuple[str, str | None]:
    """The cell's value, and an error when it looks like a spreadsheet formula (never imported)."""
    if value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:], None  # our own export's neutralized cell: the apostrophe is not part of the value
    if value.startswith(FORMULA_PREFIXES):
        return value, f"{column}: “{value[:20]}” looks like a spreadsheet formula (starts with {value[0]!r}); " \
                      "formulas are not imported."
    return value, None


OUTSIDE_SCOPE = ("outside the locations your membership is limited to: only a member whose scope includes it "
                 "can import it.")


def in_scope(tenant: Tenant, path: str) -> bool:
    """Whether a location's path lies under the tenant's scope (as ``scoped`` filters it)."""
    return not tenant.is_scoped or any(path.startswith(p) for p in tenant.scope_paths)


def _matching(locations: list[Location], key: str) -> list[Location]:
    by_id = [loc for loc in locations if loc.external_id and loc.external_id == key]
    return by_id or [loc for loc in locations if loc.name.lower() == key.lower()]


class Checker:
    """Checks rows against the tenant's locations and homes, loaded once for the whole file."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        places = Location.objects.filter(organization=tenant.organization, kind__in=HOME_PARENT_KINDS)
        self.locations: list[Location] = []
        self.locations_outside: list[Location] = []  # of the organization, outside the member's scope
        for location in places:
            (self.locations if in_scope(tenant, location.path) else self.locations_outside).append(location)
        self.location_checks: dict[int, list[str]] = {}
        self.homes: dict[str, Home] = {}
        self.homes_outside: set[str] = set()  # external ids of the organization's homes outside the scope

    def load_homes(self, external_ids: set[str]) -> None:
        ids = [i for i in external_ids if i]
        found = Home.objects.filter(organization=self.tenant.organization, external_id__in=ids).select_related(
            "location")
        for home in found:
            if in_scope(self.tenant, home.location.path):
                self.homes[home.external_id] = home
            else:
                self.homes_outside.add(home.external_id)

    def find_location(self, key: str) -> tuple[Location | None, str | None]:
        matches = _matching(self.locations, key)
        if not matches:
            if _matching(self.locations_outside, key):
                return None, f"location: “{key}” is {OUTSIDE_SCOPE}"
            return None, f"location: no neighborhood or property has the external id or name “{key}”."
        if len(matches) > 1:
            return None, f"location: “{key}” names {len(matches)} locations; use the location's external id."
        location = matches[0]
        if location.pk not in self.location_checks:
            try:
                services.check_home_location(self.tenant.organization, location)
                self.location_checks[location.pk] = []
            except ValidationError as exc:
                self.location_checks[location.pk] = exc.messages
        problems = self.location_checks[location.pk]
        return (None, f"location: {' '.join(problems)}") if problems else (location, None)

    def check(self, row: Row) -> None:
        cells = {}
        for column, value in row.cells.items():
            cells[column], problem = _clean_cell(column, value)
            if problem:
                row.errors.append(problem)
        for column in ("home_type", "status"):
            if cells.get(column):
                cells[column] = CHOICE_LABELS[column].get(cells[column].lower(), cells[column])
        if cells.get("external_id", "") in self.homes_outside:
            row.errors.append(f"external_id: “{cells['external_id']}” belongs to a home {OUTSIDE_SCOPE}")
            return
        existing = self.homes.get(cells.get("external_id", ""))
        location_key = cells.pop("location", "")
        if location_key:
            row.location, problem = self.find_location(location_key)
            if problem:
                row.errors.append(problem)
        elif existing is None:
            row.errors.append("location: required for a new home.")
        if row.errors:
            return
        self._check_fields(row, cells, existing)

    def _check_fields(self, row: Row, cells: dict[str, str], existing: Home | None) -> None:
        given = {k: v for k, v in cells.items() if v != ""}
        if existing is None:
            data = {**CREATE_DEFAULTS, **given}
        else:
            # On an update an empty cell keeps the current value: a partial file never wipes data.
            data = {name: getattr(existing, name) for name in services.HOME_FIELDS} | given
        form = HomeRowForm({k: "" if v is None else v for k, v in data.items()})
        if not form.is_valid():
            row.errors.extend(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
            return
        home = copy.copy(existing) if existing else Home(organization=self.tenant.organization)
        home.location = row.location or existing.location  # type: ignore[union-attr]
        changed = services.apply_fields(home, form.cleaned_data, services.HOME_FIELDS)
        try:
            home.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            row.errors.extend(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
            return
        row.fields = {name: form.cleaned_data[name] for name in changed} if existing else form.cleaned_data
        row.home = existing
        moved = existing is not None and row.location is not None and row.location.pk != existing.location_id
        row.action = "create" if existing is None else ("update" if changed or moved else "unchanged")


def preview(tenant: Tenant, text: str) -> Preview:
    rows = read_rows(text)
    checker = Checker(tenant)
    checker.load_homes({_clean_cell("external_id", row.cells.get("external_id", ""))[0] for row in rows})
    seen: dict[str, int] = {}
    for row in rows:
        external_id = _clean_cell("external_id", row.cells.get("external_id", ""))[0]
        if external_id and external_id in seen:
            row.errors.append(f"external_id: “{external_id}” is also on line {seen[external_id]}.")
        elif external_id:
            seen[external_id] = row.number
        checker.check(row)
    return Preview(rows)


class ApplyFailed(Exception):
    def __init__(self, row: Row, messages: list[str]) -> None:
        self.row, self.messages = row, messages
        super().__init__(f"Line {row.number}: {' '.join(messages)}")


def apply(tenant: Tenant, result: Preview, *, file_name: str, user: Any) -> tuple[int, int]:
    """Write every valid row through the services in one transaction: any refusal undoes them all."""
    actor = Actor(kind="import", label=f"CSV import {file_name} by {user.email}", user=user)
    created = updated = 0
    with acting_as(actor), transaction.atomic():
        for row in result.rows:
            if row.action in ("create", "update") and row.location and not in_scope(tenant, row.location.path):
                raise ApplyFailed(row, [f"location: “{row.location}” is {OUTSIDE_SCOPE}"])  # the preview says so
            try:
                if row.action == "create":
                    services.create_home(tenant.organization, location=row.location, **row.fields)
                    created += 1
                elif row.action == "update":
                    home = scoped(Home, tenant).select_for_update().get(pk=row.home.pk)  # type: ignore[union-attr]
                    services.update_home(home, location=row.location, **row.fields)
                    updated += 1
            except ValidationError as exc:
                raise ApplyFailed(row, exc.messages) from exc
    return created, updated


def drop_stale_previews(batches: QuerySet[HomeImport] | None = None, now: dt.datetime | None = None) -> int:
    """Delete unfinished previews (and the files they hold) older than STALE_AFTER: on each upload, the
    organization's; daily from beat (portal.core.tasks), everybody's."""
    batches = HomeImport.objects.all() if batches is None else batches
    cutoff = (now or timezone.now()) - STALE_AFTER
    deleted, _ = batches.filter(status=HomeImport.Status.PENDING, created_at__lt=cutoff).delete()
    return deleted
