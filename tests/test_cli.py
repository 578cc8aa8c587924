"""The CLI as a user runs it: real subprocesses, real stdin, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.bedrock_local import LocalBedrock

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRA_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_ask_prints_one_answer_and_exits_0() -> None:
    result = run("ask", "Nova Micro price")
    assert result.returncode == 0, result.stderr
    assert "$0.035" in result.stdout and "as of 2025-03-06" in result.stdout


def test_ask_runs_slash_commands_and_reports_usage_errors_in_the_answer() -> None:
    result = run("ask", "/bedrock", "cost", "nova-pro", "200만", "50만", "batch")
    assert result.returncode == 0 and "$1.60" in result.stdout
    bad = run("ask", "/bedrock compare nova-pro")
    assert bad.returncode == 2 and "/bedrock compare" in bad.stderr
    unknown = run("ask", "/bedrock price gpt-4o")
    assert unknown.returncode == 1 and "not in the catalog" in unknown.stderr


def test_catalog_answers_do_not_import_the_heavy_stacks() -> None:
    probe = (
        "import sys, io, contextlib\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['ask', 'Nova Micro price']) == 0\n"
        "heavy = {'boto3', 'botocore', 'redis', 'slack_bolt', 'slack_sdk', 'langchain_aws', 'langchain_core'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_ask_without_a_question_is_a_usage_error() -> None:
    assert run("ask").returncode == 2


def test_console_reads_one_question_per_line_when_stdin_is_not_a_terminal() -> None:
    result = run("console", stdin="노바 마이크로 가격\n\n/bedrock price claude-3-haiku tokyo\nexit\nNova Pro price\n")
    assert result.returncode == 0, result.stderr
    assert "$0.035" in result.stdout
    assert "ap-northeast-1" in result.stdout
    assert "$0.80" not in result.stdout.split("ap-northeast-1")[-1], "input after 'exit' must not be answered"


def test_catalog_validate_reports_counts() -> None:
    result = run("catalog", "validate")
    assert result.returncode == 0, result.stderr
    assert "catalog OK" in result.stdout and "models" in result.stdout


def test_bad_setting_is_a_clear_start_up_error() -> None:
    env_run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "Nova Micro price"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BRA_DEFAULT_REGION": "mars-1"},
        timeout=60,
    )
    assert env_run.returncode != 0
    assert "BRA_DEFAULT_REGION" in env_run.stderr


def test_slack_only_subcommands_say_so_in_the_console() -> None:
    done = run("ask", "/bedrock 기본모델 nova-pro")
    assert done.returncode == 2 and "Slack에서 사용할 수 있습니다" in done.stderr


def offline_env(redis_url: str) -> dict[str, str]:
    """No AWS credentials anywhere and no endpoint: the console must start the local Bedrock endpoint itself."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRA_", "SLACK_", "AWS_", "BEDROCK_"))}
    return env | {
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
        "REDIS_URL": redis_url,
    }


def test_the_console_chats_tries_and_compares_on_the_local_endpoint(redis_client: object, redis_url: str) -> None:
    lines = [
        "RAG 파이프라인 설계할 때 주의할 점은?",
        "/bedrock try nova-pro write a haiku about Seoul",
        "more please",
        "/bedrock compare nova-micro,nova-lite Say hi",
        "/bedrock reset",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="\n".join(lines) + "\n", capture_output=True, text=True,
        cwd=ROOT, env=offline_env(redis_url), timeout=120,
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr
    # offline, the free-form question is not sent to the local endpoint's canned replies: it is said unread
    first = out.split("using the local Bedrock endpoint")[0]
    assert "질문을 이해하지 못했습니다" in first and "[로컬" not in first
    assert out.count("using the local Bedrock endpoint") == 1  # said once, when try first needs a model
    assert '[local Amazon Nova Pro] You said: "more please"' in out  # the try conversation continued
    assert "## Amazon Nova Micro" in out and "## Amazon Nova Lite" in out and "Fastest:" in out
    assert "I forgot this conversation" in out


def test_the_console_without_redis_keeps_memory_in_process() -> None:
    lines = ["/bedrock try nova-lite hello", "second message"]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="\n".join(lines) + "\n", capture_output=True, text=True,
        cwd=ROOT, env=offline_env("redis://127.0.0.1:1/15"), timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Redis is not answering" in done.stdout
    assert '[local Amazon Nova Lite] You said: "second message"' in done.stdout


def test_offline_a_free_form_question_gets_the_closest_concept_not_a_canned_reply() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "how do I use provisoned thruput"], capture_output=True, text=True,
        cwd=ROOT, env=offline_env("redis://127.0.0.1:1/15"), timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Did you mean 'Provisioned Throughput'?" in done.stdout and "no model was asked" in done.stdout
    assert "[local" not in done.stdout and "local Bedrock endpoint" not in done.stderr


def test_with_a_configured_endpoint_the_assistant_answers_free_form_questions(
    redis_client: object, redis_url: str, local_bedrock: LocalBedrock
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="RAG 파이프라인 설계할 때 주의할 점은?\n", capture_output=True,
        text=True, cwd=ROOT, env=offline_env(redis_url) | {"BEDROCK_ENDPOINT_URL": local_bedrock.url}, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "[로컬 Amazon Nova Lite]" in done.stdout and "가격 기준일" in done.stdout  # the assistant, with its footer


def test_the_console_keeps_a_policys_model_rules_but_not_its_slack_places(
    redis_client: object, redis_url: str, tmp_path: Path
) -> None:
    policy = tmp_path / "access.yaml"
    policy.write_text(
        "workspaces: [T0001]\nchannels: {allow: [CGOOD]}\ndirect_messages: false\nmodels: {deny: [nova-pro]}\n",
        encoding="utf-8",
    )
    lines = ["/bedrock try nova-lite hello there", "/bedrock try nova-pro hello there"]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="\n".join(lines) + "\n", capture_output=True, text=True,
        cwd=ROOT, env=offline_env(redis_url) | {"BRA_ACCESS_FILE": str(policy)}, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[local Amazon Nova Lite]" in done.stdout  # the console is in no workspace or channel
    assert "Amazon Nova Pro is not allowed by this workspace's policy" in done.stdout
    assert "[local Amazon Nova Pro]" not in done.stdout
