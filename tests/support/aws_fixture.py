"""Writes the refresh's fixture data, `tests/data/aws/`: `python -m tests.support.aws_fixture` regenerates it.

The files are committed: they are what the stand-in serves and what the tests read, in the real wire shapes.
They cover: AmazonBedrock token prices (on-demand, batch, flex, priority, cache read/write by TTL, global,
Seoul), Marketplace models in AmazonBedrockFoundationModels ("(Amazon Bedrock Edition)", per 1M tokens,
_Global, _Geo, cache write 1h, long context), AmazonBedrockService (Guardrails, Knowledge Bases), products that
do not map (an unknown unit, no model name), a new model, legacy models with dates, models no longer listed,
and us./eu./apac./global. inference profiles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.aws_local.pricelist import marketplace_product, product, token_product
from bot.catalog.loader import load_catalog

ROOT = Path(__file__).resolve().parent.parent / "data" / "aws"
SEOUL = "ap-northeast-2"
CONTROL_REGIONS = ("us-east-1", SEOUL, "eu-central-1")
NOT_LISTED = {"anthropic.claude-instant-v1", "ai21.j2-mid-v1", "ai21.j2-ultra-v1"}  # retired: gone from the list
LEGACY = {  # id -> (legacyTime, endOfLifeTime)
    "anthropic.claude-3-opus-20240229-v1:0": ("2025-06-01", "2026-01-15"),
    "anthropic.claude-3-5-sonnet-20240620-v1:0": ("2025-08-25", "2026-03-01"),
}
NEW_MODELS = [
    ("amazon.nova-2-lite-v1:0", "Nova 2 Lite", "Amazon", ["TEXT", "IMAGE"], ["TEXT"]),
    ("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5", "Anthropic", ["TEXT", "IMAGE"], ["TEXT"]),
]


def amazon_bedrock() -> list[dict[str, Any]]:
    docs = []
    nova = [("us-east-1", "", "input", "0.000035"), ("us-east-1", "", "output", "0.00014"),
            ("us-east-1", "", "cache-read-input", "0.00000875"),
            ("us-east-1", "batch", "input", "0.0000175"), ("us-east-1", "batch", "output", "0.00007"),
            ("us-east-1", "flex", "input", "0.00002625"), ("us-east-1", "flex", "output", "0.000105"),
            ("us-east-1", "priority", "input", "0.00006125"), ("us-east-1", "priority", "output", "0.000245"),
            ("us-east-1", "Global", "input", "0.000035"), ("us-east-1", "Global", "output", "0.00014"),
            (SEOUL, "", "input", "0.0000455"), (SEOUL, "", "output", "0.000182"),
            ("ap-southeast-5", "", "input", "0.0000406"), ("ap-southeast-5", "", "output", "0.0001624")]
    feature = {"": "On-demand Inference", "batch": "Batch Inference", "flex": "Flex Inference",
               "priority": "Priority Inference", "Global": "On-demand Inference"}
    for region, variant, direction, price in nova:
        docs.append(token_product(region, "Nova Micro", "NovaMicro", variant, direction, price, feature[variant]))
    for region, direction, price in [("us-east-1", "input", "0.0003"), ("us-east-1", "output", "0.0025"),
                                     ("us-east-1", "cache-write-input", "0.0003"),
                                     (SEOUL, "input", "0.00039"), (SEOUL, "output", "0.00325")]:
        docs.append(token_product(region, "Nova 2 Lite", "Nova2Lite", "", direction, price))
    docs.append(product("AmazonBedrock", "us-east-1", "TitanEmbeddingV2-Text-input-tokens", price="0.00002",
                        unit="1K tokens", description="Titan Text Embeddings V2 input tokens",
                        titanModel="Titan Text Embeddings V2", feature="On-demand Inference",
                        inferenceType="Input tokens"))
    docs.append(product("AmazonBedrock", "us-east-1", "ProvisionedThroughput-NovaMicro-1Month", price="35.00",
                        unit="Hrs", description="Nova Micro provisioned throughput, 1 month commitment, per hour",
                        model="Nova Micro", feature="Provisioned Throughput"))
    # two products that do not map: an unknown unit, and no model name at all
    docs.append(product("AmazonBedrock", "us-east-1", "CustomModelStorage-NovaMicro", price="1.95",
                        unit="Model-Month", description="Custom model storage per month", model="Nova Micro",
                        feature="Model customization storage"))
    docs.append(product("AmazonBedrock", "us-east-1", "Mystery-Widget", price="0.5", unit="Widgets",
                        description="A product this refresh has never seen", feature="Mystery"))
    return docs


def foundation_models() -> list[dict[str, Any]]:
    sonnet = "Claude Sonnet 4.5"
    meters = [("us-east-1", "InputTokenCount", "3.00"), ("us-east-1", "OutputTokenCount", "15.00"),
              ("us-east-1", "CacheReadInputTokenCount", "0.30"), ("us-east-1", "CacheWriteInputTokenCount", "3.75"),
              ("us-east-1", "CacheWrite1h_InputTokenCount", "6.00"),
              ("us-east-1", "Batch_InputTokenCount", "1.50"), ("us-east-1", "Batch_OutputTokenCount", "7.50"),
              ("us-east-1", "LCtx_InputTokenCount", "6.00"), ("us-east-1", "LCtx_OutputTokenCount", "22.50"),
              ("us-east-1", "InputTokenCount_Global", "3.00"), ("us-east-1", "OutputTokenCount_Global", "15.00"),
              (SEOUL, "InputTokenCount_Geo", "3.30"), (SEOUL, "OutputTokenCount_Geo", "16.50")]
    docs = [marketplace_product(region, sonnet, meter, price) for region, meter, price in meters]
    haiku = [("us-east-1", "InputTokenCount", "0.25"), ("us-east-1", "OutputTokenCount", "1.25"),
             (SEOUL, "InputTokenCount", "0.30"), (SEOUL, "OutputTokenCount", "1.25")]
    docs += [marketplace_product(region, "Claude 3 Haiku", meter, price) for region, meter, price in haiku]
    return docs


def bedrock_service() -> list[dict[str, Any]]:
    return [
        product("AmazonBedrockService", "us-east-1", "Guardrails-ContentPolicy-TextUnits", price="0.15",
                unit="1K text units", description="Guardrails content filters per 1,000 text units",
                feature="Guardrails", group="Content filters (text content)"),
        product("AmazonBedrockService", SEOUL, "Guardrails-ContentPolicy-TextUnits", price="0.15",
                unit="1K text units", description="Guardrails content filters per 1,000 text units",
                feature="Guardrails", group="Content filters (text content)"),
        product("AmazonBedrockService", "us-east-1", "KnowledgeBase-StructuredRetrieval", price="2.00",
                unit="1K queries", description="Knowledge Bases structured data retrieval per 1,000 queries",
                feature="Knowledge Bases structured data retrieval"),
    ]


def summaries(region: str) -> dict[str, Any]:
    catalog = load_catalog()
    models = []
    for model in catalog.models.values():
        for model_id in model.ids:
            if model_id in NOT_LISTED or (region != "us-east-1" and model.provider not in ("Amazon", "Anthropic")):
                continue
            legacy = LEGACY.get(model_id)
            lifecycle: dict[str, Any] = {"status": "LEGACY" if legacy or model.lifecycle == "legacy" else "ACTIVE"}
            if legacy:
                lifecycle.update(legacyTime=f"{legacy[0]}T00:00:00Z", endOfLifeTime=f"{legacy[1]}T00:00:00Z")
            models.append(_summary(region, model_id, model.name, model.provider,
                                   [m.value.upper() for m in model.modalities_in if m.value in ("text", "image")],
                                   ["EMBEDDING" if model.kind == "embedding" else "IMAGE" if model.kind == "image"
                                    else "TEXT"], lifecycle))
    for model_id, name, provider, mod_in, mod_out in NEW_MODELS:
        models.append(_summary(region, model_id, name, provider, mod_in, mod_out,
                               {"status": "ACTIVE", "startOfLifeTime": "2025-10-01T00:00:00Z"}))
    return {"modelSummaries": models, "inferenceProfileSummaries": profiles(region)}


def _summary(region: str, model_id: str, name: str, provider: str, mod_in: list[str], mod_out: list[str],
             lifecycle: dict[str, Any]) -> dict[str, Any]:
    return {
        "modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model_id}",
        "modelId": model_id, "modelName": name, "providerName": provider,
        "inputModalities": mod_in or ["TEXT"], "outputModalities": mod_out,
        "responseStreamingSupported": "TEXT" in mod_out,
        "customizationsSupported": ["FINE_TUNING"] if "haiku" in model_id else [],
        "inferenceTypesSupported": ["ON_DEMAND", "INFERENCE_PROFILE"] if ":" in model_id else ["ON_DEMAND"],
        "modelLifecycle": lifecycle,
    }


def profiles(region: str) -> list[dict[str, Any]]:
    scopes = {"us": ["us-east-1", "us-east-2", "us-west-2"], "eu": ["eu-central-1", "eu-west-1", "eu-west-3"],
              "apac": ["ap-northeast-1", SEOUL, "ap-southeast-1", "ap-southeast-2"],
              "global": ["us-east-1", "eu-central-1", SEOUL, "ap-northeast-1"]}
    local = {"us-east-1": ["us", "global"], SEOUL: ["apac", "global"], "eu-central-1": ["eu", "global"]}[region]
    ids = ["amazon.nova-micro-v1:0", "amazon.nova-2-lite-v1:0", "anthropic.claude-3-haiku-20240307-v1:0",
           "anthropic.claude-sonnet-4-5-20250929-v1:0"]
    out = []
    for scope in local:
        for model_id in ids:
            if scope == "global" and "haiku" in model_id:
                continue
            out.append({
                "inferenceProfileName": f"{scope.upper()} {model_id}",
                "description": f"Routes requests to {model_id} in {', '.join(scopes[scope])}",
                "createdAt": "2025-10-01T00:00:00Z", "updatedAt": "2025-10-01T00:00:00Z",
                "inferenceProfileArn": f"arn:aws:bedrock:{region}:123456789012:inference-profile/{scope}.{model_id}",
                "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{model_id}"} for r in scopes[scope]],
                "inferenceProfileId": f"{scope}.{model_id}", "status": "ACTIVE", "type": "SYSTEM_DEFINED",
            })
    return out


def write(root: Path = ROOT) -> None:
    (root / "pricing").mkdir(parents=True, exist_ok=True)
    (root / "bedrock").mkdir(parents=True, exist_ok=True)
    for code, docs in [("AmazonBedrock", amazon_bedrock()), ("AmazonBedrockFoundationModels", foundation_models()),
                       ("AmazonBedrockService", bedrock_service())]:
        (root / "pricing" / f"{code}.json").write_text(json.dumps({"PriceList": docs}, indent=1) + "\n")
    for region in CONTROL_REGIONS:
        (root / "bedrock" / f"{region}.json").write_text(json.dumps(summaries(region), indent=1) + "\n")


if __name__ == "__main__":
    write()
    print(f"wrote {ROOT}")
