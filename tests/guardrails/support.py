"""Valid-looking sensitive values for the guardrail tests, computed (not copied) so the checks are real."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.settings import GuardSettings

DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "config" / "guardrails.yaml"


def rrn(front: str = "900101", back5: str = "23456", gender: str = "1") -> str:
    digits = front + gender + back5
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    check = (11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11) % 10
    return f"{front}-{gender}{back5}{check}"


def luhn(prefix: str, length: int = 16) -> str:
    body = prefix + "0" * (length - len(prefix) - 1)
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


RRN = rrn()
CARD = luhn("4111111111")
PHONE = "010-2345-6789"
EMAIL = "hong.gildong@example.co.kr"
AWS_KEY = "AKIAABCDEFGHIJKLMNOP"
SENSITIVE = (RRN, CARD, PHONE, EMAIL, RRN.replace("-", ""), "23456789")


def policy_file(tmp_path: Path, **changes: object) -> Path:
    """The shipped policy with top-level sections replaced, written to a temporary file."""
    data = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "guardrails.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def guard_settings(path: Path = DEFAULT_POLICY, **kw: object) -> GuardSettings:
    return GuardSettings(guard_policy_file=path, **kw)  # type: ignore[arg-type]
