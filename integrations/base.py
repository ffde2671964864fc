"""The plug-in contract in one import: ``from integrations.base import ...``.

The pieces live in small modules (errors, http, contract); vendors import them from here so the contract
has one name. /work/CONTRACT.md and integrations/README.md describe it in prose.
"""

from integrations.contract import (
    Accepted,
    ConfigField,
    Confirmation,
    Mapped,
    OwnedFields,
    Page,
    Plugin,
    PullStream,
    PushStream,
    RateSpec,
    Ref,
    RefResolver,
    RemoteFile,
    Stream,
    WebhookEvent,
)
from integrations.errors import (
    AuthError,
    Conflict,
    DependencyPending,
    MappingError,
    NotFound,
    RateLimited,
    Rejected,
    TransientError,
    VendorError,
    WebhookRejected,
)
from integrations.http import BaseClient, Limiter

__all__ = [
    "Accepted",
    "AuthError",
    "BaseClient",
    "ConfigField",
    "Confirmation",
    "Conflict",
    "DependencyPending",
    "Limiter",
    "Mapped",
    "MappingError",
    "NotFound",
    "OwnedFields",
    "Page",
    "Plugin",
    "PullStream",
    "PushStream",
    "RateLimited",
    "RateSpec",
    "Ref",
    "RefResolver",
    "Rejected",
    "RemoteFile",
    "Stream",
    "TransientError",
    "VendorError",
    "WebhookEvent",
    "WebhookRejected",
]
