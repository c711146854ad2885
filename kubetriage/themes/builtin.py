"""kubetriage's own themes. Status colours (ok/warn/error/unknown) are theme variables, so widgets
and row styles read them from the theme and never hard-code a colour."""

from __future__ import annotations

from textual.theme import Theme

DEFAULT_THEME = "kubetriage-dark"
STATUS_VARIABLES = ("status-ok", "status-warn", "status-error", "status-unknown")


def _status(ok: str, warn: str, error: str, unknown: str) -> dict[str, str]:
    return dict(zip(STATUS_VARIABLES, (ok, warn, error, unknown)))


THEMES: dict[str, Theme] = {theme.name: theme for theme in [
    Theme(
        name="kubetriage-dark",
        primary="#4F9DDE", secondary="#3A6EA5", accent="#C792EA",
        warning="#E5C07B", error="#E06C75", success="#98C379",
        foreground="#D4D7DD", background="#16181D", surface="#1E2128", panel="#262A33",
        dark=True,
        variables=_status("#98C379", "#E5C07B", "#FF5F6D", "#7F8896"),
    ),
    Theme(
        name="kubetriage-light",
        primary="#1F5FA8", secondary="#3B7DD8", accent="#8E44AD",
        warning="#9A6700", error="#C0262D", success="#1A7F37",
        foreground="#1F2328", background="#F6F8FA", surface="#FFFFFF", panel="#EAEEF2",
        dark=False,
        variables=_status("#1A7F37", "#9A6700", "#C0262D", "#6E7781"),
    ),
    Theme(
        name="kubetriage-high-contrast",
        primary="#00E5FF", secondary="#FFFFFF", accent="#FF00FF",
        warning="#FFD700", error="#FF3B3B", success="#00FF5F",
        foreground="#FFFFFF", background="#000000", surface="#000000", panel="#1A1A1A",
        dark=True,
        variables={
            **_status("#00FF5F", "#FFD700", "#FF3B3B", "#C0C0C0"),
            "block-cursor-background": "#FFFFFF",
            "block-cursor-foreground": "#000000",
            "block-cursor-blurred-text-style": "underline",
            "border": "#FFFFFF",
        },
    ),
    # Only the 16 ANSI colours, drawn by the terminal's own palette (ansi=True turns Textual's
    # truecolor conversion off). The cursor is reversed video, so it shows under NO_COLOR too.
    Theme(
        name="kubetriage-16",
        ansi=True,
        primary="ansi_blue", secondary="ansi_cyan", accent="ansi_magenta",
        warning="ansi_yellow", error="ansi_red", success="ansi_green",
        foreground="ansi_default", background="ansi_default", surface="ansi_default",
        panel="ansi_default", boost="ansi_default",
        dark=True,
        variables={
            **_status("ansi_green", "ansi_yellow", "ansi_red", "ansi_bright_black"),
            "ansi-background": "ansi_default",
            "ansi-foreground": "ansi_default",
            "block-cursor-background": "ansi_default",
            "block-cursor-foreground": "ansi_default",
            "block-cursor-text-style": "reverse bold",
            "block-cursor-blurred-background": "ansi_default",
            "block-cursor-blurred-foreground": "ansi_default",
            "block-cursor-blurred-text-style": "underline",
            "border-blurred": "ansi_bright_black",
            "footer-key-foreground": "ansi_cyan",
            "input-selection-background": "ansi_blue",
            "screen-selection-background": "ansi_blue",
        },
    ),
]}

# Fallbacks for Textual's own themes (still in the palette's theme list), mapped from their
# success/warning/error colours by status_color().
STATUS_DEFAULTS = _status("green", "yellow", "red", "grey")


def status_color(theme: Theme, status: str) -> str:
    """The colour of a status ("ok", "warn", "error", "unknown") in `theme`."""
    name = f"status-{status}"
    if name in theme.variables:
        return theme.variables[name]
    fallback = {"ok": theme.success, "warn": theme.warning, "error": theme.error}.get(status)
    return fallback or STATUS_DEFAULTS[name]
