"""What Builder Backed would refuse in a request body, checked before sending (pure).

Messages are the vendor's own. The guide publishes "Invalid value for 'type' field" (an enum the JSON reader
cannot take) and "Validation failed for field 'externalId'" (a bean-validation failure); other fields follow the
same two patterns. Order mirrors a Spring back end: the body is read first (enums, booleans, timestamps), then the
constraints are checked field by field in the order the guide lists them, and the first failure is answered.
The sandbox implements the same rules separately; a test sends the same bodies to both and compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from integrations.builderbacked.mapping import LEVELS, Refusal, parse_bb_timestamp
from integrations.builderbacked.types import DOCUMENT_TYPES, HOME_TYPES, HOMEOWNER_TYPES

STATE = re.compile(r"[A-Za-z]{2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
URL = re.compile(r"https?://[^\s/]+\S*")
HOME_REQUIRED = ("externalId", "addressLine1", "city", "state", "postalCode", "type", "neighborhoodExternalId")
DOCUMENT_REQUIRED = ("category", "name", "url", "type", "shareable")
# String fields of each request: a JSON array or object there cannot be read as text (Jackson refuses it).
HOME_TEXT = ("externalId", "addressLine1", "addressLine2", "city", "state", "postalCode", "neighborhoodExternalId",
             "jobId", "productCollection", "model")
OWNER_TEXT = ("email", "prefix", "firstName", "middleName", "lastName", "suffix")
DOCUMENT_TEXT = ("category", "name", "url", "externalId", "bucket")


def invalid_value(field: str) -> Refusal:
    return Refusal(status=400, message=f"Invalid value for '{field}' field", field=field, detail="")


def validation_failed(field: str, detail: str = "") -> Refusal:
    return Refusal(status=400, message=f"Validation failed for field '{field}'", field=field, detail=detail)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unreadable_text(body: dict[str, Any], fields: Iterable[str]) -> Refusal | None:
    for name in fields:
        if isinstance(body.get(name), list | dict):
            return invalid_value(name)
    return None


def _first_missing(body: dict[str, Any], fields: Iterable[str], prefix: str = "") -> Refusal | None:
    for name in fields:
        if _blank(body.get(name)):
            return validation_failed(prefix + name, "required")
    return None


def check_location(level: str, body: dict[str, Any]) -> Refusal | None:
    """Division / master community / neighborhood request (``level`` is the portal kind)."""
    parent = LEVELS[level][1]
    text = ("externalId", "name", parent, "displayName", "abbreviatedName")
    return _unreadable_text(body, text) or _first_missing(body, ("externalId", "name", parent))


def check_home(body: dict[str, Any]) -> Refusal | None:
    if unreadable := _unreadable_text(body, HOME_TEXT):
        return unreadable
    if not _blank(body.get("type")) and body.get("type") not in HOME_TYPES:
        return invalid_value("type")
    if not _blank(body.get("marketHome")) and not isinstance(body["marketHome"], bool):
        return invalid_value("marketHome")
    if missing := _first_missing(body, HOME_REQUIRED):
        return missing
    if not STATE.fullmatch(str(body["state"])):
        return validation_failed("state", "a 2-letter state code")
    return None


def check_homeowner(body: dict[str, Any]) -> Refusal | None:
    if unreadable := _unreadable_text(body, OWNER_TEXT):
        return unreadable
    kind = body.get("homeownerType")
    if not _blank(kind) and kind not in HOMEOWNER_TYPES:
        return invalid_value("homeownerType")
    if not _blank(body.get("defaultHome")) and not isinstance(body["defaultHome"], bool):
        return invalid_value("defaultHome")
    if missing := _first_missing(body, ("email",)):
        return missing
    if not EMAIL.fullmatch(str(body["email"])):
        return validation_failed("email", "not an e-mail address")
    return None


def _read_document(doc: dict[str, Any]) -> Refusal | None:
    """The reading step for one document: text, enum, boolean and timestamp values."""
    if unreadable := _unreadable_text(doc, DOCUMENT_TEXT):
        return unreadable
    if not _blank(doc.get("type")) and doc.get("type") not in DOCUMENT_TYPES:
        return invalid_value("type")
    if not _blank(doc.get("shareable")) and not isinstance(doc["shareable"], bool):
        return invalid_value("shareable")
    for name in ("displayStart", "displayEnd"):
        if not _blank(doc.get(name)):
            try:
                parse_bb_timestamp(doc[name])
            except ValueError:
                return invalid_value(name)
    return None


def _check_document(doc: dict[str, Any], index: int) -> Refusal | None:
    prefix = f"documents[{index}]."
    if missing := _first_missing(doc, DOCUMENT_REQUIRED, prefix):
        return missing
    if not URL.fullmatch(str(doc["url"])):
        return validation_failed(prefix + "url", "an absolute http(s) URL")
    if doc["type"] == "AWS" and _blank(doc.get("bucket")):
        return validation_failed(prefix + "bucket", "required for AWS documents")
    return None


def check_documents(body: dict[str, Any]) -> Refusal | None:
    """``POST /api/v2/documents`` body: the home's external id and a non-empty list of documents."""
    docs = body.get("documents")
    items = docs if isinstance(docs, list) else []
    for doc in items:
        if not isinstance(doc, dict):
            return invalid_value("documents")
        if refusal := _read_document(doc):
            return refusal
    if unreadable := _unreadable_text(body, ("externalHomeId",)):
        return unreadable
    if missing := _first_missing(body, ("externalHomeId",)):
        return missing
    if not items:
        return validation_failed("documents", "at least one document")
    for index, doc in enumerate(items):
        if refusal := _check_document(doc, index):
            return refusal
    return None


def check_document_update(doc: dict[str, Any]) -> Refusal | None:
    """``PUT /api/v2/documents``: one document, found by its external id."""
    if refusal := _read_document(doc):
        return refusal
    if missing := _first_missing(doc, ("externalId",)):
        return missing
    return _unprefixed(_check_document(doc, 0))


def _unprefixed(refusal: Refusal | None) -> Refusal | None:
    if refusal is None or not refusal["field"]:
        return refusal
    return validation_failed(refusal["field"].removeprefix("documents[0]."), refusal["detail"])


CHECKS: dict[str, Callable[[dict[str, Any]], Refusal | None]] = {
    "home": check_home, "homeowner": check_homeowner, "documents": check_documents,
    "document_update": check_document_update,
}
