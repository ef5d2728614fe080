"""Keys as the reviewer has them: bindings remapped by id in the config file's [keymap],
shown the way they are typed. The help screen, the status bar's hints and the dialogs'
hints all say keys through here, so they follow the user's keymap."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.keys import format_key

NAMES = {"enter": "enter", "space": "space", "escape": "esc"}


def shown_key(key: str) -> str:
    key = key.strip()
    return NAMES.get(key) or format_key(key)


def keys_of(binding: Binding, keymap: dict[str, str]) -> list[str]:
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [shown_key(k) for k in keys.split(",") if k.strip()]


def key_for(bindings: Iterable[Binding], keymap: dict[str, str], binding_id: str) -> str:
    """The first key of the binding with this id (what a hint names)."""
    for binding in bindings:
        if binding.id == binding_id:
            keys = keys_of(binding, keymap)
            return keys[0] if keys else "?"
    raise KeyError(binding_id)


def hint(bindings: Iterable[Binding], keymap: dict[str, str], *items: tuple[str, str]) -> str:
    """"/ filter · space select …" from (binding id, what it does) pairs."""
    bindings = list(bindings)
    return " · ".join(f"{key_for(bindings, keymap, binding_id)} {does}" for binding_id, does in items)
