"""The guardrail pipeline: accuracy on the labelled corpus, latency per message, and start-up cost.

Goals (issue 5): recall >= 0.98 on valid entities and false-positive rate <= 2 % on look-alikes, per entity type,
on the corpus (`tests/data/guardrails/corpus.yaml`); a 500-character Korean message through the pipeline in
p99 < 10 ms.

Run from the repository root (no Redis, no network):
    .venv/bin/python -m benchmarks.bench_guardrails [--runs 5000] [--startups 5]

1. Accuracy: every corpus sample through the shipped policy (`config/guardrails.yaml`). Per entity type: recall
   over the labelled values (a value counts when a finding of its type covers it) and the false-positive rate over
   the look-alikes labelled with that type (any finding of the type in the sample). Denied topics and prompt
   attacks: recall over their samples, false positives over the near-misses and the plain samples.
2. Latency: `Guard.check(text, "INPUT", "ko")` — the local pipeline every message passes (PII and custom regexes,
   word filters, denied topics, prompt attacks, masking) — on a fixed 500-character Korean message with five
   values in it, after a warm-up, timed with `time.perf_counter`; also a clean 500-character message, the same five
   values typed the way people do (full-width digits, a two-part RRN, an IDN e-mail, dots and spaces), the longest
   message the bot takes (12,000 characters), and a streamed 2,000-character answer in 4-character pieces
   (`StreamGuard`, total per answer). Bedrock Guardrails (a network call) is not part of these figures.
3. Start-up: a fresh interpreter importing the pipeline and loading + compiling the policy, median of --startups.

Prints the figures and PASS/MISS per goal; exits 0 either way (1 when a part cannot run).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from benchmarks.slack_server import percentile
from bot.guardrails.guard import Guard
from bot.guardrails.pii import ENTITY_TYPES
from bot.settings import GuardSettings

GOAL_RECALL = 0.98
GOAL_FPR = 0.02
GOAL_P99_MS = 10.0
WARM_UP = 200

MESSAGE_KO = (
    "안녕하세요, 리테일여신팀 김민수입니다. 어제 상담한 고객 건으로 문의드립니다. "
    "고객 주민등록번호는 900101-1234568 이고 연락처는 010-2345-6789, 이메일은 minsu.kim@example.co.kr 입니다. "
    "결제 카드 4111-1111-1111-1111 로 자동이체를 신청했는데 국민은행 계좌 123456-78-901234 로 변경하고 싶다고 합니다. "
    "변경 절차와 필요한 서류, 그리고 처리 기간이 얼마나 걸리는지 정리해 주세요. "
    "가능하면 고객 안내 문자 초안도 함께 부탁드립니다. 지난달 비슷한 건에서는 영업점 방문이 필요했는데 "
    "이번에는 비대면으로 가능한지도 확인 부탁드립니다. 감사합니다. 추가로 금리 우대 조건도 같이 안내하면 좋겠습니다. "
    "고객은 급여이체와 카드 실적 조건을 충족하고 있고, 우대금리 적용 시점이 언제인지 궁금해합니다. "
    "참고로 고객은 다음 주 화요일 오후에 다시 연락을 주기로 했으니 그 전에 답변을 받을 수 있으면 좋겠습니다. "
    "관련 규정 문서 링크도 있으면 같이 보내 주세요."
)
CLEAN_KO = (
    "안녕하세요, 플랫폼팀입니다. 이번 분기 생성형 AI 도입 현황을 정리하고 있습니다. "
    "상담 요약, 문서 검색, 코드 리뷰 세 가지 업무에서 모델별 응답 품질과 비용을 비교하려고 합니다. "
    "Nova Pro 와 Claude 3.5 Haiku 의 서울 리전 가격, 컨텍스트 길이, 프롬프트 캐싱 지원 여부를 표로 정리해 주세요. "
    "월 1,250,000원 예산 안에서 하루 2만 건 요청을 처리하려면 어떤 조합이 좋을지도 의견 부탁드립니다. "
    "응답 지연은 3초 이내가 목표이고, 스트리밍이 가능해야 합니다. "
    "보안 검토 일정은 2024-11-22 로 잡혀 있으니 그 전에 초안을 받아 보고 싶습니다. "
    "주문번호 20241122-000123 건과는 별개입니다. 참고로 현재 사용하는 버전은 v2.3.1 이고, 로그 보관 기간은 90일입니다. "
    "추가로 RAG 파이프라인의 청크 크기와 임베딩 모델도 추천해 주세요. 검토 회의는 목요일 오전 10시입니다. "
    "회의 전에 자료를 공유 드라이브에 올려 주시면 정말 감사하겠습니다."
)


TYPED_KO = (  # the same length, with the values typed as people do (issue 12): full width, split, IDN, dots, spaces
    MESSAGE_KO.replace("900101-1234568 이고", "앞자리 900101, 뒷자리 1234568 이고")
    .replace("010-2345-6789", "０１０－２３４５－６７８９")
    .replace("minsu.kim@example.co.kr", "김민수@예시.한국")
    .replace("4111-1111-1111-1111", "4111.1111.1111.1111")
    .replace("123456-78-901234", "123456 78 901234")
)


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    for _ in range(min(WARM_UP, runs)):
        fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def accuracy(guard: Guard) -> bool:
    from tests.guardrails.corpus import load, score_entities, score_labels

    samples = load()
    local = guard.local

    def find(text: str) -> list[tuple[str, int, int]]:
        return [(f.kind, f.start, f.end) for f in local.spans(text) if f.kind in ENTITY_TYPES]

    def labels(prefix: str) -> Callable[[str], set[str]]:
        def classify(text: str) -> set[str]:
            verdict = local.check(text, "INPUT", "ko")
            return {h.kind.removeprefix(prefix) for h in verdict.hits if h.kind.startswith(prefix)}

        return classify

    print(f"1. Accuracy on the corpus ({len(samples)} samples)")
    print(f"   {'type':<16}{'values':>8}{'recall':>9}{'look-alikes':>13}{'FPR':>8}  goal")
    ok = True
    for kind, score in sorted(score_entities(samples, find).items()):
        good = score.recall >= GOAL_RECALL and score.fpr <= GOAL_FPR
        ok &= good
        print(
            f"   {kind:<16}{score.positives:>8}{score.recall:>9.3f}{score.lookalikes:>13}{score.fpr:>8.1%}"
            f"  {'PASS' if good else 'MISS'}"
        )
    for field, prefix in (("topic", "topic:"), ("attack", "attack:")):
        for name, label_score in sorted(score_labels(samples, field, labels(prefix)).items()):
            print(
                f"   {field}:{name:<24} recall {label_score.recall:.3f} over {label_score.positives}, "
                f"false positives {label_score.false_positives}/{label_score.negatives} ({label_score.fpr:.1%})"
            )
    print(f"   entity goals (recall >= {GOAL_RECALL}, FPR <= {GOAL_FPR:.0%} per type): {'PASS' if ok else 'MISS'}")
    return ok


def latency(guard: Guard, runs: int) -> None:
    print(f"2. Latency of the local pipeline, {runs} runs each (after {WARM_UP} warm-up runs)")
    long = ((CLEAN_KO + " " + MESSAGE_KO + " ") * 15)[:12_000]
    cases = {
        f"500-char Korean message with 5 values ({len(MESSAGE_KO)} chars)": MESSAGE_KO,
        f"500-char Korean message, nothing to mask ({len(CLEAN_KO)} chars)": CLEAN_KO,
        f"the 5 values typed as people do (full width, split, IDN, dots; {len(TYPED_KO)} chars)": TYPED_KO,
        f"longest message the bot takes ({len(long):,} chars)": long,
    }
    for i, (name, text) in enumerate(cases.items()):
        times = timed(lambda t=text: guard.check(t, "INPUT", "ko"), runs if i < 3 else max(50, runs // 20))
        line = f"   {name}: p50 {percentile(times, 50):.3f} ms, p99 {percentile(times, 99):.3f} ms"
        if i == 0:
            line += f" (goal p99 < {GOAL_P99_MS:.0f} ms: {'PASS' if percentile(times, 99) < GOAL_P99_MS else 'MISS'})"
        print(line)
    answer = (MESSAGE_KO + "\n" + CLEAN_KO + "\n") * 2

    def stream() -> None:
        sg = guard.stream(lambda _: None, "ko")
        for i in range(0, len(answer), 4):
            sg(answer[i : i + 4])
        sg.finish()

    times = timed(stream, max(50, runs // 20))
    print(
        f"   streamed answer ({len(answer):,} chars in 4-char pieces, whole answer): "
        f"p50 {percentile(times, 50):.2f} ms, p99 {percentile(times, 99):.2f} ms"
    )


def startup(n: int) -> None:
    code = (
        "import time; t=time.perf_counter();"
        "from bot.guardrails.guard import Guard; from bot.settings import GuardSettings;"
        "i=time.perf_counter(); Guard(GuardSettings(), redis_client=None); b=time.perf_counter();"
        "print((i-t)*1000, (b-i)*1000)"
    )
    imports, builds = [], []
    for _ in range(n):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        a, b = (float(x) for x in out.split())
        imports.append(a)
        builds.append(b)
    print(
        f"3. Start-up, median of {n} fresh interpreters: import {statistics.median(imports):.1f} ms "
        f"(includes settings and the modules they pull), load + validate + compile the policy "
        f"{statistics.median(builds):.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5000, help="timed runs per latency figure")
    parser.add_argument("--startups", type=int, default=5, help="fresh interpreters for the start-up figure")
    args = parser.parse_args(argv)
    guard = Guard(GuardSettings(), redis_client=None)
    accuracy(guard)
    latency(guard, args.runs)
    startup(args.startups)
    return 0


if __name__ == "__main__":
    sys.exit(main())
