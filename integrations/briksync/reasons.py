"""BrikSync's error answers as reasons staff can act on (pure: status + body in, words out).

BrikSync's body is ``{data: null, error: <human text>, code: <MACHINE_CODE>, [message], [upgradeUrl],
[currentPlan, requiredPlan]}``. The reason names BrikSync, says what it means for the connection, and keeps the
code in brackets so support can search for it, e.g. "BrikSync says your plan does not include the API
(PLAN_UPGRADE_REQUIRED): upgrade to BUSINESS".
"""

from __future__ import annotations

from typing import Any

# What each documented code means for whoever reads the sync log; {detail} is BrikSync's own words.
MEANINGS: dict[str, str] = {
    "VALIDATION_ERROR": "BrikSync refused the data (VALIDATION_ERROR): {detail}",
    "UNAUTHORIZED": "BrikSync did not accept the API key (UNAUTHORIZED): check that it is current and not revoked, "
                    "and that this server's address is on the key's IP allowlist",
    "FORBIDDEN": "BrikSync says the API key's user may not do this (FORBIDDEN): {detail}",
    "NOT_FOUND": "BrikSync has no such record (NOT_FOUND): {detail}",
    "RATE_LIMITED": "BrikSync's rate limit was reached (RATE_LIMITED): {detail}",
    "PLAN_LIMIT_EXCEEDED": "BrikSync says this goes beyond your plan's limits (PLAN_LIMIT_EXCEEDED): {detail}",
    "PLAN_UPGRADE_REQUIRED": "BrikSync says your plan does not include the API (PLAN_UPGRADE_REQUIRED): {detail}",
    "PLAN_CONTEXT_UNAVAILABLE": "BrikSync could not load your organisation's billing details and refused the request "
                                "to be safe (PLAN_CONTEXT_UNAVAILABLE): it will be tried again",
    "NOT_APPLICABLE": "BrikSync says this does not apply to your account type (NOT_APPLICABLE): {detail}",
    "INTERNAL_ERROR": "BrikSync had an internal error (INTERNAL_ERROR): {detail}",
}
BY_STATUS = {400: "VALIDATION_ERROR", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 422: "VALIDATION_ERROR",
             429: "RATE_LIMITED", 500: "INTERNAL_ERROR"}


def field_errors(details: Any) -> dict[str, str]:
    """A VALIDATION_ERROR's field errors ([gap]: {field: message} or [{field|path, message}] are both read)."""
    if isinstance(details, dict):
        return {str(k): _text(v) for k, v in details.items()}
    found: dict[str, str] = {}
    for entry in details if isinstance(details, list) else []:
        if isinstance(entry, dict):
            name = entry.get("field") or entry.get("path")
            name = ".".join(str(p) for p in name) if isinstance(name, list) else name
            if name:
                found[str(name)] = _text(entry.get("message") or entry.get("error") or "invalid")
    return found


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _plan_detail(body: dict[str, Any]) -> str:
    required, current = body.get("requiredPlan"), body.get("currentPlan")
    parts = []
    if required:
        parts.append(f"upgrade to {required}" + (f" (now on {current})" if current else ""))
    elif body.get("message") or body.get("error"):
        parts.append(str(body.get("message") or body.get("error")))
    if body.get("upgradeUrl"):
        parts.append(f"at {body['upgradeUrl']}")
    return " ".join(parts) or "upgrade the BrikSync plan"


def explain(status: int, body: Any, fallback: str = "") -> tuple[str, str | None, dict[str, str]]:
    """(reason, code, field errors) for an error answer; ``body`` is the parsed JSON (or None if it was not)."""
    if not isinstance(body, dict):  # a proxy's page or a truncated body: the status says what it was
        code = BY_STATUS.get(status)
        text = fallback.strip()[:300] or f"HTTP {status}"
        return (MEANINGS[code].format(detail=text) if code else f"BrikSync answered HTTP {status}: {text}"), None, {}
    code = str(body["code"]) if body.get("code") else None
    human = str(body.get("error") or "").strip()
    detail = str(body.get("message") or "").strip()
    fields = field_errors(body.get("details"))
    if code in ("PLAN_UPGRADE_REQUIRED", "PLAN_LIMIT_EXCEEDED"):
        text = _plan_detail(body) if code == "PLAN_UPGRADE_REQUIRED" else "; ".join(
            p for p in (detail or human, f"upgrade at {body['upgradeUrl']}" if body.get("upgradeUrl") else "") if p)
    else:
        text = "; ".join(p for p in (human, detail if detail != human else "") if p)
    if fields and code == "VALIDATION_ERROR" and list(fields.values()) != [human]:  # one problem: said once
        listed = "; ".join(f"{k}: {v}" for k, v in fields.items())
        text = listed if not human or human in listed else f"{human} ({listed})"
    if code in MEANINGS:
        return MEANINGS[code].format(detail=text or "no details given"), code, fields
    label = code or f"HTTP {status}"
    return f"BrikSync answered {label}: {text or fallback.strip()[:300] or 'no details given'}", code, fields
