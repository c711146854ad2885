"""The status bar at 80 columns: read-only and the chains always in view, the namespace and
filter in force, why the screen is stale and when the watch tries again, no "rel 0/0" without
Flux; what does not fit gives way, least telling first."""

from __future__ import annotations

from textual.app import App, ComposeResult

from kubetriage.tui.widgets.status_bar import Status, StatusBar


class Bar(App):
    def compose(self) -> ComposeResult:
        yield StatusBar()


async def line(status: Status, width: int = 80) -> str:
    app = Bar()
    async with app.run_test(size=(width, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.show(status)
        await pilot.pause()
        return bar.render_status(status, bar.content_region.width).plain


async def test_read_only_namespace_and_filter_fit_80_columns():
    text = await line(Status(context="admin@homelab-cluster", cluster="homelab", connection="live",
                             releases_ready=31, releases=34, pods_failing=12, warnings=140,
                             chains=7, read_only=True, namespace="midwestmtg", filter="redis"))
    assert len(text) <= 78
    assert text.startswith("READ-ONLY │ ⚠ 7 chains │ live │ ns midwestmtg │ /redis")
    assert "rel 31/34" in text


async def test_no_flux_no_release_count_and_no_chains_said_plainly():
    text = await line(Status(context="kind-kind", connection="live", pods_failing=0))
    assert "rel" not in text and text.startswith("✓ no chains │ live")


async def test_stale_says_why_and_when_it_retries():
    text = await line(Status(context="prod", connection="stale", stale_for=12.0,
                             stale_reason="connection refused", retry_in=3, chains=2,
                             releases=4, releases_ready=1, pods_failing=3, warnings=6))
    assert "stale 12 s │ watch down: connection refused, retry in 3 s" in text
    assert len(text) <= 78
