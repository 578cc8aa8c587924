"""A deterministic token estimate, used where no tokenizer is at hand: trimming history to a context window before
a call, estimating a comparison's cost, and the local Bedrock endpoint's usage numbers.

Rule of thumb per script: Hangul and CJK characters are about one token each; other text about four characters a
token (words rounded up); every message adds a few tokens of framing. Real Bedrock counts differ by model; the
bot always records the usage Bedrock reports, and only *plans* with this estimate (with a safety margin).
"""

from __future__ import annotations

import math
import re

_WIDE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]")
MESSAGE_OVERHEAD = 4  # role and framing tokens per message


def estimate_tokens(text: str) -> int:
    """Tokens in `text` (0 for empty text)."""
    if not text:
        return 0
    wide = len(_WIDE.findall(text))
    rest = _WIDE.sub(" ", text)
    narrow = sum(math.ceil(len(word) / 4) for word in rest.split())
    return wide + narrow
