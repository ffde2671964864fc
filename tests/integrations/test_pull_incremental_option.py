"""A stream whose "changed since" filter exists only when a connection configures it: PullStream.incremental may be
a callable of the connection's options, so one connection pulls incrementally and another makes full passes."""

from __future__ import annotations

import dataclasses

import pytest

from integrations.models import SyncState
from integrations.pull import is_incremental, run_pull


@pytest.fixture
def units_filter_when_configured(fake_plugin, monkeypatch):
    """The fake vendor's units stream, incremental only for connections whose region option is "filtered"."""
    streams = fake_plugin.streams()

    def patched() -> list:
        return [dataclasses.replace(s, incremental=lambda options: options.get("region") == "filtered")
                if s.direction == "pull" and s.name == "units" else s for s in streams]

    monkeypatch.setattr(fake_plugin, "streams", patched)
    return fake_plugin


def passes(connection, stream):
    run_pull(connection.pk)
    return SyncState.objects.get(connection=connection, stream=stream).last_full_pass_at


def test_without_the_option_every_pass_of_the_stream_is_a_full_pass(units_filter_when_configured, fake_connection,
                                                                     fake_sandbox):
    fake_sandbox.seed(5)
    first = passes(fake_connection, "units")
    second = passes(fake_connection, "units")
    assert first is not None and second > first  # full again: missing records can be marked
    props_first = SyncState.objects.get(connection=fake_connection, stream="properties").last_full_pass_at
    run_pull(fake_connection.pk)
    assert SyncState.objects.get(connection=fake_connection, stream="properties").last_full_pass_at == props_first


def test_with_the_option_the_stream_pulls_incrementally(units_filter_when_configured, fake_connection, fake_sandbox):
    fake_connection.config = {**fake_connection.config, "options": {"region": "filtered"}}
    fake_connection.save()
    fake_sandbox.seed(5)
    first = passes(fake_connection, "units")
    assert passes(fake_connection, "units") == first  # the second pass used the watermark


def test_a_plain_flag_still_works(fake_plugin):
    stream = fake_plugin.pull_stream("units")
    assert is_incremental(stream, {}) is True
    assert is_incremental(dataclasses.replace(stream, incremental=False), {"region": "filtered"}) is False
