"""Display names, keys and the aliases people type ("소넷 4.5", "sonnet 4.5") for generated models."""

from __future__ import annotations

import re
from typing import Any

from bot.catalog.catalog import Catalog

_WORDS = {
    "gpt": "GPT",
    "oss": "OSS",
    "glm": "GLM",
    "minimax": "MiniMax",
    "deepseek": "DeepSeek",
    "vl": "VL",
    "r1": "R1",
    "v3": "V3",
    "v3.1": "V3.1",
    "v3.2": "V3.2",
    "a3b": "A3B",
    "a22b": "A22B",
    "a35b": "A35B",
    "it": "IT",
    "x4": "X4",
    "x5": "X5",
    "qwen3": "Qwen3",
}
_KOREAN = {
    "claude": "클로드",
    "sonnet": "소넷",
    "opus": "오퍼스",
    "haiku": "하이쿠",
    "nova": "노바",
    "llama": "라마",
    "mistral": "미스트랄",
    "deepseek": "딥시크",
    "qwen3": "큐웬3",
    "kimi": "키미",
    "gemma": "젬마",
    "grok": "그록",
    "premier": "프리미어",
    "pro": "프로",
    "lite": "라이트",
    "micro": "마이크로",
    "large": "라지",
    "small": "스몰",
    "mini": "미니",
}


def model_key(norm: str) -> str:
    """`anthropic.claude-sonnet-4-5` → `claude-sonnet-4-5`; `deepseek.v3.2` → `deepseek-v3.2`."""
    provider, _, rest = norm.partition(".")
    rest = re.sub(r"(?<=\db)-1$", "", rest)  # gpt-oss-120b-1 → gpt-oss-120b
    key = f"{provider}-{rest}" if re.match(r"v\d|r\d", rest) else rest
    return re.sub(r"[^a-z0-9.\-]", "-", key.lower()).strip("-")


def display_name(norm: str, given: str | None) -> str:
    """The package's name if it has one ("(global)" suffix dropped), else one made from the id."""
    if given:
        return re.sub(r"\s*\((global|regional)\)$", "", given)
    rest = norm.partition(".")[2]
    if norm.startswith("deepseek."):
        rest = f"deepseek-{rest}"
    rest = re.sub(r"^llama(\d)", r"llama-\1", rest)
    tokens = rest.split("-")
    words: list[str] = []
    for token in tokens:
        if words and token.isdigit() and len(token) <= 2 and re.fullmatch(r"\d+(\.\d+)?", words[-1]):
            words[-1] = f"{words[-1]}.{token}"
        else:
            words.append(token)
    return " ".join(
        _WORDS.get(w, w.upper() if re.fullmatch(r"\d+b|[a-z]\d[\d.]*", w) else w.capitalize()) for w in words
    )


def aliases_for(name: str) -> list[str]:
    """Ways to type the model: lower-case name, without the brand, version first, and in Korean."""
    lower = re.sub(r"\s*\(([^)]*)\)", r" \1", name.lower()).strip()
    words = lower.split()
    out = [lower, re.sub(r"\s*\([^)]*\)", "", name.lower()).strip()]
    if words[-1] in ("instruct", "it") and len(words) > 2:
        out.append(" ".join(words[:-1]))
    sizeless = [w for w in words if not re.fullmatch(r"\d+b|instruct|it", w)]
    if 1 < len(sizeless) < len(words):
        out.append(" ".join(sizeless))  # "llama 4 scout"; dropped later if another model makes the same
    if words[0] == "claude" and len(words) >= 3:
        out += [" ".join(words[1:]), f"claude {words[2]} {words[1]}", f"{words[2]} {words[1]}"]
    korean = [_KOREAN.get(w, w) for w in words]
    if korean != words:
        out.append(" ".join(korean))
        if words[0] == "claude" and len(words) >= 3:
            out += [" ".join(korean[1:]), f"{korean[2]} {korean[1]}"]
    return list(dict.fromkeys(out))


def family(key: str) -> str:
    """`claude-opus-4-1` → `claude-opus`; `gpt-5.6-sol` → `gpt-sol`: the key without its version numbers."""
    return re.sub(r"-?\d+(\.\d+)?(?=-|$)", "", key).replace("--", "-").strip("-")


def version(key: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", key))


def dedupe_aliases(models: list[dict[str, Any]], catalog: Catalog) -> None:
    from bot.catalog.lookup import normalize

    taken = {normalize(a) for m in catalog.models.values() for a in [m.name, *m.aliases]}
    taken |= {normalize(a) for g in catalog.groups.values() for a in g.aliases}
    made: dict[str, int] = {}
    for model in models:
        for alias in {normalize(a) for a in model.get("aliases", [])}:
            made[alias] = made.get(alias, 0) + 1
    taken |= {a for a, n in made.items() if n > 1}  # an alias two generated models make fits neither
    for model in models:
        mine = [a for a in model.get("aliases", []) if normalize(a) not in taken]
        taken |= {normalize(a) for a in [model["name"], *mine]}
        model["aliases"] = mine


def successors(models: list[dict[str, Any]]) -> None:
    """A legacy model's successor: the newest active model of its family (derived, `catalog-sync`)."""
    for model in models:
        if model.get("lifecycle", "active") == "active":
            continue
        same = [
            m
            for m in models
            if m is not model
            and m.get("lifecycle", "active") == "active"
            and family(m["key"]) == family(model["key"])
            and version(m["key"]) > version(model["key"])
        ]
        if same:
            model["successor"] = max(same, key=lambda m: version(m["key"]))["key"]
