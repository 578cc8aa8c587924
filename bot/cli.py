"""The `bedrock-assistant` command (also `python -m bot`): console, ask, catalog (validate, models, refresh), serve,
digest, bedrock-local.

Imports are lazy per mode so that `ask` and `console` start without loading boto3, redis or Slack.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import BotError

if TYPE_CHECKING:
    from bot.console import Console


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bedrock-assistant", description="Bedrock Assistant for Slack")
    sub = p.add_subparsers(dest="mode", required=True)
    sub.add_parser("console", help="interactive assistant in the terminal (offline defaults)")
    ask = sub.add_parser("ask", help="answer one question and exit")
    ask.add_argument("question", nargs="+", help='e.g. "Nova Micro 가격" or "/bedrock price nova-pro seoul"')
    cat = sub.add_parser("catalog", help="validate or query the model catalog")
    cat_sub = cat.add_subparsers(dest="action", required=True)
    cat_sub.add_parser("validate", help="load and cross-check every catalog and concept file")
    show = cat_sub.add_parser("models", help="list model keys, names and ids")
    show.add_argument("--provider", default=None)
    refresh = cat_sub.add_parser(
        "refresh", help="read prices and models from AWS, print the change report, write the generated layer"
    )
    refresh.add_argument("--dry-run", action="store_true", help="print the change report; write nothing")
    refresh.add_argument("--catalog-dir", type=Path, default=None, help="catalog folder (default: BRA_CATALOG_DIR)")
    refresh.add_argument("--lang", choices=("ko", "en"), default="en", help="language of the report (default: en)")
    sub.add_parser("serve", help="run the Slack app: Socket Mode if SLACK_APP_TOKEN is set, else HTTP on PORT")
    digest = sub.add_parser("digest", help="compute (and post) one daily cost digest")
    digest.add_argument("--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: the due day)")
    digest.add_argument("--dry-run", action="store_true", help="print the digest and write its chart; post nothing")
    digest.add_argument("--channel", default=None, help="channel id to post to (default: BRA_DIGEST_CHANNEL)")
    digest.add_argument("--chart", type=Path, default=None, help="with --dry-run: where to write the chart PNG")
    local = sub.add_parser("bedrock-local", help="run the local Bedrock-compatible endpoint on 127.0.0.1")
    local.add_argument("--port", type=int, default=8777, help="port to listen on (0: any free port)")
    local.add_argument("--config", type=Path, default=None, help="YAML file (default: config/bedrock-local.yaml)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.mode == "console":
            from bot.console import run_console

            return run_console()
        if args.mode == "ask":
            from bot.console import Console

            return _ask(Console(notes=sys.stderr), " ".join(args.question))
        if args.mode == "catalog":
            return _catalog(args)
        if args.mode == "serve":
            from bot.serve import serve
            from bot.settings import Settings

            return serve(Settings.load())
        if args.mode == "digest":
            from bot.digest.command import run_digest
            from bot.settings import Settings

            return run_digest(Settings.load(), args.date, dry_run=args.dry_run, channel=args.channel, chart=args.chart)
        if args.mode == "bedrock-local":
            from bot.bedrock_local.run import run

            return run(args.port, args.config)
    except BotError as exc:
        print(exc.message("en"), file=sys.stderr)
        return exc.exit_code
    return 2


def _ask(console: Console, question: str) -> int:
    """One answer on stdout (notices such as "using the local Bedrock endpoint" on stderr); a line that is not
    UTF-8 is repaired or refused as in the console (bot.console_input)."""
    from bot.console_input import clean_line
    from bot.qa.text import detect_lang

    try:
        line = clean_line(question)
        note = line.note(detect_lang(line.readable, "en"))
        if note is not None:
            print(note, file=sys.stderr)
        if line.text is None:
            return 2
        text, status = console.reply(line.text)
    finally:
        console.close()
    print(text, end="", file=sys.stdout if status == 0 else sys.stderr)
    return status


def _catalog(args: argparse.Namespace) -> int:
    if args.action == "refresh":
        from bot.catalog.refresh.run import run_refresh
        from bot.settings import Settings

        settings = Settings.load()
        catalog_dir = args.catalog_dir or settings.catalog.catalog_dir
        return run_refresh(settings.refresh, catalog_dir, dry_run=args.dry_run, lang=args.lang)
    from bot.console import build_engine

    engine = build_engine()
    catalog = engine.catalog
    if args.action == "validate":
        prices = sum(len(m.prices) for m in [*catalog.models.values(), *catalog.services.values()])
        print(
            f"catalog OK: {len(catalog.models)} models, {len(catalog.services)} services, {prices} price rows, "
            f"{len(catalog.regions)} regions, {len(catalog.sources)} sources, "
            f"{len(engine.concepts.concepts)} concepts; "
            f"prices as of {catalog.prices_as_of().isoformat()}"
        )
        return 0
    for model in catalog.models.values():
        if args.provider is None or model.provider.lower() == args.provider.lower():
            print(f"{model.key:28} {model.name:32} {', '.join(model.ids)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
