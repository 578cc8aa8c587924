"""The console on a real terminal (a pseudo-terminal): line editing and history, the bound-model prompt, Ctrl-C
while typing and while an answer streams, Ctrl-D, and a line cut inside a UTF-8 character."""

from __future__ import annotations

import fcntl
import os
import re
import select
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bedrock_local import LocalBedrock
from tests.test_cli import offline_env

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 60.0  # a bound on how long to wait for the console, not a performance claim


class Terminal:
    """A console process on a pseudo-terminal it controls, so Ctrl-C reaches it as SIGINT, as in a real shell."""

    def __init__(self, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env | {"TERM": "xterm"},
            start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.seen = ""
        self._pending = ""

    def send(self, data: str | bytes) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def expect(self, pattern: str) -> str:
        """Read until `pattern` (a regex) appears after what earlier calls consumed; return the text up to it."""
        regex = re.compile(pattern)
        buffer, self._pending = self._pending, ""
        while (found := regex.search(buffer)) is None:
            ready, _, _ = select.select([self.master], [], [], WAIT_S)
            if not ready:
                raise AssertionError(f"waited for {pattern!r}; the terminal showed:\n{self.seen + buffer}")
            try:
                chunk = os.read(self.master, 65536).decode("utf-8", "replace")
            except OSError:  # the process closed the terminal
                raise AssertionError(f"the console ended before {pattern!r}:\n{self.seen + buffer}") from None
            buffer += chunk
        self.seen += buffer[: found.end()]
        self._pending = buffer[found.end() :]
        return buffer[: found.end()]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=WAIT_S)
        os.close(self.master)


@pytest.fixture
def terminal(redis_client: object, redis_url: str, local_bedrock: LocalBedrock) -> Iterator[Terminal]:
    env = offline_env(redis_url) | {"BEDROCK_ENDPOINT_URL": local_bedrock.url}
    term = Terminal(env)
    try:
        term.expect(r"Ctrl-D quits")
        yield term
    finally:
        term.close()


def test_line_editing_history_and_ctrl_d(terminal: Terminal) -> None:
    terminal.expect(r"\n> $")
    terminal.send("Nova Micro price\r")
    assert "$0.035" in terminal.expect(r"\n> $")
    terminal.send("Nova Pro pricf\x7fe\r")  # a typo fixed with backspace
    assert "$0.80" in terminal.expect(r"\n> $")
    terminal.send("\x1b[A\x1b[A\r")  # up twice: the first line again, from the history
    assert "$0.035" in terminal.expect(r"\n> $")
    terminal.send("\x04")  # Ctrl-D on an empty line
    assert terminal.proc.wait(timeout=WAIT_S) == 0
    assert "Traceback" not in terminal.seen


def test_ctrl_c_drops_the_typed_line_and_keeps_the_console(terminal: Terminal) -> None:
    terminal.expect(r"\n> $")
    terminal.send("Nova Micro pri\x03")
    terminal.expect(r"\n> $")
    terminal.send("Nova Pro price\r")
    shown = terminal.expect(r"\n> $")
    assert "$0.80" in shown and "$0.035" not in shown, "the line cancelled with Ctrl-C must not be answered"
    assert terminal.proc.poll() is None and "Traceback" not in terminal.seen


def test_the_prompt_names_the_bound_model_until_reset(terminal: Terminal) -> None:
    terminal.expect(r"\n> $")
    terminal.send("/bedrock try nova-micro hello there\r")
    shown = terminal.expect(r"\[Amazon Nova Micro\] > $")
    assert "Talking to Amazon Nova Micro" in shown and "/bedrock reset" in shown
    terminal.send("second message\r")
    assert 'You said: "second message"' in terminal.expect(r"\[Amazon Nova Micro\] > $")
    terminal.send("/bedrock reset\r")
    terminal.expect(r"\n> $")
    terminal.send("Nova Micro price\r")
    assert "$0.035" in terminal.expect(r"\n> $"), "after reset the console gives catalog answers again"


def test_ctrl_c_cancels_a_streaming_answer(terminal: Terminal, local_bedrock: LocalBedrock) -> None:
    local_bedrock.set_behaviour("nova-lite", {"tokens_per_s": 2.0})
    local_bedrock.script("one two three four five six seven eight nine ten " * 20, model="nova-lite")
    terminal.expect(r"\n> $")
    terminal.send("/bedrock try nova-lite tell me a long story\r")
    terminal.expect(r"one two")  # the answer has started streaming
    terminal.send("\x03")
    shown = terminal.expect(r"> $")
    assert "(Answer cancelled.)" in shown
    assert "Traceback" not in terminal.seen and "temporarily unavailable" not in terminal.seen
    local_bedrock.set_behaviour("nova-lite", {"tokens_per_s": 0.0})
    terminal.send("are you still there\r")
    shown = terminal.expect(r"\[Amazon Nova Lite\] > $")
    assert 'You said: "are you still there"' in shown, "the console goes on after a cancelled answer"


def test_a_line_cut_inside_a_character_on_a_terminal_is_answered(terminal: Terminal) -> None:
    """readline drops the incomplete character itself; what matters is an answer, not a traceback."""
    terminal.expect(r"\n> $")
    terminal.send(b"Nova Micro price \xea\xb0\r")  # the first two bytes of a Hangul syllable
    assert "$0.035" in terminal.expect(r"\n> $")
    assert "Traceback" not in terminal.seen


def test_piped_lines_cut_inside_a_character_are_repaired_or_refused() -> None:
    lines = b"Nova Micro price \xea\xb0\n\xb0\x80Nova Pro price\n\xff\xfe price\nexit\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input=lines, capture_output=True, cwd=ROOT, timeout=WAIT_S,
        env={k: v for k, v in os.environ.items() if not k.startswith(("BRA_", "SLACK_"))},
    )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0 and "Traceback" not in out + err
    assert out.count("broken character was left out") == 2
    assert "$0.035" in out and "$0.80" in out  # both repaired lines were answered
    assert "bytes that are not UTF-8" in out  # the third was refused, and said why


def test_ask_repairs_a_cut_argument_and_keeps_notices_off_stdout() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", os.fsdecode(b"Nova Micro price \xea\xb0")], capture_output=True,
        cwd=ROOT, timeout=WAIT_S, env={k: v for k, v in os.environ.items() if not k.startswith(("BRA_", "SLACK_"))},
    )
    assert done.returncode == 0
    assert "$0.035" in done.stdout.decode() and "broken character" not in done.stdout.decode()
    assert "broken character was left out" in done.stderr.decode()


def test_ask_prints_the_local_endpoint_notice_on_stderr(redis_client: object, redis_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "/bedrock try nova-micro hello"], capture_output=True, text=True,
        cwd=ROOT, timeout=WAIT_S, env=offline_env(redis_url),
    )
    assert done.returncode == 0, done.stderr
    assert "using the local Bedrock endpoint" in done.stderr
    assert "using the local Bedrock endpoint" not in done.stdout and "[local Amazon Nova Micro]" in done.stdout
