"""Signing in by e-mail (django-allauth): throttled failures, password reset by e-mail, TOTP two-factor, no sign-up."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password
WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."
THROTTLED = "Too many failed login attempts. Try again later."


@pytest.fixture
def user():
    return UserFactory(email="dana@example.com")


def sign_in(client, login: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(iter(counters()))))


def failures_allowed(settings) -> int:
    """The first failure budget in LOGIN_FAILED_RATE_LIMIT (e.g. "5/m/ip,10/5m/key" → 5)."""
    return int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")[0].split("/")[0])


def test_a_user_signs_in_with_their_email_address_in_any_case(client, user):
    response = sign_in(client, "Dana@Example.COM")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(user.pk)


def test_there_are_no_usernames():
    assert "username" not in {f.name for f in get_user_model()._meta.get_fields()}
    assert get_user_model().USERNAME_FIELD == "email"


def test_a_wrong_password_is_refused_with_a_clear_message(client, user):
    response = sign_in(client, "dana@example.com", "not the password")
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.content.decode()
    assert signed_in_user_id(client) is None


def test_after_the_allowed_failures_even_the_right_password_is_refused_with_a_clear_message(client, user, settings):
    allowed = failures_allowed(settings)
    for attempt in range(allowed):
        response = sign_in(client, "dana@example.com", f"guess {attempt}")
        assert WRONG_CREDENTIALS in response.content.decode(), f"attempt {attempt + 1} was throttled too early"

    response = sign_in(client, "dana@example.com")

    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert signed_in_user_id(client) is None


def test_the_failure_limit_is_per_address_too_so_another_account_from_the_same_place_is_also_refused(
    client, user, settings
):
    UserFactory(email="eli@example.com")
    for attempt in range(failures_allowed(settings)):
        sign_in(client, "dana@example.com", f"guess {attempt}")
    response = sign_in(client, "eli@example.com")
    assert THROTTLED in response.content.decode()


def test_a_successful_sign_in_does_not_use_up_the_failure_budget(client, user, settings):
    for _ in range(failures_allowed(settings) + 2):
        assert sign_in(client, "dana@example.com").status_code == 302
        client.logout()


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(client, user):
    response = client.post(reverse("account_reset_password"), {"email": "dana@example.com"})
    assert response.status_code == 302

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a brand new long passphrase"
    done = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
                       {"password1": new_password, "password2": new_password})
    assert done.status_code == 302

    user.refresh_from_db()
    assert user.check_password(new_password)
    assert sign_in(client, "dana@example.com", new_password).status_code == 302


def reauthenticate(client, password: str = PASSWORD) -> None:
    """Turning on two-factor asks for the password again, however recent the sign-in."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def test_the_two_factor_pages_load_for_a_signed_in_user(client, user):
    sign_in(client, "dana@example.com")
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert "Authenticator App" in index.content.decode()

    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200
    assert client.session[SECRET_SESSION_KEY] in activate.content.decode()  # the key to type into the app


def test_a_user_who_turns_on_totp_is_asked_for_a_code_at_the_next_sign_in(client, user):
    sign_in(client, "dana@example.com")
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = sign_in(client, "dana@example.com")
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None  # the password alone is not enough any more

    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"
    client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert signed_in_user_id(client) is None

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_nobody_can_sign_up_on_their_own(client):
    response = client.post(reverse("account_signup"), {
        "email": "stranger@example.com", "password1": "a long passphrase", "password2": "a long passphrase",
    })
    assert not get_user_model().objects.filter(email="stranger@example.com").exists()
    assert response.status_code in (200, 302, 403)
