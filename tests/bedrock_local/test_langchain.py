"""The real `ChatBedrockConverse` against the local endpoint: invoke and stream with usage metadata, tool calls
from scripted toolUse replies, request metadata and prompt caching as langchain-aws reports them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from langchain_aws import ChatBedrockConverse
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool

from bot.bedrock_local import LocalBedrock, ScriptedReply
from bot.chat.tokens import MESSAGE_OVERHEAD, estimate_tokens


@tool
def get_price(model: str) -> str:
    """The on-demand price of a Bedrock model."""
    return f"{model}: $0.80 per 1M input tokens"


def merged(messages: Iterable[BaseMessage]) -> AIMessageChunk:
    chunks = [c for c in messages if isinstance(c, AIMessageChunk)]
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


def test_invoke_returns_text_and_usage(chat: Callable[..., ChatBedrockConverse]) -> None:
    ai = chat().invoke("What does Nova Lite cost?")
    assert isinstance(ai.content, str) and ai.content.startswith("[local Amazon Nova Lite] ")
    assert ai.usage_metadata is not None
    assert ai.usage_metadata["input_tokens"] == MESSAGE_OVERHEAD + estimate_tokens("What does Nova Lite cost?")
    assert ai.usage_metadata["output_tokens"] == estimate_tokens(ai.content)
    assert ai.response_metadata["stopReason"] == "end_turn"


def test_stream_yields_text_chunks_and_usage(chat: Callable[..., ChatBedrockConverse]) -> None:
    llm = chat()
    chunks = list(llm.stream("Stream please"))
    assert sum(1 for c in chunks if c.text) > 3
    full = merged(chunks)
    assert full.text == llm.invoke("Stream please").content
    assert full.usage_metadata is not None and full.usage_metadata["output_tokens"] == estimate_tokens(full.text)
    assert full.response_metadata["stopReason"] == "end_turn"


def test_bind_tools_invoke_gets_tool_calls(bedrock: LocalBedrock, chat: Callable[..., ChatBedrockConverse]) -> None:
    bedrock.script(ScriptedReply.tool("get_price", {"model": "nova-pro"}, tool_use_id="call-1"))
    llm = chat().bind_tools([get_price])
    ai = llm.invoke("How much is Nova Pro?")
    assert ai.tool_calls == [{"name": "get_price", "args": {"model": "nova-pro"}, "id": "call-1", "type": "tool_call"}]
    assert ai.response_metadata["stopReason"] == "tool_use"
    sent = bedrock.requests[-1].body["toolConfig"]["tools"][0]["toolSpec"]
    assert sent["name"] == "get_price"
    # the tool loop's second turn: the tool result goes back and the "model" answers from it
    result = ToolMessage(get_price.invoke({"model": "nova-pro"}), tool_call_id="call-1")
    answer = llm.invoke([HumanMessage("How much is Nova Pro?"), ai, result])
    assert "nova-pro: $0.80 per 1M input tokens" in str(answer.content)


def test_bind_tools_stream_gets_tool_calls(bedrock: LocalBedrock, chat: Callable[..., ChatBedrockConverse]) -> None:
    bedrock.script(
        {
            "text": "Let me look that up.",
            "toolUse": {"toolUseId": "call-2", "name": "get_price", "input": {"model": "claude-3-5-haiku"}},
        }
    )
    full = merged(list(chat().bind_tools([get_price]).stream("Haiku price?")))
    assert full.tool_calls == [
        {"name": "get_price", "args": {"model": "claude-3-5-haiku"}, "id": "call-2", "type": "tool_call"}
    ]
    assert full.response_metadata["stopReason"] == "tool_use"
    assert "Let me look that up." in full.text


def test_request_metadata_reaches_the_endpoint(bedrock: LocalBedrock, chat: Callable[..., ChatBedrockConverse]) -> None:
    chat(request_metadata={"team": "T1", "feature": "chat"}).invoke("hi")
    assert bedrock.requests[-1].body["requestMetadata"] == {"team": "T1", "feature": "chat"}


def test_cache_points_show_in_usage_details(chat: Callable[..., ChatBedrockConverse]) -> None:
    system = "You answer questions about Amazon Bedrock prices. " * 30
    llm = chat()
    messages = [
        SystemMessage([{"type": "text", "text": system}, {"cachePoint": {"type": "default"}}]),
        HumanMessage("Nova Micro price?"),
    ]
    first = llm.invoke(messages).usage_metadata
    second = llm.invoke(messages).usage_metadata
    assert first is not None and second is not None
    assert first["input_token_details"] == {"cache_creation": estimate_tokens(system), "cache_read": 0}
    assert second["input_token_details"] == {"cache_creation": 0, "cache_read": estimate_tokens(system)}
    assert first["input_tokens"] == second["input_tokens"]  # langchain adds the cache tokens back in
