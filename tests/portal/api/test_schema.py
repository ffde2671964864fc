"""The published contract: OpenAPI 3.1 at /api/schema/, every operation with its errors and examples, a Bearer
scheme for "Authorize"; and the Swagger UI at /api/docs/ built only from local files the CSP allows."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from portal.api.routes import router

pytestmark = pytest.mark.django_db
OURS = tuple(f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry)


@pytest.fixture
def document(db) -> dict:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        _, section, kind, name = node["$ref"].split("/")
        node = document[section][kind][name]
    return node


def test_the_schema_is_valid_openapi_3_1_with_a_bearer_scheme(document):
    assert document["openapi"] == "3.1.0"
    validate_schema(document)
    assert document["components"]["securitySchemes"]["apiKey"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "lnt_<prefix>_<secret>",
        "description": document["components"]["securitySchemes"]["apiKey"]["description"]}
    for path, method, operation in operations(document):
        assert {"apiKey": []} in operation["security"], (method, path)


def test_every_operation_documents_its_errors_with_the_envelope(document):
    for path, method, operation in operations(document):
        responses = {code: resolve(document, r) for code, r in operation["responses"].items()}
        expected = {"401", "403", "429"} | ({"404"} if "{id}" in path else set())
        if method in ("POST", "PUT", "PATCH"):
            expected |= {"400", "409"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for code in expected:
            body = responses[code]["content"]["application/json"]
            assert body["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path, code)
            assert body["examples"], (method, path, code)
        assert "Retry-After" in responses["429"]["headers"]
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
            next(r for c, r in responses.items() if c.startswith("2"))["headers"])


def test_every_operation_of_ours_has_a_summary_and_examples(document):
    for path, method, operation in operations(document):
        if not path.startswith(OURS):
            continue  # the integrations' own routes are documented by their app
        assert operation.get("summary"), (method, path)
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            assert content.get("examples"), (method, path, media_type)
        for code, response in operation["responses"].items():
            if code.startswith("2") and "application/json" in response.get("content", {}):
                assert response["content"]["application/json"].get("examples"), (method, path, code)


def test_write_bodies_refuse_unknown_fields_in_the_schema_too(document):
    requests = {name: s for name, s in document["components"]["schemas"].items() if name.endswith("Request")}
    assert requests and all(s["additionalProperties"] is False for s in requests.values())


def test_the_swagger_ui_loads_only_local_scripts_the_csp_allows(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script would be blocked by the CSP"
    assert "<style" not in html, "an inline style would be blocked by the CSP"
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources) and any("?script" in s for s in sources)
    for source in sources:
        assert source.startswith("/"), f"{source} is not served from here"
        asset = client.get(source)
        assert asset.status_code == 200, source
    init = client.get(next(s for s in sources if "?script" in s))
    assert init["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in init.content and b"/api/schema/" in init.content
