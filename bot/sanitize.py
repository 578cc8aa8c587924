"""Text that can be sent anywhere: no NUL or other control bytes, no lone UTF-16 surrogates.

Slack delivers JSON, and JSON may carry `\\u0000` or half of a surrogate pair (`\\ud800`); Python decodes both into
a `str` that Bedrock refuses (a validation error that looks like an outage after every retry and fallback) and that
Slack may refuse or show as garbage. `clean` runs where user text enters (`bot.commands`) and on everything the
Slack builders send (`handlers.blocks.safe`), so model output is cleaned on its way out too.
"""

from __future__ import annotations

import re

# C0 controls except tab, line feed and carriage return, and DEL: never meaningful in a chat message.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` without control bytes and lone surrogates; a surrogate *pair* (an emoji split in two by a decoder
    that allowed it) is joined back into its character."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    return _CONTROL.sub("", text)
