"""The pod screen against the embedded server: containers with state, restarts and last exit; the
previous instance's log with the checks' evidence marked; the pod's events; YAML, with a Secret's
values masked."""

from __future__ import annotations

from kubetriage.tui.screens.pod_screen import PodScreen
from kubetriage.tui.screens.yaml_screen import YamlScreen
from kubetriage.tui.widgets.log_view import LogView
from kubetriage.tui.yaml_view import MASK
from tests.conftest import write_scenario
from tests.tui.conftest import screen_text, until
from tests.tui.drill import FRONTEND_POD, live_app, open_object, ready

NGINX = 'nginx: [emerg] host not found in upstream "midwestmtg-backend" in ' \
        '/etc/nginx/nginx.conf:34'


def log_lines(app) -> list[str]:
    view = app.screen.query_one(LogView)
    return [line.text for line in view.spool.lines(0, view.line_count)]


async def test_frontend_pod_previous_log_shows_the_nginx_line_marked_as_evidence():
    app = live_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot, app)
        await open_object(pilot, app, FRONTEND_POD)
        assert isinstance(app.screen, PodScreen)
        text = screen_text(app)
        assert "Waiting: CrashLoopBackOff" in text and "1 (Error)" in text
        assert "Back-off restarting failed container frontend" in text  # its events
        await pilot.press("p")
        await until(lambda: NGINX in log_lines(app), 5, "the nginx line in the previous log")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "Log: frontend (previous instance)" in text
        assert f"▌{NGINX}" in text  # marked: KT-201 used it as evidence
        assert "▌/docker-entrypoint.sh" not in text
        await pilot.press("p")
        await until(lambda: "current, following" in screen_text(app), 5, "back to current")


async def test_secret_yaml_shows_keys_never_values(tmp_path):
    app = live_app(str(write_scenario(tmp_path / "tiny")))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await open_object(pilot, app, ("Secret", "web", "creds"))
        assert isinstance(app.screen, YamlScreen)
        await until(lambda: "password" in screen_text(app), 5, "the Secret's YAML")
        text = screen_text(app).replace(" ", "")  # highlighted tokens come apart
        assert f"password:{MASK}" in text and "ZHVtbXk=" not in text and "dummy" not in text

