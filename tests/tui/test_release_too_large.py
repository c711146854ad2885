"""A release whose newest record is a gzip bomb: the release screen says the record is too large
to read and still shows the other revisions."""

from __future__ import annotations

from tests.hostile import gzip_bomb_secret
from tests.tui.conftest import screen_text, until
from tests.tui.drill import BACKEND, live_app, open_object, ready


async def test_the_release_screen_says_a_bombed_record_is_too_large():
    app = live_app(speed=1e-6)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot, app)
        app.source.demo.state.create(gzip_bomb_secret(BACKEND[2], BACKEND[1], 6))
        await open_object(pilot, app, BACKEND)
        await until(lambda: "release record too large to read" in screen_text(app), 10,
                    "the too-large line on the release screen")
        history = app.screen.query_one("#history")
        assert history.row_count == 6, "revisions 1-5 still read beside the bomb"
