"""The plug-in contract: what a vendor declares (streams, fields, webhooks) and what the engine hands it.

A plug-in is data plus pure functions; the engine (pull/push/webhooks) does everything stateful. See
integrations/README.md and /work/CONTRACT.md for the prose version of this file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from integrations.http import BaseClient

if TYPE_CHECKING:
    from integrations.sandbox.app import SandboxApp


@dataclass(frozen=True)
class RateSpec:
    """The vendor's budget: at most ``requests`` per ``per_seconds`` (a connection may override it)."""

    requests: int
    per_seconds: float = 1.0

    @property
    def interval(self) -> float:
        return self.per_seconds / self.requests


PORTAL_REF_PREFIX = "@portal:"


@dataclass(frozen=True)
class Ref:
    """Another record of the same connection, by its stream and vendor id (e.g. a unit's property)."""

    stream: str
    vendor_id: str

    @classmethod
    def portal(cls, model: str, pk: int | str) -> Ref:
        """A parent that is the portal's own record, by primary key (e.g. a default location chosen in the
        connection's options for records the vendor files under nothing). Resolved within the connection's
        organization only; a pk that is not there fails the record with the reason. For ``Mapped.parents``."""
        return cls(f"{PORTAL_REF_PREFIX}{model}", str(pk))

    @property
    def portal_model(self) -> str | None:
        """The model label of a ``Ref.portal`` (None for a vendor record's ref)."""
        return self.stream[len(PORTAL_REF_PREFIX):] if self.stream.startswith(PORTAL_REF_PREFIX) else None


@dataclass
class Page:
    """One page of a pull. ``next_cursor`` None means this page ends the pass (the plug-in's paging state only;
    the engine keeps the ``since`` watermark itself). ``total`` (records in the pass) drives the progress bar."""

    records: list[dict[str, Any]]
    next_cursor: dict[str, Any] | None = None
    total: int | None = None

    @property
    def last(self) -> bool:
        return self.next_cursor is None


@dataclass
class Mapped:
    """A vendor record mapped to portal fields. ``parents``: FK field name -> Ref (resolved by the engine through
    ExternalRef; a missing parent defers the record). ``links``: many-to-many name -> Refs (e.g. lease tenants)."""

    fields: dict[str, Any]
    parents: dict[str, Ref] = field(default_factory=dict)
    links: dict[str, list[Ref]] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoteFile:
    """A file a pull stream delivers by reference (e.g. behind a download URL that expires in minutes).

    Put it in ``Mapped.fields["file"]`` of a document. The engine calls ``fetch()`` only when it will store the file:
    for a new record, or when ``version`` differs from the version it stored last time; it fetches inside the sync
    task, right before writing, so a short-lived signed URL is used at once. The bytes go through the same checks
    as an upload (size, content type); a failed fetch or a refused file fails that record alone, with the reason.
    ``version`` must change whenever the content does (the vendor's file id, size, checksum or upload time).
    """

    version: str
    name: str
    fetch: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:  # what the record hash sees: the version, never the fetcher
        return f"file:{self.version}"


@dataclass(frozen=True)
class Accepted:
    """What a push stream's ``create`` / ``update`` return when the vendor took the write but confirms it later
    (BuildingMinds answers every POST with a batch id and processes the batch afterwards).

    ``token`` is what the stream's ``confirm`` polls (the batch id); ``vendor_id`` is the record's id for a create
    (None: the stream's ``planned_id``). The engine stores the token on the record's ExternalRef and a follow-up
    task polls ``confirm`` until the vendor confirms or fails it; the outcome shows on the record and in a run.
    """

    token: str
    vendor_id: str | None = None


@dataclass(frozen=True)
class Confirmation:
    """The vendor's verdict on an Accepted write. ``status``: the vendor's own word (e.g. "InProgress",
    "FailedGeoCoding"), shown on the record; ``reason``: why it failed (the vendor's message) or what it waits for."""

    state: Literal["pending", "confirmed", "failed"]
    status: str = ""
    reason: str = ""


class RefResolver(Protocol):
    """Given to ``PushStream.to_payload``: the vendor id of a local record in this connection, if it has one.

    ``stream``: the ref of that stream only (a record pushed as several vendor resources, e.g. a location that is
    both an address and a site at BuildingMinds, has one ref per stream). ``options``: the connection's vendor
    options, each config field's default filled in."""

    options: Mapping[str, Any]

    def vendor_id(self, obj: Any, stream: str | None = None) -> str | None: ...

    def require(self, obj: Any, stream: str | None = None) -> str:
        """Like vendor_id, but raises DependencyPending when the record has not reached the vendor yet."""
        ...


OwnedFields = Mapping[str, list[str]]  # {"vendor": [...], "portal": [...], "shared": [...]}


@dataclass(frozen=True)
class Match:
    """How a pull adopts a portal record made without the vendor (a region staff typed in before connecting).

    A pulled record that has no ref yet is matched on a natural key: ``fields`` of the stream's model (e.g.
    ``("kind", "name")``), compared with the mapped record's values of the same fields (or what ``key(mapped)``
    returns, in the same order; None: this record adopts nothing). Fields in ``ignore_case`` compare
    case-insensitively. Only this organization's records that have no ref of this connection and stream are
    candidates; the engine looks them up for the whole page in one query. Exactly one candidate: it is adopted
    (linked and updated like any pulled update). None: the record is created. Two or more, or one candidate wanted
    by two records of the page: the record fails with the reason and the rest of the page lands."""

    fields: tuple[str, ...]
    ignore_case: tuple[str, ...] = ()
    key: Callable[[Mapped], tuple[Any, ...] | None] | None = None


@dataclass(frozen=True)
class PullStream:
    name: str  # unique within the plug-in, e.g. "units"
    model: str  # "homes.Home"
    fetch_page: Callable[[BaseClient, dict[str, Any] | None, dt.datetime | None], Page]
    map_record: Callable[[dict[str, Any]], Mapped]  # pure; raises MappingError with the reason
    vendor_id: Callable[[dict[str, Any]], str]
    depends_on: tuple[str, ...] = ()  # pull streams that must run first (their records are this one's parents)
    fetch_one: Callable[[BaseClient, str], dict[str, Any] | None] | None = None  # thin webhooks re-fetch
    updated_at: Callable[[dict[str, Any]], dt.datetime | None] | None = None  # vendor's last-change time
    owned_fields: OwnedFields = field(default_factory=dict)
    # False: the vendor has no "changed since" filter; every pass is a full pass. A callable decides per connection
    # from its options (defaults merged), for a filter that exists only when configured.
    incremental: bool | Callable[[Mapping[str, Any]], bool] = True
    match: Match | None = None  # adopt an unlinked portal record of the same natural key instead of adding one
    # A field the vendor says more coarsely than the portal (a lease status derived from dates): on an update,
    # settle[field](ours, theirs) -> "keep" (ours already says it), "take" (a move to make) or "conflict" (a
    # disagreement for staff, recorded once). The vendor's value is remembered: unchanged since, it settles nothing.
    settle: Mapping[str, Callable[[Any, Any], Literal["keep", "take", "conflict"]]] = field(default_factory=dict)
    direction: ClassVar[Literal["pull"]] = "pull"


@dataclass(frozen=True)
class PushStream:
    name: str  # e.g. "homes"
    model: str  # "homes.Home"
    order: int  # parents first: lower goes earlier within a drain
    to_payload: Callable[[Any, RefResolver], dict[str, Any]]  # pure apart from ref look-ups
    # create returns the vendor id; Conflict (409) -> engine updates. Either may return Accepted (confirmed later).
    create: Callable[[BaseClient, dict[str, Any]], str | Accepted]
    update: Callable[[BaseClient, str, dict[str, Any]], Accepted | None]
    applies_to: Callable[[Any], bool] = lambda instance: True
    # When which records a stream covers is a per-connection choice: (instance, options) -> bool; replaces applies_to.
    applies_to_options: Callable[[Any, Mapping[str, Any]], bool] | None = None
    validate: Callable[[dict[str, Any]], None] | None = None  # raise Rejected with the vendor's own words
    delete: Callable[[BaseClient, str], None] | None = None
    # After a create whose answer was lost (5xx, timeout), find the record the vendor may have made anyway.
    find: Callable[[BaseClient, dict[str, Any]], str | None] | None = None
    # The vendor id a create will produce when the vendor keys records by our id (Builder Backed's externalId):
    # stored before the first call, so a retry is an update even if the first answer never arrived.
    planned_id: Callable[[dict[str, Any]], str | None] | None = None
    actions: tuple[str, ...] = ("create", "update", "delete", "activate", "deactivate")
    owned_fields: OwnedFields = field(default_factory=dict)
    # The vendor's verdict on an Accepted write, by its token (see Accepted); None: writes are final when answered.
    confirm: Callable[[BaseClient, str], Confirmation] | None = None
    direction: ClassVar[Literal["push"]] = "push"

    def covers(self, instance: Any, options: Mapping[str, Any]) -> bool:
        """Does this stream push ``instance`` for a connection with these vendor options?"""
        if self.applies_to_options is not None:
            return bool(self.applies_to_options(instance, options))
        return bool(self.applies_to(instance))


Stream = PullStream | PushStream


@dataclass(frozen=True)
class WebhookEvent:
    stream: str  # a pull stream of the plug-in
    vendor_id: str
    action: Literal["upsert", "delete"]
    occurred_at: dt.datetime | None
    dedupe_key: str
    record: dict[str, Any] | None = None  # None: thin event, the engine calls the stream's fetch_one


@dataclass(frozen=True)
class ConfigField:
    """One credential or config field; the portal builds the connection form from these."""

    name: str
    label: str
    secret: bool = False
    required: bool = True
    default: Any = None
    help: str = ""
    kind: Literal["str", "int", "float", "bool", "choice"] = "str"
    choices: tuple[tuple[str, str], ...] = ()


class Plugin:
    """A vendor. Subclasses set the class attributes and give streams; they hold no state of their own."""

    key: ClassVar[str]
    display_name: ClassVar[str]
    client_class: ClassVar[type[BaseClient]] = BaseClient
    credential_fields: ClassVar[tuple[ConfigField, ...]] = ()
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    rate_limit: ClassVar[RateSpec | None] = None
    default_base_url: ClassVar[str] = ""
    sandbox_prefix: ClassVar[str] = ""  # path under the shared sandbox server; defaults to "/<key>"
    demo_credentials: ClassVar[dict[str, str]] = {}  # what the sandbox accepts (connect-demo uses it)
    webhook_events: ClassVar[bool] = False  # does this vendor send webhooks?
    demo_options: ClassVar[dict[str, Any]] = {}  # vendor options the sandbox needs (connect-demo sets them)

    def streams(self) -> list[Stream]:
        raise NotImplementedError

    def pull_streams(self) -> list[PullStream]:
        return [s for s in self.streams() if isinstance(s, PullStream)]

    def push_streams(self) -> list[PushStream]:
        return sorted((s for s in self.streams() if isinstance(s, PushStream)), key=lambda s: s.order)

    def pull_stream(self, name: str) -> PullStream:
        for s in self.pull_streams():
            if s.name == name:
                return s
        raise KeyError(f"{self.key} has no pull stream {name!r}")

    def push_stream(self, name: str) -> PushStream:
        for s in self.push_streams():
            if s.name == name:
                return s
        raise KeyError(f"{self.key} has no push stream {name!r}")

    def make_client(self, base_url: str, credentials: dict[str, str], config: dict[str, Any], **kw: Any) -> BaseClient:
        return self.client_class(base_url, credentials, config, **kw)

    def check(self, client: BaseClient) -> str:
        """Test the connection with one cheap authenticated call; return a short human message or raise."""
        raise NotImplementedError

    def verify_webhook(self, headers: Mapping[str, str], raw_body: bytes, credentials: dict[str, str]) -> bool:
        """True when the delivery is genuine (headers are lower-cased). May raise WebhookRejected(reason)."""
        return False

    def verify_webhook_with_options(
        self, headers: Mapping[str, str], raw_body: bytes, credentials: dict[str, str], options: dict[str, Any]
    ) -> bool:
        """What the engine calls. ``options``: the connection's vendor options (config_fields defaults filled in).
        Override this instead of verify_webhook when the check depends on an option (e.g. a header's name)."""
        return self.verify_webhook(headers, raw_body, credentials)

    def parse_webhook(self, raw_body: bytes) -> list[WebhookEvent]:
        raise NotImplementedError

    def webhook_dedupe_key(self, headers: Mapping[str, str], raw_body: bytes) -> str:
        """The same delivery sent twice has the same key. Default: a hash of the body."""
        return hashlib.sha256(raw_body).hexdigest()

    def sandbox_app(self, **options: Any) -> SandboxApp:
        raise NotImplementedError

    def demo_setup(self, connection: Any) -> str | None:
        """Called by ``integrations connect-demo`` after the connection is created: prepare the running sandbox for
        the organization's data (e.g. activate the regions its locations name). Returns a line to print, or None."""
        return None

    @classmethod
    def prefix(cls) -> str:
        return cls.sandbox_prefix or f"/{cls.key}"
