"""What Slack would act on in a text it receives: live mentions and links whose label hides the destination.

Written from Slack's formatting rules, independently of `handlers.blocks.safe`, so tests can say "nothing in what
the mock received notifies anyone or disguises a link"."""

from __future__ import annotations

import re

# `<!here>`, `<!channel>`, `<!everyone>`, `<!subteam^S1>`, `<!date^…>`, `<@U1>`, `<#C1>`; in Markdown also with `<`
# written as an entity (a Markdown renderer decodes `&lt;`; mrkdwn shows it as `<`, which is how escaping works)
_SHAPE = r"(?:[@#][A-Z0-9]|!(?:here|channel|everyone|subteam\^|date\^|group))[^\s<>]*"
_MENTION = re.compile(r"<" + _SHAPE, re.IGNORECASE)
_MD_MENTION = re.compile(r"(?:<|&lt;|&#0*60;|&#x0*3c;)" + _SHAPE, re.IGNORECASE)
_LABELLED = re.compile(r"<[a-z][\w+.-]*:[^<>|\s]*\|([^<>]*)>", re.IGNORECASE)  # mrkdwn `<url|label>`
_MD_LINK = re.compile(r"\]\(|\]:")  # Markdown `[label](url)` and `[ref]: url`

# Every injection a model or a user can write (the scripted replies and messages of the scenario tests).
INJECTIONS = (
    "<!channel> <!here> <!everyone> <!subteam^S0EVIL|@security> <@U0VICTIM> <#C0SECRET> "
    "<https://evil.example|click> [https://docs.aws.amazon.com](https://evil.example) "
    "&lt;!here&gt; [label][r]\n\n[r]: https://evil.example/ref"
)


def live_mentions(text: str, allowed: tuple[str, ...] = (), *, markdown: bool = False) -> list[str]:
    """Mentions Slack would notify for (`allowed` ones, such as the bot's own `<@caller>`, left out)."""
    found = (_MD_MENTION if markdown else _MENTION).finditer(text)
    return [m.group(0) for m in found if m.group(0) not in [a.rstrip(">") for a in allowed]]


def hidden_links(text: str, *, markdown: bool = False) -> list[str]:
    """Links whose visible text is not their destination: labelled mrkdwn links, and in Markdown any link syntax."""
    found = [m.group(0) for m in _LABELLED.finditer(text)]
    return found + ([m.group(0) for m in _MD_LINK.finditer(text)] if markdown else [])
