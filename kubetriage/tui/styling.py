"""Cluster text as inert Rich `Text`, and a theme's colours as Rich reads them: what the widgets
that draw with Rich directly (status bar, chains, hints) share."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.color import Color

from kubetriage.core.text import clean


def rich_color(value: str | None, default: str) -> str:
    """A theme's colour as Rich reads it (a 16-colour theme says `ansi_red`, Rich `color(1)`)."""
    return Color.parse(value).rich_color.name if value else default


def text(value: Any, style: str = "") -> Text:
    """Untrusted cluster text, inert: controls removed, never parsed as markup."""
    return Text(clean(str(value)), style=style, no_wrap=True, overflow="ellipsis")
