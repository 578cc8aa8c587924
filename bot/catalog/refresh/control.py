"""`ListFoundationModels` and `ListInferenceProfiles` summaries (as boto3 returns them) → records.

A model listed by several regions becomes one record with those regions; a profile's destinations are the
regions in its model ARNs (`arn:aws:bedrock:eu-west-1::foundation-model/...`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.catalog.refresh.records import Lifecycle, ModelRecord, ProfileRecord


def add_models(models: dict[str, ModelRecord], region: str, summaries: list[dict[str, Any]]) -> None:
    """Merge one region's `modelSummaries` into `models` (keyed by model id)."""
    for s in summaries:
        model_id = str(s["modelId"])
        record = models.get(model_id)
        if record is None:
            record = models[model_id] = ModelRecord(
                model_id=model_id,
                name=str(s.get("modelName") or model_id),
                provider=str(s.get("providerName") or model_id.split(".", 1)[0]),
                modalities_in=tuple(str(m).lower() for m in s.get("inputModalities", [])),
                modalities_out=tuple(str(m).lower() for m in s.get("outputModalities", [])),
                streaming=bool(s.get("responseStreamingSupported", False)),
                customizations=tuple(str(c).lower() for c in s.get("customizationsSupported", [])),
                inference_types=tuple(str(t).lower() for t in s.get("inferenceTypesSupported", [])),
                lifecycle=_lifecycle(s.get("modelLifecycle") or {}),
            )
        record.regions.add(region)


def _lifecycle(raw: dict[str, Any]) -> Lifecycle:
    legacy = str(raw.get("status", "ACTIVE")).upper() == "LEGACY"
    return Lifecycle(
        status="legacy" if legacy else "active",
        start=_day(raw.get("startOfLifeTime")),
        legacy=_day(raw.get("legacyTime")),
        end_of_life=_day(raw.get("endOfLifeTime")),
        extended_access=_day(raw.get("publicExtendedAccessTime")),
    )


def add_profiles(profiles: dict[str, ProfileRecord], region: str, summaries: list[dict[str, Any]]) -> None:
    """Merge one region's system-defined `inferenceProfileSummaries` into `profiles` (keyed by profile id)."""
    for s in summaries:
        if s.get("type", "SYSTEM_DEFINED") != "SYSTEM_DEFINED" or s["inferenceProfileId"] in profiles:
            continue
        arns = [str(m.get("modelArn", "")) for m in s.get("models", [])]
        profile_id = str(s["inferenceProfileId"])
        profiles[profile_id] = ProfileRecord(
            profile_id=profile_id,
            name=str(s.get("inferenceProfileName") or profile_id),
            scope=profile_id.split(".", 1)[0],
            model_ids=tuple(sorted({a.rsplit("/", 1)[-1] for a in arns if "/" in a})),
            routes_to=tuple(sorted({a.split(":")[3] for a in arns if a.count(":") >= 4})),
            source_region=region,
        )


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
