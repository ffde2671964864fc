"""The sandbox's own reading of Builder Backed's request rules (kept apart from the plug-in's local validation on
purpose: a test sends the same bodies to both, so each must be written from the guide on its own).

A body is first *read* (enums, booleans, timestamps: "Invalid value for 'x' field"), then *validated*: every
required field for presence, then every format ("Validation failed for field 'x'"). The first failure answers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

HOME_TYPE_VALUES = ("Single Family", "Multi Family")
OWNER_TYPE_VALUES = ("PRIMARY", "SECONDARY", "OTHER")
DOC_TYPE_VALUES = ("EXTERNAL_URL", "AWS", "SAPPHIRE", "BUILDERBACKED")


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = False
    values: tuple[str, ...] = ()  # an enum
    boolean: bool = False
    timestamp: bool = False  # "YYYY-MM-DD HH:MM:SS.SSS"
    pattern: str = ""  # a format checked after presence

    @property
    def text(self) -> bool:
        return not (self.values or self.boolean or self.timestamp)


LOCATION_FIELDS = (Field("externalId", True), Field("name", True), Field("displayName"), Field("abbreviatedName"))
PARENT_FIELD = {"divisions": "regionName", "master-communities": "divisionExternalId",
                "neighborhoods": "masterCommunityExternalId"}
HOME_FIELDS = (
    Field("externalId", True), Field("addressLine1", True), Field("addressLine2"), Field("city", True),
    Field("state", True, pattern=r"[A-Za-z]{2}"), Field("postalCode", True),
    Field("type", True, values=HOME_TYPE_VALUES), Field("neighborhoodExternalId", True),
    Field("marketHome", boolean=True), Field("jobId"), Field("productCollection"), Field("model"),
)
OWNER_FIELDS = (
    Field("email", True, pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+"), Field("homeownerType", values=OWNER_TYPE_VALUES),
    Field("defaultHome", boolean=True), Field("prefix"), Field("firstName"), Field("middleName"), Field("lastName"),
    Field("suffix"),
)
DOC_FIELDS = (
    Field("category", True), Field("name", True), Field("url", True, pattern=r"https?://[^\s/]+\S*"),
    Field("type", True, values=DOC_TYPE_VALUES), Field("shareable", True, boolean=True),
    Field("displayStart", timestamp=True), Field("displayEnd", timestamp=True), Field("externalId"), Field("bucket"),
)


class Invalid(Exception):
    """A 400 with the vendor's message."""


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}", value):
        return False
    try:
        dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f")
    except ValueError:
        return False
    return True


def read(body: Any, fields: tuple[Field, ...]) -> None:
    """Text fields first (a JSON array or object cannot be read as text: Jackson refuses it), then enums, booleans
    and timestamps."""
    if not isinstance(body, dict):
        raise Invalid("Malformed JSON request")
    for f in sorted(fields, key=lambda f: not f.text):
        value = body.get(f.name)
        if _empty(value):
            continue
        wrong = ((f.values and value not in f.values) or (f.boolean and not isinstance(value, bool))
                 or (f.timestamp and not _is_timestamp(value)) or (f.text and isinstance(value, list | dict)))
        if wrong:
            raise Invalid(f"Invalid value for '{f.name}' field")


def validate(body: dict[str, Any], fields: tuple[Field, ...], prefix: str = "") -> None:
    for f in fields:
        if f.required and _empty(body.get(f.name)):
            raise Invalid(f"Validation failed for field '{prefix}{f.name}'")
    for f in fields:
        if f.pattern and not re.fullmatch(f.pattern, str(body.get(f.name))):
            raise Invalid(f"Validation failed for field '{prefix}{f.name}'")


def check_location(level: str, body: Any) -> None:
    fields = (*LOCATION_FIELDS[:2], Field(PARENT_FIELD[level], True), *LOCATION_FIELDS[2:])
    read(body, fields)
    validate(body, fields)


def check_home(body: Any) -> None:
    read(body, HOME_FIELDS)
    validate(body, HOME_FIELDS)
    for owner in body.get("homeowners") or []:
        check_owner(owner)


def check_owner(body: Any) -> None:
    read(body, OWNER_FIELDS)
    validate(body, OWNER_FIELDS)


def _check_docs(docs: list[Any], with_prefix: bool) -> None:
    for doc in docs:
        read(doc, DOC_FIELDS)
    for i, doc in enumerate(docs):
        prefix = f"documents[{i}]." if with_prefix else ""
        validate(doc, DOC_FIELDS, prefix)
        if doc["type"] == "AWS" and _empty(doc.get("bucket")):
            raise Invalid(f"Validation failed for field '{prefix}bucket'")


def check_documents(body: Any) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("documents", []), list):
        raise Invalid("Invalid value for 'documents' field")
    docs = body.get("documents") or []
    for doc in docs:
        if not isinstance(doc, dict):
            raise Invalid("Invalid value for 'documents' field")
    for doc in docs:
        read(doc, DOC_FIELDS)
    read(body, (Field("externalHomeId"),))
    if _empty(body.get("externalHomeId")):
        raise Invalid("Validation failed for field 'externalHomeId'")
    if not docs:
        raise Invalid("Validation failed for field 'documents'")
    _check_docs(docs, with_prefix=True)


def check_document_update(body: Any) -> None:
    read(body, DOC_FIELDS)
    if _empty(body.get("externalId")):
        raise Invalid("Validation failed for field 'externalId'")
    _check_docs([body], with_prefix=False)
