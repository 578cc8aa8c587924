"""A local Bedrock Runtime endpoint (DESIGN §4): Converse, ConverseStream, CountTokens and ApplyGuardrail over
HTTP on 127.0.0.1, close enough to Bedrock that unmodified boto3 and langchain-aws run against it.

It lets the console work offline and lets tests and benchmarks exercise the real model path — streaming,
tool use, prompt caching, guardrails, throttling, timeouts and in-stream errors — deterministically.
"""

from bot.bedrock_local.behaviour import Behaviour, Fault, LocalConfig, load_config
from bot.bedrock_local.guardrails import GuardrailOutcome, LocalGuardrail, PiiRule
from bot.bedrock_local.replies import ScriptedReply, ToolUse, UsageOverride
from bot.bedrock_local.server import LocalBedrock
from bot.bedrock_local.state import RecordedRequest

__all__ = [
    "Behaviour",
    "Fault",
    "GuardrailOutcome",
    "LocalBedrock",
    "LocalConfig",
    "LocalGuardrail",
    "PiiRule",
    "RecordedRequest",
    "ScriptedReply",
    "ToolUse",
    "UsageOverride",
    "load_config",
]
