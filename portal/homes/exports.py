"""CSV export of homes, streamed row by row so a 20,000-home export never sits in memory."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from portal.homes.models import Home

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection): such a cell is written
# with a leading apostrophe, which spreadsheets show as text. The import strips it again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = [
    "external_id", "location", "address_line1", "address_line2", "unit_number", "city", "state", "postal_code",
    "country", "home_type", "bedrooms", "bathrooms", "size_sqft", "market_rent", "status",
]
EXPORT_COLUMNS = ["id", *COLUMNS, "location_name", "occupied", "updated_at"]
CHUNK = 2000


def neutralize(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write returns the line, for csv.writer inside a generator."""

    def write(self, value: str) -> str:
        return value


def home_row(home: Home) -> list[Any]:
    location = home.location
    return [
        home.pk, home.external_id, location.external_id or location.name, home.address_line1, home.address_line2,
        home.unit_number, home.city, home.state, home.postal_code, home.country, home.home_type, home.bedrooms,
        home.bathrooms, home.size_sqft, home.market_rent, home.status, location.name,
        "yes" if getattr(home, "is_occupied", False) else "no", home.updated_at.isoformat(timespec="seconds"),
    ]


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read the file as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralize(cell) for cell in row])


def export_response(homes: QuerySet[Home], organization_slug: str) -> StreamingHttpResponse:
    rows = (home_row(home) for home in homes.select_related("location").iterator(chunk_size=CHUNK))
    response = StreamingHttpResponse(csv_lines(EXPORT_COLUMNS, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="homes-{organization_slug}-{stamp}.csv"'
    return response


def template_response() -> StreamingHttpResponse:
    """The import template: the header row and one example row."""
    example = ["H-1001", "NB-01", "12 Elm St", "", "", "Dayton", "OH", "45402", "US", "single_family", "3", "2.5",
               "1650", "1895.00", "active"]
    response = StreamingHttpResponse(csv_lines(COLUMNS, [example]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="homes-import-template.csv"'
    return response
