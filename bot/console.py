"""The console front end: the same use cases as Slack, rendered as text, one question per line."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.errors import BotError
from bot.qa.commands import is_command, run_command, split_command
from bot.qa.engine import Engine
from bot.qa.text import detect_lang
from bot.render_text import render
from bot.settings import Settings
from bot.subcommands import other_subcommand

QUIT = {"quit", "exit", ":q", "/quit", "/exit", "종료", "나가기"}


def build_engine(settings: Settings | None = None) -> Engine:
    s = settings or Settings.load()
    return Engine.load(
        s.catalog.catalog_dir,
        s.catalog.concepts_dir,
        default_region=s.catalog.default_region,
        default_lang=s.catalog.default_language,
        month_days=s.assistant.month_days,
    )


def reply(engine: Engine, line: str) -> tuple[str, int]:
    """One line in, the rendered reply and an exit status out (0, or the user error's own code: 2 for usage)."""
    lang = detect_lang(line, engine.parser.default_lang)
    sub, _, _ = split_command(line, engine.parser.default_lang) if is_command(line) else ("", "", lang)
    if other_subcommand(sub):
        text = (
            f"`/bedrock {sub}`은(는) Slack에서 사용할 수 있습니다. "
            "콘솔은 카탈로그 질문과 명령(가격, 비용, 비교, 추천, 모델)에 답합니다.\n"
            if lang == "ko"
            else f"`/bedrock {sub}` works in Slack. The console answers catalog questions and commands "
            "(price, cost, compare, recommend, models).\n"
        )
        return text, 2
    try:
        answer = run_command(engine, line) if is_command(line) else engine.ask(line)
    except BotError as exc:
        return exc.message(lang) + "\n", exc.exit_code
    return render(answer), 0


def answer_text(engine: Engine, line: str) -> str:
    return reply(engine, line)[0]


def run_console(stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    src, out = stdin or sys.stdin, stdout or sys.stdout
    engine = build_engine()
    interactive = src.isatty()
    if interactive:
        out.write(
            "Bedrock Assistant — console (offline: catalog answers; prices as of "
            f"{engine.catalog.prices_as_of().isoformat()}). '/bedrock help' for help, 'exit' to quit.\n"
        )
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = src.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line.lower() in QUIT:
            break
        out.write(answer_text(engine, line))
        if not interactive:
            out.write("\n")
        out.flush()
    return 0
