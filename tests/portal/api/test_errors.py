"""One envelope for every error, and a 400 that says what is wrong for bodies that cannot be read, never a 500."""

from __future__ import annotations

import pytest

from portal.homes.models import Person
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/people/"


@pytest.mark.parametrize(("body", "expected"), [
    ('{"first_name": "A",', "Malformed JSON at line 1"),
    ('{"first_name": NaN}', "NaN is not valid JSON"),
    (b'{"first_name": "\xff"}', "not UTF-8"),
])
def test_an_unreadable_json_body_is_a_parse_error(api, db, body, expected):
    response = api.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "parse_error" and expected in error["message"]


@pytest.mark.parametrize(("body", "field", "expected"), [
    ({"first_name": "A", "last_name": "B", "shoe_size": 9}, "shoe_size", "Unknown field"),
    ({"first_name": "A", "last_name": "B", "id": 5}, "id", "Unknown field"),
    ({"first_name": ["A"], "last_name": "B"}, "first_name", "Expected a string, got a list"),
    ({"first_name": {"x": 1}, "last_name": "B"}, "first_name", "Expected a string, got an object"),
    ({"first_name": "A", "last_name": None}, "last_name", "may not be null"),
])
def test_unknown_fields_and_wrong_types_are_refused_by_name(api, db, body, field, expected):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert expected in error_of(response)["fields"][field][0]
    assert not Person.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null"])
def test_a_json_body_that_is_not_an_object_is_refused(api, db, body):
    response = api.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_error"


def test_a_json_body_over_the_limit_is_refused_with_its_size(api, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post(URL, {"first_name": "A" * 2000, "last_name": "B"}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "request_too_large" and "over the limit of 1 KB" in error["message"]


def test_multipart_fields_over_djangos_limit_are_a_400_not_a_500(api, portfolio, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django raises RequestDataTooBig while parsing the fields
    response = api.post("/api/v1/documents/", {"home": portfolio.home.pk, "title": "T" * 5000,
                                               "external_url": "https://files.example.com/a.pdf"},
                        format="multipart")
    assert response.status_code == 400
    assert error_of(response)["code"] == "request_too_large"


def test_a_form_encoded_body_is_an_unsupported_media_type(api, db):
    response = api.post(URL, data="first_name=A", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_unknown_paths_and_methods_answer_the_envelope(api, db):
    missing = api.get("/api/v2/people/")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong_method = api.delete(URL)
    assert wrong_method.status_code == 405 and error_of(wrong_method)["code"] == "method_not_allowed"
    options = api.options(URL)
    assert options.status_code == 405


def test_a_non_numeric_id_is_a_404(api, db):
    response = api.get(f"{URL}abc/")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
