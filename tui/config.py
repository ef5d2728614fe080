"""The user's config file (TOML in the platform config folder): reviewer name, theme and
key remapping. Read by the command line too, so it never imports textual.

    # ~/.config/policy-review/config.toml
    reviewer = "李审"
    theme = "gruvbox"
    [keymap]            # binding id = keys, see the help screen (?) for the ids
    quit = "ctrl+q"
    filter = "/,f"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from store.errors import PolicyReviewError


@dataclass
class Config:
    path: Path
    reviewer: str | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)


def config_path() -> Path:
    env = os.environ.get("POLICY_REVIEW_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_config_path("policy-review", appauthor=False) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The config, or defaults when there is no file. A broken file is an error with the
    line to fix, not a silent reset."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config(path)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyReviewError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyReviewError(f"{path}: cannot read ({exc})") from None
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise PolicyReviewError(f"{path}: [keymap] maps binding ids to keys, e.g. quit = \"ctrl+q\"")
    reviewer = data.get("reviewer")
    theme = data.get("theme")
    return Config(path, str(reviewer) if reviewer else None, str(theme) if theme else None, dict(keymap))
