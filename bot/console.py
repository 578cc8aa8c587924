"""The console front end: the same use cases as Slack, rendered as text, one message per line.

Catalog questions and commands answer at once from the catalog, without loading boto3 or connecting anything.
The first line that needs a model (`/bedrock try`, `compare <m1,m2> <prompt>`, a reply in a try conversation, a
free-form question when a real model is configured) sets up chatting: Bedrock as configured
(`BEDROCK_ENDPOINT_URL`, or AWS when credentials
exist), otherwise the local Bedrock endpoint started in this process; Redis for memory when it answers,
otherwise memory in this process. Each is announced once. The console is one conversation (`/bedrock reset`).
Offline (no endpoint, no credentials) a free-form question the catalog cannot read gets the closest concept or
names as a "did you mean", not the local endpoint's canned reply.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TextIO

from bot.caller import Caller
from bot.chat.asks import parse_live
from bot.console_input import clean_line, prepare_stdin, read_line
from bot.errors import BotError
from bot.qa.commands import catalog_subcommand, is_command, run_command, split_command
from bot.qa.engine import Engine
from bot.qa.krw import ExchangeRate
from bot.qa.text import detect_lang
from bot.render_text import render, render_chat, render_comparison
from bot.settings import Settings
from bot.subcommands import other_subcommand

if TYPE_CHECKING:
    from bot.services import Services

QUIT = {"quit", "exit", ":q", "/quit", "/exit", "종료", "나가기"}
SLACK_ONLY = ("model", "status")
MAX_COMPARE = 6  # the most any deployment allows (BRA_COMPARE_MAX_MODELS); the chat path checks its own limit


def build_engine(settings: Settings | None = None) -> Engine:
    s = settings or Settings.load()
    a = s.assistant
    krw = None
    if a.krw_per_usd is not None and a.krw_rate_as_of is not None:
        krw = ExchangeRate(a.krw_per_usd, a.krw_rate_as_of, default_korean=a.krw_default_korean)
    return Engine.load(
        s.catalog.catalog_dir,
        s.catalog.concepts_dir,
        default_region=s.catalog.default_region,
        default_lang=s.catalog.default_language,
        month_days=a.month_days,
        krw=krw,
    )


class Console:
    """One console session. `out` receives streamed text and notices; `reply` returns the rest."""

    def __init__(
        self, settings: Settings | None = None, out: TextIO | None = None, notes: TextIO | None = None
    ) -> None:
        self.settings = settings or Settings.load()
        self.engine = build_engine(self.settings)
        self.out = out or sys.stdout
        self.notes = notes or self.out  # `ask` sends notices to stderr, so stdout holds only the answer
        self.caller = Caller(team="console", user="local", channel="console", thread_ts=f"{time.time():.6f}")
        self._services: Services | None = None
        self._local: Any = None  # the in-process local Bedrock endpoint, when started

    def close(self) -> None:
        if self._local is not None:
            self._local.stop()

    def services(self) -> Services:
        """Chat services, built on first use (see the module docstring)."""
        if self._services is None:
            from bot.chat.bedrock import has_credentials
            from bot.services import build_services
            from bot.store.client import answers, connect

            endpoint = self.settings.aws.bedrock_endpoint_url
            if endpoint is None and not has_credentials():
                from bot.bedrock_local import LocalBedrock

                self._local = LocalBedrock().start()
                endpoint = self._local.url
                self._note(
                    f"(no AWS credentials or BEDROCK_ENDPOINT_URL: using the local Bedrock endpoint at {endpoint}; "
                    "its replies are labelled [local …])"
                )
            client = connect(self.settings.redis)
            offline = not answers(client)
            if offline:
                self._note("(Redis is not answering: this conversation is remembered in this process only)")
            aws = self.settings.aws.model_copy(update={"bedrock_endpoint_url": endpoint})
            settings = self.settings.model_copy(update={"aws": aws})
            built = build_services(settings, client, offline=offline)
            # the console is in no workspace or channel: the policy's model rules apply, not its place rules
            self._services = replace(built, access=built.access.for_console())
        return self._services

    def _note(self, text: str) -> None:
        self.notes.write(text + "\n")
        self.notes.flush()

    def bound_model(self) -> str | None:
        """The name of the model a `try` (or `<model>: …`) bound this console to, or None for catalog answers."""
        if self._services is None:
            return None
        key = self._services.chat.bound_model(self.caller)
        if key is None:
            return None
        model = self.engine.catalog.models.get(key)
        return model.name if model is not None else key

    def prompt(self) -> str:
        """`> `, or `[Amazon Nova Lite] > ` while a conversation with a model goes on."""
        bound = self.bound_model()
        return f"[{bound}] > " if bound else "> "

    def _stream(self, piece: str) -> None:
        self.out.write(piece)
        self.out.flush()

    def reply(self, line: str) -> tuple[str, int]:
        """One line in; the rest of the reply (after anything streamed) and an exit status (0, or the user
        error's own code: 2 for usage)."""
        lang = detect_lang(line, self.engine.parser.default_lang)
        try:
            fast = self._catalog_only(line, lang)
            if fast is not None:
                return fast, 0
            return self._with_services(line), 0
        except BotError as exc:
            return exc.message(lang) + "\n", exc.exit_code
        except _SlackOnly as exc:
            return str(exc), 2

    def _catalog_only(self, line: str, lang: str) -> str | None:
        """The reply when the catalog alone answers and no conversation is going on; None otherwise."""
        if is_command(line):
            sub, args, _ = split_command(line, self.engine.parser.default_lang)
            if other_subcommand(sub) in SLACK_ONLY:
                raise _SlackOnly(_slack_only(sub, lang))
            name = catalog_subcommand(sub)
            if name is None or (name == "compare" and parse_live(self.engine, args, lang, MAX_COMPARE) is not None):
                return None
            return render(run_command(self.engine, line))
        if self._services is not None and self.bound_model() is not None:
            return None  # a conversation with a model goes on
        answer = self.engine.ask(line)
        if answer.intent != "not_understood":
            return render(answer)
        if self._offline():  # no real model to ask: the closest concept or names, as a "did you mean"
            return render(self.engine.closest(line))
        return None

    def _offline(self) -> bool:
        """True when no real model is reachable: no endpoint configured and no AWS credentials, so chat would
        run on the in-process local endpoint, whose replies are canned."""
        if self._local is not None:
            return True
        if self.settings.aws.bedrock_endpoint_url is not None:
            return False
        from bot.chat.bedrock import has_credentials

        return not has_credentials()

    def _with_services(self, line: str) -> str:
        from bot.chat.asks import ChatAsk, CompareAsk
        from bot.commands import answer_message

        services = self.services()
        match answer_message(services, self.caller, line):
            case ChatAsk() as ask:
                if ask.bind and ask.feature == "try":
                    services.chat.reset(self.caller)  # try starts a new conversation, as a new Slack thread does
                result = services.chat.turn(self.caller, ask, self._stream)
                return render_chat(result)
            case CompareAsk() as ask:
                estimate = services.comparer.estimate(self.caller, ask)
                head = "\n".join(estimate.lines) + "\n\n"
                return head + render_comparison(services.comparer.run(self.caller, ask))
            case answer:
                return render(answer)


class _SlackOnly(Exception):
    pass


def _slack_only(sub: str, lang: str) -> str:
    if lang == "ko":
        return (
            f"`/bedrock {sub}`은(는) Slack에서 사용할 수 있습니다. "
            "콘솔은 카탈로그 질문과 명령, 모델과의 대화(try, compare)에 답합니다.\n"
        )
    return (
        f"`/bedrock {sub}` works in Slack. The console answers catalog questions and commands, and chats with "
        "models (try, compare).\n"
    )


def run_console(stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """The console loop: a prompt that names the model a `try` bound it to; Ctrl-C cancels the line being typed
    or the answer being written, Ctrl-D (end of input) or `exit` quits with status 0."""
    src, out = stdin or sys.stdin, stdout or sys.stdout
    prepare_stdin(src)
    console = Console(out=out)
    interactive = src.isatty()
    if interactive:
        out.write(
            "Bedrock Assistant — console (catalog answers offline; prices as of "
            f"{console.engine.catalog.prices_as_of().isoformat()}; free-form questions, `/bedrock try <model> "
            "<prompt>` and `/bedrock compare <m1,m2> <prompt>` chat with models). "
            "'/bedrock help' for help, Ctrl-C cancels an answer, 'exit' or Ctrl-D quits.\n"
        )
    try:
        while _one_line(console, src, out, interactive):
            pass
    finally:
        console.close()
    return 0


def _one_line(console: Console, src: TextIO, out: TextIO, interactive: bool) -> bool | None:
    """Read and answer one line; None when the console should stop."""
    bound = console.bound_model() if interactive else None
    try:
        raw = read_line(src, console.prompt() if interactive else "", out)
    except KeyboardInterrupt:  # Ctrl-C while typing: drop the line, prompt again
        out.write("\n")
        return True
    if raw is None:
        if interactive:
            out.write("\n")
        return None
    line = clean_line(raw.rstrip("\r\n"))
    lang = detect_lang(line.readable, console.engine.parser.default_lang)
    if (note := line.note(lang)) is not None:
        out.write(note + "\n")
    text = (line.text or "").strip()
    if not text:
        return True
    if text.lower() in QUIT:
        return None
    try:
        out.write(console.reply(text)[0])
    except KeyboardInterrupt:  # Ctrl-C while the answer is written: stop it, keep the console
        out.write("\n" + ("(답변을 취소했습니다.)" if lang == "ko" else "(Answer cancelled.)") + "\n")
    if interactive and (now := console.bound_model()) != bound and now is not None:
        out.write(_bound_hint(now, lang))
    if not interactive:
        out.write("\n")
    out.flush()
    return True


def _bound_hint(model: str, lang: str) -> str:
    if lang == "ko":
        return f"({model}와(과) 대화 중입니다. 카탈로그 답변으로 돌아가려면 `/bedrock reset`을 입력하세요.)\n"
    return f"(Talking to {model}. Type `/bedrock reset` to return to catalog answers.)\n"
