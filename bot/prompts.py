"""Prompts and reply templates are files in `prompts/` (`<name>.<lang>.md`), loaded by name.

Templates use `$name` placeholders; a placeholder without a value is an error, never an empty string.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class PromptError(KeyError):
    """A prompt file is missing or a template variable has no value."""


@lru_cache(maxsize=64)
def _read(name: str, lang: str, root: Path) -> str:
    path = root / f"{name}.{lang}.md"
    if not path.exists():
        raise PromptError(f"prompt file missing: {path}")
    return path.read_text(encoding="utf-8")


def render(name: str, lang: str, root: Path = PROMPTS_DIR, **values: object) -> str:
    """The template `name` in `lang` with every `$variable` filled; a missing one raises PromptError."""
    try:
        return Template(_read(name, lang, root)).substitute({k: str(v) for k, v in values.items()})
    except KeyError as exc:
        raise PromptError(f"prompt '{name}.{lang}' needs a value for {exc}") from None
