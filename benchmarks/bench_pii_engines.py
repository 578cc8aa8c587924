"""Our PII detector (`bot.guardrails.pii`) against presidio-analyzer on the entity types both cover (goal: ours
finds at least as much with no more false positives, answers a 500-character Korean message in under 1 ms at p99,
and imports + builds in a few ms).

Run from the repository root:
    .venv/bin/python -m benchmarks.bench_pii_engines [--runs 1000] [--cold 3]
Presidio is not a project dependency. Without it only our engine is reported (install it in a separate venv, not
in the project's, e.g. `python -m venv /tmp/pv && /tmp/pv/bin/pip install presidio-analyzer`, then run the script
with that interpreter: `PYTHONPATH=$PWD /tmp/pv/bin/python -m benchmarks.bench_pii_engines`).

For each engine:
- import + construction, in a fresh interpreter (`python -c`), so modules and regexes already loaded by this process
  do not flatter the engine measured second; the median of --cold runs (interpreter start-up itself excluded, the
  stdlib modules every real process has already loaded, bytecode cached in a temporary PYTHONPYCACHEPREFIX);
- latency p50/p99 of one call over --runs calls on a fixed ~500-character Korean message holding several entities,
  after a warm-up;
- recall and false positives per type on LABELLED (about 40 strings: valid entities, and look-alikes such as dates,
  amounts, order numbers, versions, times, product codes, check-digit failures), for the types both engines have:
  rrn, frn, passport, card, ip. A finding is a hit when its type matches and its span overlaps a labelled entity of
  that type; any other finding of that type is a false positive. Presidio is scored at threshold 0 (all it returns)
  and at 0.5 (its low-confidence patterns, e.g. passports at 0.05, drop out).

Presidio's setup: AnalyzerEngine + RecognizerRegistry + NoOpNlpEngine (no spaCy model is loaded, so presidio cannot
use context words found in the text) with KrRrnRecognizer, KrFrnRecognizer, KrPassportRecognizer,
CreditCardRecognizer and IpRecognizer for language "ko". Not its EmailRecognizer nor anything built on tldextract:
tldextract downloads the public suffix list from the internet on first use, which a bank's server must not do.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from bot.guardrails.pii import PiiDetector

ROOT = Path(__file__).resolve().parent.parent
SHARED = ("rrn", "frn", "passport", "card", "ip")
PRESIDIO_TYPES = {"KR_RRN": "rrn", "KR_FRN": "frn", "KR_PASSPORT": "passport", "CREDIT_CARD": "card",
                  "IP_ADDRESS": "ip"}
PRESIDIO_THRESHOLDS = (0.0, 0.5)
GOAL_P99_MS = 1.0
GOAL_BUILD_MS = 10.0
WARM_UP = 50

Span = tuple[str, int, int]  # kind, start, end
Engine = Callable[[str], list[Span]]

_PRELOAD = "import collections, dataclasses, enum, functools, json, logging, re, typing\n"
_OURS_COLD = """
import json, time
t0 = time.perf_counter()
from bot.guardrails.pii import PiiDetector
t1 = time.perf_counter()
PiiDetector()
t2 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "build_ms": (t2 - t1) * 1e3}))
"""

_PRESIDIO_COLD = """
import json, logging, time
t0 = time.perf_counter()
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer, IpRecognizer, KrFrnRecognizer, KrPassportRecognizer, KrRrnRecognizer)
t1 = time.perf_counter()
logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
registry = RecognizerRegistry(supported_languages=["ko"])
for cls in (KrRrnRecognizer, KrFrnRecognizer, KrPassportRecognizer, CreditCardRecognizer, IpRecognizer):
    registry.add_recognizer(cls(supported_language="ko"))
AnalyzerEngine(registry=registry, supported_languages=["ko"],
               nlp_engine=NoOpNlpEngine(models=[{"lang_code": "ko", "model_name": "noop"}]))
t2 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "build_ms": (t2 - t1) * 1e3}))
"""


# --- data -------------------------------------------------------------------------------------------------------------


def _registration(birth: str, first: str, serial: str, *, foreigner: bool = False, sep: str = "-") -> str:
    body = birth + first + serial
    total = sum(int(d) * w for d, w in zip(body, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=True))
    return f"{birth}{sep}{first}{serial}{((13 if foreigner else 11) - total % 11) % 10}"


def _card(prefix: str, length: int, sizes: tuple[int, ...] = (), sep: str = " ") -> str:
    partial = prefix + "3" * (length - 1 - len(prefix))
    total = sum((d * 2 - 9 if d > 4 else d * 2) if i % 2 == 0 else d
                for i, d in enumerate(int(c) for c in reversed(partial)))
    number = partial + str((10 - total % 10) % 10)
    if not sizes:
        return number
    cuts = [sum(sizes[:i]) for i in range(len(sizes) + 1)]
    return sep.join(number[a:b] for a, b in pairwise(cuts))


def _broken(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def labelled() -> list[tuple[str, list[tuple[str, str]]]]:
    """(text, [(type, value), ...]) for the shared types; an empty list marks a look-alike."""
    rrn_a, rrn_b = _registration("900101", "1", "23456"), _registration("031231", "4", "01234", sep="")
    rrn_c, frn_a = _registration("750615", "2", "98765"), _registration("850220", "5", "12345", foreigner=True)
    frn_b = _registration("010709", "8", "54321", foreigner=True, sep="")
    visa, mastercard = _card("4", 16, (4, 4, 4, 4)), _card("5412", 16)
    amex, jcb, domestic = _card("37", 15, (4, 6, 5)), _card("3528", 16, (4, 4, 4, 4), "-"), _card("9410", 16)
    return [
        (f"주민번호 {rrn_a}입니다", [("rrn", rrn_a)]),
        (f"고객 주민등록번호는 {rrn_b}로 확인했습니다", [("rrn", rrn_b)]),
        (f"RRN: {rrn_c}.", [("rrn", rrn_c)]),
        (f"주민등록번호 {_broken(rrn_c)} (2021년 발급)", [("rrn", _broken(rrn_c))]),  # no check digit since 2020
        (f"외국인등록번호 {frn_a} 제출", [("frn", frn_a)]),
        (f"FRN {frn_b}로 등록", [("frn", frn_b)]),
        ("여권번호 M12345678입니다", [("passport", "M12345678")]),
        ("passport M123A4567 expires soon", [("passport", "M123A4567")]),
        ("여권번호: 123456789", [("passport", "123456789")]),
        (f"카드번호 {visa}로 결제", [("card", visa)]),
        (f"card {mastercard}", [("card", mastercard)]),
        (f"아멕스 {amex} 승인", [("card", amex)]),
        (f"JCB {jcb}", [("card", jcb)]),
        (f"국내 전용 카드 {domestic}", [("card", domestic)]),
        ("서버 192.168.0.1로 접속", [("ip", "192.168.0.1")]),
        ("IP: 203.0.113.45.", [("ip", "203.0.113.45")]),
        ("2001:db8::1 에서 요청", [("ip", "2001:db8::1")]),
        ("링크 로컬 fe80::1ff:fe23:4567:890a", [("ip", "fe80::1ff:fe23:4567:890a")]),
        ("매핑 주소 ::ffff:192.0.2.1", [("ip", "::ffff:192.0.2.1")]),
        (f"처리번호 {_broken(rrn_a)} 확인 바랍니다", []),
        ("주민번호 901301-1234567", []),
        (f"주민번호 {rrn_a.replace('-', '')}1", []),
        ("주문번호 20241122-000123 배송 시작", []),
        ("결제 금액 1,250,000원, 2024-11-22 14:30 처리", []),
        ("대표번호 1588-1234로 문의", []),
        ("연락처 010-1234-5678", []),
        ("신한 110-123-456789로 이체", []),
        ("사업자등록번호 123-45-67890", []),
        (f"카드번호 {_broken(visa)}", []),
        (f"번호 {_card('1', 16)}", []),
        ("v1.2.3.4 배포 완료", []),
        ("버전 1.2.3.4 업데이트", []),
        ("파이썬 3.11.4 사용", []),
        ("회의 12:30:45 시작", []),
        ("01.02.03.04", []),
        ("256.1.1.1", []),
        ("MAC 00:1a:2b:3c:4d:5e", []),
        ("std::vec::Vec", []),
        ("커밋 da39a3ee5e6b4b0d3255bfef95601890afd80709", []),
        ("새 맥북 M2 Pro 주문", []),
        ("모델 M1234567 재고", []),
        ("부품 MX-12345678", []),
    ]


def latency_message() -> str:
    """About 500 characters of a support conversation with seven entities and a dozen look-alikes."""
    rrn, card = _registration("900101", "1", "23456"), _card("4", 16, (4, 4, 4, 4))
    return (
        "안녕하세요, 고객지원팀입니다. 어제 문의하신 건 관련해서 확인 부탁드립니다. 고객명 홍길동 님의 연락처는 "
        f"010-1234-5678이고, 이메일은 hong.gildong@example.co.kr으로 등록되어 있습니다. 주민등록번호 {rrn} 확인했고, "
        f"환불은 신한 110-123-456789 계좌로 이체 예정입니다. 결제 카드는 {card} 입니다. 주문번호 20241122-000123, "
        "금액 1,250,000원, 처리일 2024-11-22 14:30:00. 접속 IP는 203.0.113.45 였고 앱 버전 3.11.4, 빌드 v1.2.3.4 "
        "입니다. 대표번호 1588-1234로 문의 주시면 상담사가 안내해 드립니다. 여권번호는 M12345678 입니다. 추가로 "
        "궁금하신 점은 언제든지 말씀해 주세요. 처리 결과는 영업일 기준 3일 이내에 문자로 안내되며, 지연될 경우 "
        "담당자가 직접 연락드리겠습니다. 감사합니다. 좋은 하루 보내세요!"
    )


# --- engines ----------------------------------------------------------------------------------------------------------


def ours(types: tuple[str, ...] | None = None) -> Engine:
    detector = PiiDetector() if types is None else PiiDetector(types=types)
    return lambda text: [(f.kind, f.start, f.end) for f in detector.find(text)]


def presidio(threshold: float) -> Engine | None:
    """None when presidio-analyzer is not installed in this interpreter."""
    try:
        import logging

        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # type: ignore[import-not-found,unused-ignore]
        from presidio_analyzer.nlp_engine import NoOpNlpEngine  # type: ignore[import-not-found,unused-ignore]
        from presidio_analyzer.predefined_recognizers import (  # type: ignore[import-not-found,unused-ignore]
            CreditCardRecognizer,
            IpRecognizer,
            KrFrnRecognizer,
            KrPassportRecognizer,
            KrRrnRecognizer,
        )
    except ImportError:
        return None
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    registry = RecognizerRegistry(supported_languages=["ko"])
    for cls in (KrRrnRecognizer, KrFrnRecognizer, KrPassportRecognizer, CreditCardRecognizer, IpRecognizer):
        registry.add_recognizer(cls(supported_language="ko"))
    engine = AnalyzerEngine(registry=registry, supported_languages=["ko"],
                            nlp_engine=NoOpNlpEngine(models=[{"lang_code": "ko", "model_name": "noop"}]))

    def find(text: str) -> list[Span]:
        results = engine.analyze(text, language="ko", score_threshold=threshold)
        return [(PRESIDIO_TYPES[r.entity_type], r.start, r.end) for r in results if r.entity_type in PRESIDIO_TYPES]

    return find


# --- measures ---------------------------------------------------------------------------------------------------------


def cold_start(code: str, runs: int) -> dict[str, float]:
    """Median import and build time over `runs` fresh interpreters, after one unmeasured run. Bytecode goes to a
    temporary PYTHONPYCACHEPREFIX (so neither engine is timed compiling source, whatever PYTHONDONTWRITEBYTECODE
    says, and nothing is written into the tree); the stdlib modules any real process has are preloaded."""
    with tempfile.TemporaryDirectory(prefix="bench-pii-pycache-") as cache_dir:
        env = dict(os.environ, PYTHONPYCACHEPREFIX=cache_dir,
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        samples: list[dict[str, float]] = []
        for _ in range(runs + 1):
            out = subprocess.run([sys.executable, "-c", _PRELOAD + code], cwd=ROOT, env=env, capture_output=True,
                                 text=True, timeout=60, check=True).stdout
            samples.append(json.loads(out.strip().splitlines()[-1]))
    return {key: statistics.median(s[key] for s in samples[1:]) for key in samples[0]}


def latency(engine: Engine, text: str, runs: int) -> tuple[float, float]:
    for _ in range(WARM_UP):
        engine(text)
    times: list[int] = []
    for _ in range(runs):
        started = time.perf_counter_ns()
        engine(text)
        times.append(time.perf_counter_ns() - started)
    times.sort()
    return times[len(times) // 2] / 1e6, times[min(len(times) - 1, int(len(times) * 0.99))] / 1e6


def score(
    engine: Engine, data: list[tuple[str, list[tuple[str, str]]]]
) -> tuple[dict[str, tuple[int, int, int]], list[str]]:
    """type -> (hits, labelled, false positives), and a line per miss or false positive."""
    table = {kind: [0, 0, 0] for kind in SHARED}
    notes: list[str] = []
    for text, labels in data:
        spans = [(kind, text.index(value), text.index(value) + len(value)) for kind, value in labels]
        got = [g for g in engine(text) if g[0] in table]
        for kind, start, end in spans:
            table[kind][1] += 1
            if any(g[0] == kind and g[1] < end and start < g[2] for g in got):
                table[kind][0] += 1
            else:
                notes.append(f"missed {kind} {text[start:end]!r} in {text!r}")
        for kind, start, end in got:
            if not any(s[0] == kind and s[1] < end and start < s[2] for s in spans):
                table[kind][2] += 1
                notes.append(f"false {kind} {text[start:end]!r} in {text!r}")
    return {kind: (h, n, fp) for kind, (h, n, fp) in table.items()}, notes


def installed_mb(root: str) -> tuple[float, list[tuple[str, float]]]:
    """Size on disk of a distribution and everything it requires (non-extra), with the largest five."""
    from importlib import metadata

    sizes: dict[str, float] = {}
    todo = [root]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in sizes:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        total = 0
        for file in dist.files or []:
            with contextlib.suppress(OSError):
                total += Path(str(dist.locate_file(file))).stat().st_size
        sizes[name] = total / 1e6
        todo += [re.split(r"[ ;<>=!~\[(]", req, maxsplit=1)[0] for req in dist.requires or [] if "extra ==" not in req]
    return sum(sizes.values()), sorted(sizes.items(), key=lambda kv: -kv[1])[:5]


def _print_scores(name: str, scored: tuple[dict[str, tuple[int, int, int]], list[str]], verbose: bool) -> None:
    table, notes = scored
    cells = "  ".join(f"{kind} {h}/{n} fp {fp}" for kind, (h, n, fp) in table.items())
    hits, total, fps = (sum(v[i] for v in table.values()) for i in range(3))
    print(f"  {name:<24} {cells}  | all {hits}/{total} ({100 * hits / total:.0f}%) fp {fps}")
    for note in notes if verbose else ():
        print(f"      {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1000, help="timed calls per engine (default 1000)")
    parser.add_argument("--cold", type=int, default=3, help="fresh interpreters per engine for import+build")
    parser.add_argument("--verbose", action="store_true", help="list every miss and false positive")
    args = parser.parse_args(argv)
    message, data = latency_message(), labelled()
    have_presidio = presidio(0.0) is not None
    print(f"python {sys.version.split()[0]} ({sys.executable}); message {len(message)} characters; "
          f"{len(data)} labelled strings, {sum(len(labels) for _, labels in data)} entities")

    print(f"\nimport + construction (fresh interpreter with bytecode cached and common stdlib modules loaded, "
          f"median of {args.cold}):")
    cold = cold_start(_OURS_COLD, args.cold)
    print(f"  ours      import {cold['import_ms']:8.1f} ms  build {cold['build_ms']:7.1f} ms")
    ours_build = cold["import_ms"] + cold["build_ms"]
    if have_presidio:
        cold = cold_start(_PRESIDIO_COLD, args.cold)
        print(f"  presidio  import {cold['import_ms']:8.1f} ms  build {cold['build_ms']:7.1f} ms")

    print(f"\nlatency per call on the {len(message)}-character message ({args.runs} runs):")
    engines: list[tuple[str, Engine]] = [("ours, all 11 types", ours()), ("ours, the 5 shared types", ours(SHARED))]
    presidio_engine = presidio(0.0)
    if presidio_engine is not None:
        engines.append(("presidio, 5 recognizers", presidio_engine))
    ours_p99 = 0.0
    for name, engine in engines:
        p50, p99 = latency(engine, message, args.runs)
        ours_p99 = max(ours_p99, p99) if name.startswith("ours") else ours_p99
        found = ", ".join(f"{kind}={message[s:e]}" for kind, s, e in engine(message))
        print(f"  {name:<26} p50 {p50:7.3f} ms  p99 {p99:7.3f} ms   found: {found}")

    print("\nrecall (hits/labelled) and false positives per type, on the labelled strings:")
    ours_scored = score(ours(SHARED), data)
    ours_table = ours_scored[0]
    _print_scores("ours", ours_scored, args.verbose)
    best_presidio_fp = None
    for threshold in PRESIDIO_THRESHOLDS if have_presidio else ():
        at_threshold = presidio(threshold)
        assert at_threshold is not None
        scored = score(at_threshold, data)
        _print_scores(f"presidio (score >= {threshold})", scored, args.verbose)
        fps = sum(v[2] for v in scored[0].values())
        best_presidio_fp = fps if best_presidio_fp is None else min(best_presidio_fp, fps)

    if have_presidio:
        total, top = installed_mb("presidio-analyzer")
        print(f"\ninstalled size of presidio-analyzer and its requirements: {total:.0f} MB "
              f"(largest: {', '.join(f'{n} {mb:.0f} MB' for n, mb in top)})")
    else:
        print("\npresidio-analyzer is not installed in this interpreter, so only our engine is reported. To compare, "
              "install it in a separate venv (not the project's): `python -m venv /tmp/pv && /tmp/pv/bin/pip install "
              "presidio-analyzer`, then `PYTHONPATH=$PWD /tmp/pv/bin/python -m benchmarks.bench_pii_engines` "
              "(or `.venv/bin/pip install presidio-analyzer` if you accept it in this venv).")
    ours_size = sum((ROOT / "bot" / "guardrails" / f).stat().st_size for f in ("pii.py", "checksums.py", "findings.py"))
    print(f"ours: {ours_size / 1e3:.0f} kB of stdlib-only source")
    print("not compared: presidio's EmailRecognizer and anything built on tldextract (it downloads the public suffix "
          "list from the internet on first use); phone, bank account and secrets (no Korean presidio recognizers)")

    hits = sum(v[0] for v in ours_table.values())
    wanted = sum(v[1] for v in ours_table.values())
    ok = ours_p99 < GOAL_P99_MS and ours_build < GOAL_BUILD_MS and hits == wanted and \
        (best_presidio_fp is None or sum(v[2] for v in ours_table.values()) <= best_presidio_fp)
    print(f"\ngoal: ours p99 < {GOAL_P99_MS:.0f} ms ({ours_p99:.3f}), import + build < {GOAL_BUILD_MS:.0f} ms "
          f"({ours_build:.1f}), every labelled entity found ({hits}/{wanted}), no more false positives than "
          f"presidio: {'PASS' if ok else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
