"""Themes and settings: every theme draws the table; the 16-colour theme emits only the 16 ANSI
colours and stays legible under NO_COLOR; the settings file loads, saves, and names itself in a
one-line error for each kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import ColorType
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Footer

from kubetriage.errors import UsageError
from kubetriage.themes import (
    STATUS_DEFAULTS,
    THEMES,
    Settings,
    config_path,
    load_settings,
    register_themes,
    remember_theme,
    save_settings,
    status_color,
)
from kubetriage.tui.viewmodel.updates import PanelUpdate
from kubetriage.tui.widgets.resource_table import ResourceTable


class ThemedApp(App):
    def __init__(self, theme: str, settings: Settings | None = None,
                 path: Path | None = None) -> None:
        super().__init__()
        self.settings_path = path
        register_themes(self, settings)
        self.theme = theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return STATUS_DEFAULTS

    def compose(self) -> ComposeResult:
        yield ResourceTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(ResourceTable)
        table.set_columns([("NAME", None), ("STATUS", 18)])
        table.apply(PanelUpdate(
            upserts={name: (Text(name), Text(status, style="bold"))
                     for name, status in [("web", "Running"), ("api", "CrashLoopBackOff"),
                                          ("db", "Pending")]},
            severities={"api": "error", "db": "warning"}))
        table.set_marked({"api"})
        table.focus()
        if self.settings_path is not None:
            remember_theme(self, self.settings_path)


def screen_segments(app: App):
    for line in app.screen._compositor.render_full_update().strips:
        for strip in line:
            yield from strip


@pytest.mark.parametrize("theme", list(THEMES))
async def test_every_theme_draws_the_table_and_defines_the_status_colours(theme):
    app = ThemedApp(theme)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        assert app.current_theme.name == theme
        for status in ("ok", "warn", "error", "unknown"):
            assert app.theme_variables[f"status-{status}"] == status_color(THEMES[theme], status)
        text = "".join(segment.text for segment in screen_segments(app))
        assert "CrashLoopBackOff" in text and "▌api" in text


async def test_the_16_colour_theme_emits_only_the_16_ansi_colours():
    app = ThemedApp("kubetriage-16")
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        colors = {color for segment in screen_segments(app) if segment.style
                  for color in (segment.style.color, segment.style.bgcolor) if color}
        assert colors, "the table's status colours must reach the screen"
        assert all(color.type in (ColorType.DEFAULT, ColorType.STANDARD) for color in colors), \
            sorted({color.name for color in colors})


async def test_under_no_color_the_cursor_and_the_chain_marks_still_show(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = ThemedApp("kubetriage-16")
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        segments = list(screen_segments(app))
        # Textual picks its NO_COLOR filter in App.__init__, before our theme is set: greys then
        colors = {color for s in segments if s.style
                  for color in (s.style.color, s.style.bgcolor) if color and not color.is_default}
        assert all(len(set(color.get_truecolor())) == 1 for color in colors), "no hue at all"
        cursor = [s for s in segments if s.text.startswith(" web")]
        assert cursor and cursor[0].style.reverse, "the cursor row is reversed video"
        assert any(s.text.startswith("▌") for s in segments)


async def test_a_theme_switched_at_run_time_is_saved(tmp_path):
    path = tmp_path / "kubetriage" / "config.toml"
    app = ThemedApp("kubetriage-dark", path=path)
    async with app.run_test(size=(40, 8)) as pilot:
        app.theme = "kubetriage-light"
        await pilot.pause()
        await pilot.pause()
    assert load_settings(path).theme == "kubetriage-light"


async def test_a_user_theme_from_the_settings_is_registered_with_its_status_colours(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('theme = "mine"\n[themes.mine]\nprimary = "#88c0d0"\n'
                    'error = "#bf616a"\nstatus_unknown = "grey"\n')
    settings = load_settings(path)
    app = ThemedApp(settings.theme, settings)
    async with app.run_test(size=(40, 8)):
        assert app.theme_variables["status-error"] == "#bf616a"
        assert app.theme_variables["status-unknown"] == "grey"
        assert app.theme_variables["status-ok"] == STATUS_DEFAULTS["status-ok"]


def test_settings_round_trip_and_missing_file_means_defaults(tmp_path):
    path = tmp_path / "config.toml"
    assert load_settings(path) == Settings()
    settings = Settings(theme="odd \"name\"", bell=True,
                        themes={"odd \"name\"": {"primary": "ansi_blue", "dark": False}})
    save_settings(settings, path)
    assert load_settings(path) == settings


def test_config_path_follows_xdg_config_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "kubetriage" / "config.toml"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config_path() == tmp_path / ".config" / "kubetriage" / "config.toml"


@pytest.mark.parametrize("content, message", [
    (b'theme = "kubetriage-dark\n',
     "not valid TOML: Illegal character '\\n' (at line 1, column 25)"),
    (b'theme = "solarized"\n',
     "unknown theme 'solarized' (one of: kubetriage-dark, kubetriage-light, "
     "kubetriage-high-contrast, kubetriage-16, textual-dark, "),
    (b'bell = "loud"\n', "bell: Input should be a valid boolean, unable to interpret input"),
    (b'colour = "red"\n', "colour: Extra inputs are not permitted"),
    (b'[themes.mine]\nprimary = "#zzz"\n', "themes.mine.primary: '#zzz' is not a colour"),
    (b'[themes.mine]\naccent = "red"\n', "themes.mine.primary: Field required"),
    (b'theme = "\xff"\n', "not UTF-8 text"),
])
def test_a_bad_settings_file_is_one_line_naming_it(tmp_path, content, message):
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(UsageError) as raised:
        load_settings(path)
    assert str(raised.value).startswith(f"{path}: {message}")
    assert "\n" not in str(raised.value)


def test_an_unreadable_settings_path_is_one_line(tmp_path):
    (tmp_path / "config.toml").mkdir()
    with pytest.raises(UsageError, match=r"config.toml: cannot read: Is a directory$"):
        load_settings(tmp_path / "config.toml")


async def test_the_app_stylesheet_parses_under_every_theme():
    class StyledApp(ThemedApp):
        CSS_PATH = Path(__file__).parents[2] / "kubetriage" / "tui" / "app.tcss"

    for theme in THEMES:
        app = StyledApp(theme)
        async with app.run_test(size=(40, 8)) as pilot:
            await pilot.pause()
            assert app.query_one(ResourceTable).styles.scrollbar_size_vertical == 1


async def test_a_theme_switched_at_run_time_recolours_the_rows_it_drew_before():
    """Cells name the role of their style; the table colours them as it draws, so the rows
    given once take the new theme's colours without being given again."""
    from kubetriage.tui.styling import rich_color
    from kubetriage.tui.viewmodel.rows import cell

    app = ThemedApp("kubetriage-dark")
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply(PanelUpdate(upserts={"api": (cell("api"), cell("CrashLoop", "error"))}))
        for theme in ("kubetriage-dark", "kubetriage-light"):
            app.theme = theme
            await pilot.pause()
            error = rich_color(app.current_theme.error, "red")
            drawn = {s.style.color.name for s in screen_segments(app)
                     if s.text.startswith("CrashLoop") and s.style and s.style.color}
            assert drawn == {error}, theme
