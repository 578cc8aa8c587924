"""The neutraliser for what users and models write (`handlers.blocks.safe`, `bot.sanitize`, `mrkdwn.to_mrkdwn`):
no mention, special mention or disguised link survives in any of the three forms; the bot's own formatting does."""

from __future__ import annotations

import random

import pytest

from bot.sanitize import clean
from handlers.blocks.answer import clip_escaped, plain
from handlers.blocks.mrkdwn import to_mrkdwn, to_plain
from handlers.blocks.safe import WJ, defang, neutral_markdown, settled
from tests.support.slack_tokens import INJECTIONS, hidden_links, live_mentions

FORMS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S0EVIL|@security>",
    "<!date^1392734382^{date}^https://evil.example|today>",
    "<@U0VICTIM>",
    "<@U0VICTIM|boss>",
    "<#C0SECRET>",
    "<https://evil.example|click>",
    "&lt;!here&gt;",
    "&#60;!channel&#62;",
]


@pytest.mark.parametrize("form", FORMS)
def test_every_mention_form_is_shown_as_typed_never_live(form: str) -> None:
    mrkdwn = to_mrkdwn(f"hi {form} there")
    markdown = neutral_markdown(f"hi {form} there")
    assert live_mentions(mrkdwn) == [] and hidden_links(mrkdwn) == []
    assert live_mentions(markdown, markdown=True) == [] and hidden_links(markdown, markdown=True) == []
    assert markdown.replace(WJ, "") == f"hi {form} there"  # nothing lost: the word joiner is invisible
    assert live_mentions(defang(form), markdown=True) == [] and defang(form).replace(WJ, "") == form


def test_without_the_fix_the_forms_would_be_live() -> None:
    """The checker itself sees every form (so the assertions above can fail)."""
    assert all(live_mentions(f, markdown=True) or hidden_links(f) for f in FORMS)


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("[https://docs.aws.amazon.com](https://evil.example)", "<https://evil.example>"),
        ("[docs.aws.amazon.com](https://evil.example/x)", "<https://evil.example/x>"),
        ("[AWS pricing](https://aws.amazon.com/p)", "AWS pricing (<https://aws.amazon.com/p>)"),
        ("[https://a.example/](https://a.example)", "<https://a.example>"),
        ("![logo](https://evil.example/x.png)", "logo (<https://evil.example/x.png>)"),
        ("<https://evil.example|click>", "click (<https://evil.example>)"),
        ("<https://ok.example>", "<https://ok.example>"),
        ("[see](relative/page)", "see"),
    ],
)
def test_a_link_always_shows_its_real_destination(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn
    native = neutral_markdown(markdown)
    destination = mrkdwn.rsplit("<", 1)[-1].rstrip(">)") if "<" in mrkdwn else mrkdwn
    assert destination in native.replace(WJ, "")  # the stream shows it too
    assert hidden_links(to_mrkdwn(markdown)) == [] and hidden_links(native, markdown=True) == []


def test_reference_links_and_html_do_not_hide_a_destination_in_the_stream() -> None:
    text = neutral_markdown('[click][r] and <a href="https://evil.example">x</a>\n\n[r]: https://evil.example')
    assert hidden_links(text, markdown=True) == [] and "<" + WJ + "a href" in text


def test_the_bots_own_answers_keep_their_id_mentions_but_never_special_ones() -> None:
    text = to_mrkdwn("<#C0GENERAL> spent $3 · <@U0ALICE> $2 · <!channel> <@U0X|label>", mentions=True)
    assert text.startswith("<#C0GENERAL> spent $3 · <@U0ALICE> $2")
    assert live_mentions(text, allowed=("<#C0GENERAL", "<@U0ALICE")) == [] and "&lt;@U0X|label&gt;" in text


def test_code_is_kept_copyable_except_for_notifying_shapes() -> None:
    md = "```html\n<!DOCTYPE html><div>List<String></div> <!here> <@U1>\n```\nuse `Map<K, V>` not `<!channel>`"
    out = neutral_markdown(md)
    assert "<!DOCTYPE html><div>List<String></div>" in out and "`Map<K, V>`" in out
    assert live_mentions(out, markdown=True) == []
    assert to_mrkdwn(md).count("&lt;!here&gt;") == 1 and live_mentions(to_mrkdwn(md)) == []


def test_the_bots_formatting_survives() -> None:
    assert to_mrkdwn("**bold** and `code` and https://docs.aws.amazon.com/x") == (
        "*bold* and `code` and https://docs.aws.amazon.com/x"
    )
    assert neutral_markdown("**bold** and `code`\n```\nx = 1\n```") == "**bold** and `code`\n```\nx = 1\n```"


def test_nul_and_lone_surrogates_are_dropped_and_pairs_joined() -> None:
    assert clean("a\x00b\ud800c\udfffd\ud83d\ude00e\x1bf\tg\n") == "abcd😀ef\tg\n"
    assert to_mrkdwn("x\x00\ud800y") == "xy" and neutral_markdown("x\x00\ud800y") == "xy"
    assert clip_escaped("x\ud800<y", 300) == "x&lt;y" and plain("t\x00\ud800", 10)["text"] == "t"
    assert defang("t\udc00") == "t"


def test_the_plain_fallback_shows_link_destinations() -> None:
    assert to_plain("see [https://docs.aws.amazon.com](https://evil.example)") == "see https://evil.example"
    assert to_plain("[AWS](https://aws.amazon.com)") == "AWS (https://aws.amazon.com)"


def test_a_mention_split_across_stream_pieces_is_still_broken() -> None:
    """What a stream sends — `neutral_markdown` of the settled part, piece by piece — joins up to the neutral text
    of the whole answer, however the answer is cut."""
    for cut in range(1, len(INJECTIONS)):
        sent = _stream([INJECTIONS[:cut], INJECTIONS[cut:]])
        assert sent == neutral_markdown(INJECTIONS)
        assert live_mentions(sent, markdown=True) == [] and hidden_links(sent, markdown=True) == []


def test_what_is_settled_never_changes_whatever_follows() -> None:
    """A seeded search over texts made of the characters that matter: every settled prefix's neutral form is a
    prefix of the neutral form of every longer text."""
    alphabet = [*"ab <>!@#[]()`~\n:&;|", "https://x.y", "<!here>", "](", "```", "&lt;", "![", "**", "@here", "her", "e"]
    rnd = random.Random(12)
    for _ in range(150):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 24)))
        for i in range(len(text) + 1):
            ready = settled(text[:i])
            assert ready <= i
            shown = neutral_markdown(text[:ready])
            for j in range(i, len(text) + 1):
                assert neutral_markdown(text[:j]).startswith(shown), (text, i, j)


def test_settled_waits_only_for_what_can_still_change() -> None:
    assert settled("plain words <!chan") == len("plain words <!chan")  # `<` then `!`: broken already
    assert settled("see [docs](https://x") == len("see ")
    assert settled("a `code") == len("a ")
    assert settled("done [x] and `y` ok") == len("done [x] and `y` ok")
    assert settled("line\n``") == len("line\n")  # may become a fence
    assert settled("ping @her") == len("ping @")  # may become `@here`


def test_plain_at_here_is_broken_where_slack_might_link_names() -> None:
    out = neutral_markdown("@here and @channel, @everyone! but not me@here.com or @hereford")
    assert out.count("@" + WJ) == 3 and "me@here.com" in out and "@hereford" in out


def _stream(pieces: list[str]) -> str:
    raw, shown = "", ""
    for piece in pieces:
        raw += piece
        safe = neutral_markdown(raw[: settled(raw)])
        assert safe.startswith(shown)
        shown = safe
    return shown + neutral_markdown(raw)[len(shown) :]
