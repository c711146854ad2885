"""A theme of the user's own, from the `[themes.NAME]` tables of config.toml, validated so that a
typo is reported by the settings loader rather than found on screen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator
from textual.color import Color, ColorParseError
from textual.theme import Theme

from kubetriage.themes.builtin import STATUS_VARIABLES

_COLOR_FIELDS = ("primary", "secondary", "accent", "warning", "error", "success", "foreground",
                 "background", "surface", "panel", "boost", "status_ok", "status_warn",
                 "status_error", "status_unknown")


class UserTheme(BaseModel):
    """Colours as Textual CSS accepts them (`#1e1e2e`, `rgb(…)`, `ansi_red`, `darkorange`)."""

    model_config = ConfigDict(extra="forbid")

    primary: str
    secondary: str | None = None
    accent: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    dark: bool = True
    status_ok: str | None = None
    status_warn: str | None = None
    status_error: str | None = None
    status_unknown: str | None = None

    @field_validator(*_COLOR_FIELDS)
    @classmethod
    def _is_a_color(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Color.parse(value)
            except ColorParseError:
                raise ValueError(f"{value!r} is not a colour") from None
        return value

    def to_theme(self, name: str) -> Theme:
        status = [self.status_ok or self.success, self.status_warn or self.warning,
                  self.status_error or self.error, self.status_unknown]
        variables = {var: color for var, color in zip(STATUS_VARIABLES, status) if color}
        colors = self.model_dump(include=set(_COLOR_FIELDS[:11]))
        ansi = any(str(color).startswith("ansi_") for color in colors.values() if color)
        return Theme(name=name, dark=self.dark, variables=variables, ansi=ansi, **colors)
