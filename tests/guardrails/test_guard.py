"""The pipeline object on real Redis: interventions recorded without text, reload with refusal of bad files, and
other replicas following a reload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis
from pydantic import SecretStr

from bot.caller import Caller
from bot.errors import ConfigError, GuardBlocked
from bot.guardrails.guard import Guard, where
from bot.settings import RedisSettings
from bot.store import keys
from bot.store.client import connect
from bot.store.interventions import today_in_digest_tz
from tests.guardrails.support import AWS_KEY, PHONE, RRN, guard_settings, policy_file

CALLER = Caller(team="T1", user="U1", channel="C1", thread_ts="1.1")


def readable(value: str) -> str:
    """A JSON value with its non-ASCII text as text (json.dumps escapes it), anything else as it is."""
    try:
        return json.dumps(json.loads(value), ensure_ascii=False)
    except ValueError:
        return value


def everything_in(client: redis.Redis) -> str:
    """Every key and value in the test database, as one string."""
    out = []
    for key in client.scan_iter("*"):
        kind = client.type(key)
        if kind == "string":
            out.append(f"{key}={client.get(key)}")
        elif kind == "hash":
            out.append(f"{key}={json.dumps(client.hgetall(key), ensure_ascii=False)}")
        elif kind == "list":
            out.append(f"{key}=" + "\n".join(readable(item) for item in client.lrange(key, 0, -1)))
        elif kind == "stream":
            out.append(f"{key}={client.xrange(key)}")
        elif kind == "set":
            out.append(f"{key}={client.smembers(key)}")
        else:
            out.append(f"{key}:{kind}")
    return "\n".join(out)


def test_screen_masks_records_kinds_and_never_the_values(redis_client: redis.Redis) -> None:
    guard = Guard(guard_settings(), redis_client=redis_client)
    here = where(CALLER, model="nova-pro", feature="chat")
    verdict = guard.screen(f"주민번호 {RRN} 전화 {PHONE}", "INPUT", "ko", where=here)
    assert verdict.text == "주민번호 [주민등록번호] 전화 [전화번호]"
    counts = guard.interventions.day("T1", today_in_digest_tz()) if guard.interventions else {}
    assert counts == {
        ("INPUT", "rrn", "mask", "local", "nova-pro", "C1", "U1"): 1,
        ("INPUT", "phone", "mask", "local", "nova-pro", "C1", "U1"): 1,
    }
    [event, _] = [fields for _, fields in redis_client.xrange(keys.GUARD_EVENTS)]
    assert event["kind"] == "rrn" and event["feature"] == "chat" and event["team"] == "T1"
    stored = everything_in(redis_client)
    assert RRN not in stored and PHONE not in stored and RRN.replace("-", "") not in stored
    assert redis_client.ttl(keys.guard_day("T1", today_in_digest_tz().isoformat())) > 90 * 24 * 3600


def test_a_blocked_text_raises_with_the_type_and_is_recorded(redis_client: redis.Redis) -> None:
    guard = Guard(guard_settings(), redis_client=redis_client)
    with pytest.raises(GuardBlocked) as caught:
        guard.screen(f"키는 {AWS_KEY} 입니다", "INPUT", "ko", where=where(CALLER, model="-", feature="message"))
    assert "AWS 액세스 키" in caught.value.message("ko") and AWS_KEY not in caught.value.message("ko")
    assert "AWS access key" in caught.value.message("en")
    assert AWS_KEY not in everything_in(redis_client)


def test_a_bad_file_on_reload_is_refused_and_the_old_policy_stays(redis_client: redis.Redis, tmp_path: Path) -> None:
    path = policy_file(tmp_path)
    guard = Guard(guard_settings(path), redis_client=redis_client)
    before = guard.loaded.digest
    path.write_text("entities: {rrn: hide}\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        guard.reload()
    assert guard.loaded.digest == before
    assert guard.check(f"주민번호 {RRN}", "INPUT", "ko").text == "주민번호 [주민등록번호]"


def test_a_reload_on_one_replica_reaches_the_others(redis_client: redis.Redis, tmp_path: Path) -> None:
    path = policy_file(tmp_path)
    now = [0.0]
    first = Guard(guard_settings(path, guard_reload_check_s=5), redis_client=redis_client, clock=lambda: now[0])
    other = Guard(guard_settings(path, guard_reload_check_s=5), redis_client=redis_client, clock=lambda: now[0])
    assert other.check(f"전화 {PHONE}", "INPUT", "ko").text == "전화 [전화번호]"
    path.write_text(path.read_text(encoding="utf-8").replace("phone: mask", "phone: allow"), encoding="utf-8")
    first.reload()
    assert first.check(f"전화 {PHONE}", "INPUT", "ko").text == f"전화 {PHONE}"
    assert other.check(f"전화 {PHONE}", "INPUT", "ko").text == "전화 [전화번호]"  # not yet: checks every 5 s
    now[0] = 5.0
    assert other.check(f"전화 {PHONE}", "INPUT", "ko").text == f"전화 {PHONE}"
    assert other.loaded.digest == first.loaded.digest


def test_without_redis_interventions_are_not_recorded_but_checks_still_run() -> None:
    dead = connect(RedisSettings(url=SecretStr("redis://127.0.0.1:1/0")))  # the bot's client, nothing listening
    guard = Guard(guard_settings(guard_reload_check_s=0), redis_client=dead)
    verdict = guard.screen(f"전화 {PHONE}", "INPUT", "ko", where=where(CALLER, model="-", feature="chat"))
    assert verdict.text == "전화 [전화번호]"
