"""Fixtures for catalog tests: a small catalog directory built from the real shared files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalog.loader import default_catalog_dir


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A copy of the real catalog's shared files plus one small model file we can break."""
    src = default_catalog_dir()
    for name in ("sources.yaml", "regions.yaml"):
        shutil.copy(src / name, tmp_path / name)
    (tmp_path / "groups.yaml").write_text("groups: []\n", encoding="utf-8")
    (tmp_path / "services.yaml").write_text("services: []\n", encoding="utf-8")
    (tmp_path / "models").mkdir()
    return tmp_path
