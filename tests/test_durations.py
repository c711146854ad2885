from __future__ import annotations

import pytest

from kubetriage.core import durations


@pytest.mark.parametrize("text, seconds", [
    ("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("10m0s", 600), ("1.5h", 5400),
    ("500ms", 0.5), ("2m30s", 150), (" 15m ", 900)])
def test_parses_as_flux_writes_them(text, seconds):
    assert durations.parse(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "5", "m", "5x", "-5m", "5 m", "1h30", "abc"])
def test_bad_input_names_the_flag(text):
    with pytest.raises(durations.DurationError) as exc:
        durations.parse(text, "--timeout")
    assert str(exc.value).startswith(f"--timeout {text!r}: not a duration")
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("seconds, text", [(600, "10m0s"), (5400, "1h30m0s"), (2, "2s"),
                                           (0.5, "500ms")])
def test_formats_as_go_does(seconds, text):
    assert durations.format(seconds) == text
    assert durations.parse(text) == pytest.approx(seconds)
