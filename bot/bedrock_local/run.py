"""`bedrock-assistant bedrock-local`: the local Bedrock endpoint as a foreground process, for running the bot,
the console or a benchmark against it from another process (scripted over `/_local/*`)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType


def run(port: int, config_path: Path | None) -> int:
    """Serve on 127.0.0.1:`port` until SIGINT or SIGTERM; exit status 0 (2 if the config or port is unusable)."""
    from bot.bedrock_local.server import LocalBedrock
    from bot.catalog.loader import load_catalog
    from bot.settings import CatalogSettings

    try:  # only the catalog settings: the endpoint needs no Slack, Redis or AWS configuration
        bedrock = LocalBedrock(load_catalog(CatalogSettings().catalog_dir), config_path).start(port=port)
    except (OSError, ValueError) as exc:
        print(f"bedrock-local: cannot start: {exc}", file=sys.stderr)
        return 2
    done = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    print(f"Local Bedrock endpoint on {bedrock.url} (replies are local and deterministic, not a real model).")
    print(f"Point the bot at it:  BEDROCK_ENDPOINT_URL={bedrock.url}")
    print(
        f"Control: {bedrock.url}/_local/health, /_local/requests, /_local/script, /_local/fault, ... Ctrl-C to stop.",
        flush=True,
    )
    try:
        while not done.wait(0.5):
            pass
    finally:
        bedrock.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("bedrock-local: stopped.", flush=True)
    return 0
