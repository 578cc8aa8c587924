"""Service tiers through real boto3 and langchain-aws: the tier asked for is checked against the catalog's tiers and
echoed as served (response and stream metadata), and a behaviour or a scripted reply can serve another one."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_aws import ChatBedrockConverse

from bot.bedrock_local import LocalBedrock, ScriptedReply
from bot.bedrock_local.tiers import offered_tiers
from bot.catalog.catalog import Catalog
from tests.bedrock_local.conftest import NOVA_LITE, user

NOVA_2_LITE = "us.amazon.nova-2-lite-v1:0"  # priced in flex and priority as well as standard


def converse(client: Any, tier: str | None, model: str = NOVA_2_LITE) -> dict[str, Any]:
    extra = {"serviceTier": {"type": tier}} if tier is not None else {}
    response: dict[str, Any] = client.converse(modelId=model, messages=[user("Which tier?")], **extra)
    return response


def stream_metadata(client: Any, tier: str | None, model: str = NOVA_2_LITE) -> dict[str, Any]:
    extra = {"serviceTier": {"type": tier}} if tier is not None else {}
    events = list(client.converse_stream(modelId=model, messages=[user("Which tier?")], **extra)["stream"])
    metadata: dict[str, Any] = events[-1]["metadata"]
    return metadata


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    return error["Code"], error["Message"]


def test_offered_tiers_come_from_the_catalogs_on_demand_rows(catalog: Catalog) -> None:
    assert offered_tiers(catalog.models["nova-2-lite"]) == {"default", "flex", "priority"}
    assert offered_tiers(catalog.models["nova-lite"]) == {"default"}


@pytest.mark.parametrize("tier", ["default", "flex", "priority"])
def test_the_requested_tier_is_echoed_by_converse_and_the_stream(client: Any, tier: str) -> None:
    assert converse(client, tier)["serviceTier"] == {"type": tier}
    assert stream_metadata(client, tier)["serviceTier"] == {"type": tier}


def test_without_a_tier_the_default_tier_is_reported(client: Any, bedrock: LocalBedrock) -> None:
    assert converse(client, None, NOVA_LITE)["serviceTier"] == {"type": "default"}
    assert stream_metadata(client, None, NOVA_LITE)["serviceTier"] == {"type": "default"}
    assert bedrock.requests[-1].service_tier is None


def test_the_requested_tier_is_recorded(client: Any, bedrock: LocalBedrock) -> None:
    converse(client, "flex")
    assert bedrock.requests[-1].service_tier == "flex"
    assert bedrock.requests[-1].body["serviceTier"] == {"type": "flex"}


def test_a_behaviour_serves_another_tier_than_requested(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.set_behaviour("nova-2-lite", {"serve_tier": {"priority": "default"}})
    assert converse(client, "priority")["serviceTier"] == {"type": "default"}
    assert stream_metadata(client, "priority")["serviceTier"] == {"type": "default"}
    assert converse(client, "flex")["serviceTier"] == {"type": "flex"}  # only the mapped tier changes
    assert bedrock.requests[-1].service_tier == "flex"


def test_the_control_route_sets_the_served_tier(bedrock: LocalBedrock, client: Any) -> None:
    body = {"model": "nova-2-lite", "behaviour": {"serve_tier": {"flex": "default"}}}
    request = urllib.request.Request(
        f"{bedrock.url}/_local/behaviour", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as reply:
        assert json.load(reply) == {"ok": True}
    assert converse(client, "flex")["serviceTier"] == {"type": "default"}


def test_a_scripted_reply_names_the_tier_served(client: Any, bedrock: LocalBedrock) -> None:
    bedrock.script({"text": "served by default", "serviceTier": "default"})
    bedrock.script(ScriptedReply(text="served by priority", service_tier="priority"))
    assert converse(client, "priority")["serviceTier"] == {"type": "default"}
    assert stream_metadata(client, "default")["serviceTier"] == {"type": "priority"}
    assert converse(client, "priority")["serviceTier"] == {"type": "priority"}  # the queue is used up


def test_a_tier_outside_the_enum_is_a_validation_error(client: Any, bedrock: LocalBedrock) -> None:
    code, message = error_of(lambda: converse(client, "cheapest"))
    assert code == "ValidationException"
    assert message == (
        "1 validation error detected: Value 'cheapest' at 'serviceTier.type' failed to satisfy constraint: "
        "Member must satisfy enum value set: [priority, default, flex, reserved]"
    )
    assert error_of(lambda: stream_metadata(client, "cheapest"))[1] == message


def test_a_tier_the_model_is_not_priced_in_is_refused(client: Any) -> None:
    code, message = error_of(lambda: converse(client, "flex", NOVA_LITE))
    assert code == "ValidationException"
    assert message == (
        "The service tier 'flex' isn't supported for this model. Try again with a supported service tier (default)."
    )
    assert error_of(lambda: converse(client, "reserved"))[1] == "Reservation not found."
    assert converse(client, "default", NOVA_LITE)["serviceTier"] == {"type": "default"}  # always offered


def test_langchain_sends_service_tier_and_reads_the_served_one(
    bedrock: LocalBedrock, chat: Callable[..., ChatBedrockConverse]
) -> None:
    ai = chat(NOVA_2_LITE, service_tier="flex").invoke("Flex please")
    assert bedrock.requests[-1].service_tier == "flex"
    assert ai.response_metadata["serviceTier"] == {"type": "flex"}
    bedrock.set_behaviour("nova-2-lite", {"serve_tier": {"priority": "default"}})
    chunks = list(chat(NOVA_2_LITE).stream("Priority please", service_tier="priority"))
    served = [c.response_metadata["serviceTier"] for c in chunks if "serviceTier" in c.response_metadata]
    assert bedrock.requests[-1].service_tier == "priority"
    assert served == [{"type": "default"}]


def test_langchain_surfaces_a_refused_tier(chat: Callable[..., ChatBedrockConverse]) -> None:
    with pytest.raises(ClientError, match="isn't supported for this model"):
        chat(NOVA_LITE, service_tier="priority").invoke("Priority please")
