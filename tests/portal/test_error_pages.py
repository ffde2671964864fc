"""The 403, 404 and 500 pages speak the portal's language; the 500 page needs no database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from portal import error_views
from portal.accounts.models import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.django_db
def test_an_unknown_address_shows_the_portals_not_found_page(member_client):
    response = member_client.get("/no-such-page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "We couldn’t find that page" in body and "/no-such-page/" in body
    assert 'class="mainnav"' in body  # a signed-in member keeps the navigation


@pytest.mark.django_db
def test_a_refused_action_shows_the_reason_on_the_portals_forbidden_page(client, org):
    viewer = MembershipFactory(organization=org, role=Role.VIEWER, user=UserFactory())
    client.force_login(viewer.user)

    response = client.get(reverse("people:create"))

    body = response.content.decode()
    assert response.status_code == 403
    assert "You can’t do that here" in body
    assert "can view records but not change them" in body


def test_the_forbidden_page_has_a_default_reason():
    request = RequestFactory().get("/x/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()

    response = error_views.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert "does not allow this action" in response.content.decode()


def test_the_server_error_page_renders_without_touching_the_database():
    # No django_db mark: any query here would fail the test.
    response = error_views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_server_error_page_falls_back_to_plain_text_when_its_template_is_missing(settings, tmp_path):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False}]

    response = error_views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/plain")
    assert b"Something went wrong on our side" in response.content
