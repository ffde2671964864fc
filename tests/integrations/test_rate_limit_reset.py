"""BaseClient reads a vendor's rate-limit reset header in the unit the vendor uses (seconds, epoch s or epoch ms)."""

from __future__ import annotations

import time

import httpx
import pytest

from integrations.http import BaseClient, reset_wait


def response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", "http://vendor.test/x"))


class MillisecondsClient(BaseClient):
    reset_header = "X-RateLimit-Reset"
    reset_unit = "unix_ms"


@pytest.fixture
def client():
    with MillisecondsClient("http://vendor.test", {}) as c:
        yield c


def test_a_reset_in_unix_milliseconds_is_read_as_the_seconds_left(client):
    reset_ms = str(int((time.time() + 12) * 1000))
    assert 10 < client.retry_after(response(429, **{"X-RateLimit-Reset": reset_ms})) <= 12


def test_the_later_of_retry_after_and_the_reset_wins(client):
    soon = str(int((time.time() + 3) * 1000))
    assert client.retry_after(response(429, **{"Retry-After": "20", "X-RateLimit-Reset": soon})) == 20
    later = str(int((time.time() + 40) * 1000))
    assert 38 < client.retry_after(response(429, **{"Retry-After": "2", "X-RateLimit-Reset": later})) <= 40


def test_a_reset_in_the_past_means_go_now(client):
    assert client.retry_after(response(429, **{"X-RateLimit-Reset": str(int(time.time() * 1000) - 5000)})) == 0


def test_a_reset_header_on_a_5xx_is_not_a_rate_limit(client):
    """Vendors send their window headers on every answer: only a 429's reset means "wait"."""
    reset = str(int((time.time() + 30) * 1000))
    assert client.retry_after(response(503, **{"X-RateLimit-Reset": reset})) is None


def test_a_reset_absurdly_far_away_is_ignored_as_a_unit_mix_up():
    in_ms = (time.time() + 5) * 1000
    assert reset_wait(str(in_ms), "unix_seconds") is None  # ms read as seconds: ~50,000 years
    assert 4 < reset_wait(str(in_ms), "unix_ms") <= 5


@pytest.mark.parametrize("value", ["", "soon", "nan", None])
def test_an_unreadable_reset_is_no_reset(value):
    assert reset_wait(value, "unix_ms") is None


def test_units_are_checked():
    with pytest.raises(ValueError, match="reset_unit"):
        reset_wait("1", "minutes")
    assert reset_wait("7", "seconds") == 7
    assert 6 < reset_wait(str(time.time() + 7), "unix_seconds") <= 7


def test_a_client_without_a_reset_header_keeps_reading_retry_after_alone():
    with BaseClient("http://vendor.test", {}) as plain:
        assert plain.retry_after(response(429, **{"Retry-After": "4", "X-RateLimit-Reset": "99999999999999"})) == 4
        assert plain.retry_after(response(429, **{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0
        assert plain.retry_after(response(429)) is None
