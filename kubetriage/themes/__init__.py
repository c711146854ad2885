"""Colour themes (dark, light, high-contrast, 16-colour) and the user's settings file."""

from kubetriage.themes.builtin import DEFAULT_THEME, STATUS_DEFAULTS, THEMES, status_color
from kubetriage.themes.register import register_themes, remember_theme
from kubetriage.themes.settings import Settings, config_path, load_settings, save_settings

__all__ = ["DEFAULT_THEME", "STATUS_DEFAULTS", "THEMES", "Settings", "config_path",
           "load_settings", "register_themes", "remember_theme", "save_settings", "status_color"]
