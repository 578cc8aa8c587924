"""The docs match what ships: /bedrock help (ko/en), the README's command table and the manifest's usage hint name
every subcommand; no shipped feature is described as coming later; no doc points outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.qa.commands import SUBCOMMANDS, USAGE
from bot.subcommands import OTHER_SUBCOMMANDS, OTHER_USAGE

ROOT = Path(__file__).resolve().parent.parent
EVERY = sorted({*SUBCOMMANDS, *OTHER_SUBCOMMANDS})
DOCS = ["README.md", "CONTRIBUTING.md", *(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_help_names_every_subcommand_with_its_usage(lang: str) -> None:
    text = (ROOT / "prompts" / f"help.{lang}.md").read_text(encoding="utf-8")
    missing = [name for name in EVERY if f"/bedrock {name}" not in text]
    assert not missing, f"/bedrock help ({lang}) does not list {missing}"


def test_readme_table_shows_every_subcommand_as_its_usage_line() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("\\|", "|")
    usage = {**USAGE, **OTHER_USAGE}
    missing = [name for name in EVERY if f"`/bedrock {name}" not in readme]
    assert not missing, f"the README's command table lacks {missing}"
    cost = usage["cost"].replace("<input tokens> <output tokens>", "<in> <out>")
    assert cost in readme, "the README shows the cost options the command reads"


def test_manifest_usage_hint_names_the_main_subcommands() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    hint = manifest["features"]["slash_commands"][0]["usage_hint"]
    for name in ("help", "price", "cost", "compare", "recommend", "try", "model", "usage", "budget", "reset"):
        assert re.search(rf"\b{name}\b", hint), f"usage hint lacks {name}"


@pytest.mark.parametrize("doc", DOCS)
def test_no_shipped_feature_is_described_as_coming_later(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    found = re.findall(r"(?i)next issue|not (?:enabled|implemented) yet|coming soon|, later,|and later\b", text)
    assert not found, f"{doc}: {found}"


@pytest.mark.parametrize("doc", DOCS)
def test_docs_point_only_inside_the_repository(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    outside = re.findall(r"\.\./[\w./-]+|\bshared/[\w./-]+|`DESIGN\.md`", text)
    assert not outside, f"{doc} refers to files outside the repository: {outside}"
