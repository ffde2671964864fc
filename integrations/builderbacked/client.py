"""Builder Backed V2 client: OAuth2 client credentials, Spring error bodies, one method per endpoint used.

Paths the guide does not publish (GET one / PUT / activate / deactivate of a location level; the token URL) are
templates in ``PATHS`` that a connection may override through its ``paths`` config (see README.md, [gap]s).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from integrations.base import AuthError, BaseClient
from integrations.builderbacked.types import SCOPES, DocumentResponse, DocumentV2, ExternalHomeResponseV3, Region

PATHS: dict[str, str] = {
    "token": "/oauth/token",
    "regions": "/api/v2/locations/regions",
    "locations": "/api/v2/locations/{level}",
    "location": "/api/v2/locations/{level}/{external_id}",
    "location_activate": "/api/v2/locations/{level}/{external_id}/activate",
    "location_deactivate": "/api/v2/locations/{level}/{external_id}/deactivate",
    "homes": "/api/v2/homes",
    "home": "/api/v2/homes/{external_id}",
    "home_users": "/api/v2/homes/{home_id}/users",
    "home_user": "/api/v2/homes/{home_id}/users/{email}",
    "documents": "/api/v2/documents",
    "document": "/api/v2/documents/{external_id}",
    "home_documents": "/api/v2/documents/externalHome/{home_id}",
}
DEFAULT_TOKEN_LIFETIME = 300.0  # seconds, when the token answer has no expires_in (lifetime is a [gap])


class BuilderBackedClient(BaseClient):
    def __init__(self, base_url: str, credentials: dict[str, str], config: dict[str, Any] | None = None,
                 **kw: Any) -> None:
        super().__init__(base_url, credentials, config, **kw)
        self.paths = {**PATHS, **(self.config.get("paths") or {})}
        self.token_margin = float(self.config.get("token_margin", self.token_margin))
        self.tokens_fetched = 0

    # --- auth ---------------------------------------------------------------------------------------------
    def token_url(self) -> str:
        """``token_url`` config: an absolute URL, or a path under the base URL. Default ``<base>/oauth/token``."""
        return str(self.config.get("token_url") or self.paths["token"])

    def fetch_token(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials", "scope": str(self.config.get("scope") or " ".join(SCOPES))}
        client_id, secret = self.credentials.get("client_id", ""), self.credentials.get("client_secret", "")
        auth: httpx.Auth | None = None
        if self.config.get("client_auth", "basic") == "form":
            form.update(client_id=client_id, client_secret=secret)
        else:  # RFC 6749 §2.3.1: every server must accept HTTP Basic
            auth = httpx.BasicAuth(client_id, secret)
        response = self.request("POST", self.token_url(), authenticate=False, idempotent=True, data=form, auth=auth)
        body = self.json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise AuthError("The token endpoint answered without an access_token", status=response.status_code)
        self.tokens_fetched += 1
        return str(token), float(body.get("expires_in") or DEFAULT_TOKEN_LIFETIME)

    def parse_error(self, response: httpx.Response) -> tuple[str, str | None, dict[str, Any]]:
        """Spring's ``{timestamp, status, error, message, path}``; OAuth's ``{error, error_description}``."""
        try:
            body = response.json()
        except ValueError:
            return (response.text.strip()[:300] or response.reason_phrase or "error"), None, {}
        if not isinstance(body, dict):
            return str(body)[:300], None, {}
        message = body.get("message") or body.get("error_description") or body.get("error") or response.reason_phrase
        fields = {str(e.get("field")): e.get("defaultMessage") for e in body.get("errors") or []
                  if isinstance(e, dict) and e.get("field")}
        code = body.get("error")
        return str(message), (str(code) if code else None), fields

    # --- paths --------------------------------------------------------------------------------------------
    def path(self, name: str, **params: str) -> str:
        """The configured template with each parameter percent-encoded (an external id may hold any character)."""
        return self.paths[name].format(**{k: quote(str(v), safe="@") for k, v in params.items()})

    # --- locations ----------------------------------------------------------------------------------------
    def regions(self) -> list[Region]:
        return self.get_json(self.path("regions"))

    def create_location(self, level: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json_or_empty(self.request("POST", self.path("locations", level=level), json=body))

    def update_location(self, level: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json_or_empty(self.request("PUT", self.path("locations", level=level), json=body))

    def get_location(self, level: str, external_id: str) -> dict[str, Any] | None:
        response = self.request("GET", self.path("location", level=level, external_id=external_id), ok=(404,))
        return None if response.status_code == 404 else self.json(response)

    def list_locations(self, level: str) -> list[dict[str, Any]]:
        return self.get_json(self.path("locations", level=level))

    def set_location_active(self, level: str, external_id: str, active: bool) -> None:
        name = "location_activate" if active else "location_deactivate"
        self.request("PUT", self.path(name, level=level, external_id=external_id))

    # --- homes and homeowners -----------------------------------------------------------------------------
    def get_home(self, external_id: str) -> ExternalHomeResponseV3 | None:
        response = self.request("GET", self.path("home", external_id=external_id), ok=(404,))
        return None if response.status_code == 404 else self.json(response)

    def create_home(self, body: dict[str, Any]) -> ExternalHomeResponseV3:
        return self._json_or_empty(self.request("POST", self.path("homes"), json=body))  # type: ignore[return-value]

    def update_home(self, body: dict[str, Any]) -> ExternalHomeResponseV3:
        return self._json_or_empty(self.request("PUT", self.path("homes"), json=body))  # type: ignore[return-value]

    def add_homeowner(self, home_id: str, body: dict[str, Any]) -> None:
        self.request("POST", self.path("home_users", home_id=home_id), json=body)

    def remove_homeowner(self, home_id: str, email: str) -> None:
        """Removing someone who is not (or no longer) on the home is done already: a 404 is success."""
        self.request("DELETE", self.path("home_user", home_id=home_id, email=email), ok=(404,))

    # --- documents ----------------------------------------------------------------------------------------
    def home_documents(self, home_id: str) -> list[DocumentResponse]:
        return self.get_json(self.path("home_documents", home_id=home_id))

    def add_documents(self, body: dict[str, Any]) -> list[DocumentResponse]:
        return self._json_or_empty(self.request("POST", self.path("documents"), json=body)) or []  # type: ignore[return-value]

    def update_document(self, document: DocumentV2) -> None:
        self.request("PUT", self.path("documents"), json=document)

    def delete_document(self, external_id: str) -> None:
        self.request("DELETE", self.path("document", external_id=external_id), ok=(404,))

    def _json_or_empty(self, response: httpx.Response) -> Any:
        """Write answers carry the record; an empty 2xx body (201/204 with nothing) is fine too."""
        return self.json(response) if response.content.strip() else {}
