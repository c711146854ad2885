"""User settings: `$XDG_CONFIG_HOME/kubetriage/config.toml` (else ~/.config/...), e.g.

    theme = "kubetriage-16"
    bell = true

    [themes.mine]
    primary = "#88c0d0"
    status_error = "#bf616a"

A missing file means the defaults; a bad one is one line naming the file (UsageError, exit 2).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from textual.theme import BUILTIN_THEMES

from kubetriage.errors import UsageError
from kubetriage.themes.builtin import DEFAULT_THEME, THEMES
from kubetriage.themes.user import UserTheme


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    theme: str = DEFAULT_THEME
    bell: bool = False
    themes: dict[str, UserTheme] = {}

    @model_validator(mode="after")
    def _theme_exists(self) -> Settings:
        if self.theme not in theme_names(self):
            raise ValueError(f"unknown theme {self.theme!r} (one of: {', '.join(theme_names(self))})")
        return self


def theme_names(settings: Settings) -> list[str]:
    """Every theme the user can choose: ours, their own, then Textual's."""
    return [*THEMES, *settings.themes, *(n for n in BUILTIN_THEMES if n not in settings.themes)]


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME", "")
    # the XDG spec says a relative value is to be ignored
    root = Path(base) if os.path.isabs(base) else Path.home() / ".config"
    return root / "kubetriage" / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        raise UsageError(f"{path}: {where + ': ' if where else ''}{message}") from None


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the file whole (comments in it are not kept), atomically."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"theme = {_toml(settings.theme)}", f"bell = {_toml(settings.bell)}"]
    for name, theme in settings.themes.items():
        lines += ["", f"[themes.{_key(name)}]"]
        lines += [f"{field} = {_toml(value)}"
                  for field, value in theme.model_dump(exclude_none=True).items()]
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _toml(value: str | bool) -> str:
    # a JSON string with ASCII escapes is a valid TOML basic string
    return ("true" if value else "false") if isinstance(value, bool) else json.dumps(value)


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)
