"""Idempotency-Key on POST: a repeat returns the first response and creates nothing; a different body is a 422."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.accounts.apikeys import issue_key
from portal.api.models import IdempotencyRecord
from portal.documents.models import Document
from portal.homes.models import Person
from tests.portal.api.conftest import client_with, error_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/people/"
BODY = {"first_name": "Ida", "last_name": "Wells"}


def post(client, body=BODY, key="order-1"):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_repeated_post_returns_the_first_response_and_creates_nothing(api, db):
    first = post(api)
    again = post(api)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Person.objects.count() == 1


def test_a_refusal_is_replayed_too(api, db):
    first = post(api, {"first_name": "Ida"})
    again = post(api, {"first_name": "Ida"})
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()


def test_the_same_key_with_another_body_is_refused_with_422(api, db):
    post(api)
    response = post(api, {**BODY, "last_name": "B. Wells"})
    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert Person.objects.count() == 1


def test_keys_belong_to_their_api_key(api, org):
    post(api)
    other = client_with(issue_key(org, name="Other", scope="write"))
    assert post(other).status_code == 201
    assert Person.objects.count() == 2


def test_a_key_older_than_24_hours_runs_again(api, db):
    post(api)
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert "Idempotent-Replayed" not in post(api)
    assert Person.objects.count() == 2


def test_actions_and_uploads_are_idempotent_too(api, portfolio):
    transition = f"/api/v1/leases/{portfolio.lease.pk}/transition/"
    first = api.post(transition, {"status": "active"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    again = api.post(transition, {"status": "active"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert (first.status_code, again.status_code) == (200, 200)  # not a 409 from draft->active twice
    pdf = b"%PDF-1.4\n%%EOF\n"

    def upload():
        return api.post("/api/v1/documents/", {"home": portfolio.home.pk, "title": "Deed",
                                               "file": SimpleUploadedFile("deed.pdf", pdf)},
                        format="multipart", HTTP_IDEMPOTENCY_KEY="u-1")

    assert upload().json() == upload().json()
    assert Document.objects.count() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256])
def test_an_unusable_idempotency_key_is_refused(api, db, key):
    response = post(api, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in error_of(response)["fields"]
    assert not Person.objects.exists()



def test_a_repeat_while_the_first_is_still_running_is_a_409(api, db):
    post(api)
    IdempotencyRecord.objects.update(status_code=None, response_body=None)  # as if the first were mid-flight
    response = post(api)
    assert response.status_code == 409
    assert "still being processed" in error_of(response)["message"]
    assert Person.objects.count() == 1
