"""The README's screenshots are written only when asked for (LINTEL_SCREENSHOTS=1), never by an ordinary run."""

from __future__ import annotations

from tests.browser import conftest


def test_a_test_run_writes_screenshots_only_with_lintel_screenshots_1(page, monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SCREENSHOTS", tmp_path / "screenshots")
    page.set_content("<h1>Lintel</h1>")
    monkeypatch.delenv("LINTEL_SCREENSHOTS", raising=False)
    assert conftest.shot(page, "probe") is None
    monkeypatch.setenv("LINTEL_SCREENSHOTS", "0")
    assert conftest.shot(page, "probe") is None
    assert not (tmp_path / "screenshots").exists()

    monkeypatch.setenv("LINTEL_SCREENSHOTS", "1")
    path = conftest.shot(page, "probe")
    assert path == tmp_path / "screenshots" / "probe.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
