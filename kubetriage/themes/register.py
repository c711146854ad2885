"""Hooking the themes into an App: register them all, and remember a theme switched at run time."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.theme import Theme

from kubetriage.themes.builtin import THEMES
from kubetriage.themes.settings import Settings, load_settings, save_settings


def register_themes(app: App, settings: Settings | None = None) -> None:
    """Make kubetriage's themes and the user's own (from settings) available to `app`."""
    for theme in THEMES.values():
        app.register_theme(theme)
    for name, user_theme in (settings.themes if settings else {}).items():
        app.register_theme(user_theme.to_theme(name))


def remember_theme(app: App, path: Path | None = None) -> None:
    """From a running app (on_mount): save the theme to the settings file whenever it changes."""

    def save(theme: Theme) -> None:
        try:
            settings = load_settings(path)
            if settings.theme != theme.name:
                save_settings(settings.model_copy(update={"theme": theme.name}), path)
        except Exception as exc:  # UsageError or OSError: the switch stands, only unsaved
            app.notify(f"theme not saved: {exc}", severity="warning")

    app.theme_changed_signal.subscribe(app, save)
