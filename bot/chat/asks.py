"""What the router hands to the chat core: a message for a model (`ChatAsk`) or a live comparison
(`CompareAsk`). Kept free of boto3 and LangChain so that the console's catalog answers start fast."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.catalog.dimensions import ServiceTier
from bot.chat.resolve import chat_model
from bot.errors import UsageError
from bot.guardrails.verdict import Hit
from bot.qa.engine import Engine


@dataclass(frozen=True)
class ChatAsk:
    """A message for a model, as the router understood it. `named`: a model the user named for this turn;
    `bind`: keep the thread on that model (try, a named model); `tools`: the catalog assistant (free-form
    questions the catalog parser could not read). `text` passed the input guardrails (masked); `notices` say
    what they did and `guardrail` holds their interventions (for the usage event). `counted`: the front end
    already counted this turn against the rate limit (`Chat.limit`), before showing anything for it. `tier`: the
    service tier the command asked for (`--flex`, `--priority`; None: the channel's or the deployment's)."""

    text: str
    lang: str
    feature: str = "chat"
    named: str | None = None
    bind: bool = False
    tools: bool = False
    notices: tuple[str, ...] = ()
    guardrail: tuple[Hit, ...] = ()
    counted: bool = False
    tier: ServiceTier | None = None


USAGE = "/bedrock compare [--flex|--priority] <model1,model2[,…]> <prompt>"
TIER_WORDS: dict[str, ServiceTier] = {
    "standard": ServiceTier.standard, "default": ServiceTier.standard, "표준": ServiceTier.standard,
    "기본": ServiceTier.standard,
    "flex": ServiceTier.flex, "플렉스": ServiceTier.flex, "유연": ServiceTier.flex,
    "priority": ServiceTier.priority, "우선": ServiceTier.priority, "우선순위": ServiceTier.priority,
}  # fmt: skip
_FLAG = re.compile(r"^(?:--|—|–)(?:tier=)?(\S+)$")


def take_tier(args: str, usage: str) -> tuple[ServiceTier | None, str]:
    """The service tier flag of a `try` / `compare` command and the arguments without it: `--flex nova-pro hi`,
    `nova-pro --priority hi`, `--tier=flex …`, Korean `--플렉스` / `--우선` / `--표준`. Only the first two words are
    looked at, so a prompt may contain "--flex" itself. An unknown flag there raises `UsageError`."""
    words = args.split(maxsplit=2)
    for i, word in enumerate(words[:2]):
        flag = _FLAG.match(word)
        if flag is None:
            continue
        tier = TIER_WORDS.get(flag.group(1).lower())
        if tier is None:
            raise UsageError(
                usage,
                ko=f"알 수 없는 옵션입니다: `{word}` (`--flex`, `--priority`, `--standard` 중 하나).",
                en=f"Unknown option `{word}` (one of `--flex`, `--priority`, `--standard`).",
            )
        return tier, " ".join(words[:i] + words[i + 1 :])
    return None, args
_LIST = re.compile(r"^\s*([^\s,]+(?:\s*,\s*[^\s,]+)+)\s+(.+)$", re.DOTALL)


@dataclass(frozen=True)
class CompareAsk:
    """`command`: the guarded (masked) command line, kept while a costly compare waits for confirmation."""

    models: tuple[str, ...]
    prompt: str
    lang: str
    confirmed: bool = False
    notices: tuple[str, ...] = ()
    command: str = ""
    guardrail: tuple[Hit, ...] = ()
    tier: ServiceTier | None = None


def parse_live(engine: Engine, args: str, lang: str, max_models: int) -> CompareAsk | None:
    """`[--flex] m1,m2 prompt` → a live comparison; None when `args` is a catalog comparison (models [+ region]
    only)."""
    tier, args = take_tier(args, USAGE)
    match = _LIST.match(args)
    if match is None:
        return None
    names, prompt = [n.strip() for n in match.group(1).split(",")], match.group(2).strip().strip("\"'“”")
    if not prompt or engine.parser.regions.resolve(prompt) is not None:
        return None
    keys = list(dict.fromkeys(chat_model(engine, n) for n in names))
    if len(keys) < 2:
        raise UsageError(
            USAGE, ko="서로 다른 모델 두 개 이상이 필요합니다.", en="Two or more different models are needed."
        )
    if len(keys) > max_models:
        raise UsageError(
            USAGE,
            ko=f"한 번에 최대 {max_models}개 모델까지 비교합니다.",
            en=f"Compare at most {max_models} models at once.",
        )
    return CompareAsk(models=tuple(keys), prompt=prompt, lang=lang, tier=tier)
