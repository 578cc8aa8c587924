"""Dev tool: generate `config/catalog/generated/offline.yaml` from the two offline price packages.

Run `python -m bot.catalog.sync` (needs the dev extra for genai-prices; fetches the pinned LiteLLM wheel with
`pip download --no-deps` into ~/.cache/bedrock-assistant/catalog-sync, or pass `--litellm-wheel`). Nothing here
runs at bot run time: the bot reads only the YAML it writes.
"""
