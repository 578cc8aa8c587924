"""Keyword tables for reading questions: intents and the entities that are not catalog names
(modes, modalities, features, providers). Korean and English; matched on `normalize`d text.

To add a question type: add an `Intent`, its words here, a rule in `bot.qa.parse.choose_intent`, a handler
in `bot.qa.engine`, and questions in `tests/qa/questions.yaml`.
"""

from __future__ import annotations

from enum import StrEnum

from bot.catalog.schema import Modality, Mode


class Intent(StrEnum):
    help = "help"
    price = "price"
    estimate = "estimate"
    compare = "compare"
    recommend = "recommend"
    list_models = "list_models"
    availability = "availability"
    specs = "specs"
    concept = "concept"
    service = "service"
    unknown_model = "unknown_model"
    not_understood = "not_understood"
    lifecycle = "lifecycle"
    dimension = "dimension"


INTENT_WORDS: dict[Intent, tuple[str, ...]] = {
    Intent.help: (
        "도움말",
        "도움",
        "사용법",
        "뭘 할 수",
        "뭐 할 수",
        "무엇을 할 수",
        "help",
        "what can you do",
        "how to use",
    ),
    Intent.compare: (
        "비교",
        "차이",
        "대비",
        "vs",
        "versus",
        "compare",
        "comparison",
        "difference",
        "뭐가 더",
        "어느 게",
        "어떤 게 더",
    ),
    Intent.recommend: (
        "제일 싼",
        "가장 싼",
        "제일 저렴",
        "가장 저렴",
        "최저가",
        "싼 모델",
        "저렴한 모델",
        "추천",
        "골라",
        "적합",
        "어떤 모델",
        "무슨 모델",
        "cheapest",
        "lowest price",
        "least expensive",
        "cheap model",
        "recommend",
        "suggest",
        "which model",
        "best model",
        "what model",
    ),
    Intent.estimate: (
        "얼마",
        "비용",
        "예상",
        "돌리면",
        "쓰면",
        "처리하면",
        "사용하면",
        "계산",
        "견적",
        "cost",
        "how much",
        "estimate",
        "would it cost",
        "bill",
        "spend",
    ),
    Intent.price: ("가격", "요금", "단가", "price", "pricing", "prices", "rate", "rates", "per 1m", "per million"),
    Intent.availability: (
        "사용 가능",
        "쓸 수 있",
        "이용 가능",
        "가용",
        "출시",
        "지원 리전",
        "어느 리전",
        "어떤 리전",
        "리전에서 돼",
        "에서 돼",
        "에서 되",
        "언제",
        "available",
        "availability",
        "launch",
        "regions",
        "which region",
        "where can",
        "ga ",
        "preview",
        "호출할 수 있",
        "호출 가능",
        "부를 수 있",
        "callable",
        "can i call",
        "can i use",
        "can we use",
    ),
    Intent.lifecycle: (
        "지원 종료",
        "서비스 종료",
        "종료돼",
        "종료 되",
        "종료일",
        "단종",
        "수명 주기",
        "레거시",
        "후속 모델",
        "후속",
        "대체 모델",
        "end of life",
        "end-of-life",
        "eol",
        "deprecat",
        "retire",
        "retirement",
        "legacy",
        "successor",
        "replacement",
        "lifecycle",
    ),
    Intent.specs: (
        "컨텍스트",
        "문맥",
        "context",
        "최대 출력",
        "max output",
        "output limit",
        "모달리티",
        "modality",
        "modalities",
        "기능",
        "features",
        "feature",
        "스펙",
        "사양",
        "spec",
        "specs",
        "정보",
        "info",
        "details",
        "모델 id",
        "model id",
        "아이디",
        "지원해",
        "지원하",
        "support",
        "supports",
        "되나",
        "돼",
        "가능해",
        "can it",
    ),
    Intent.list_models: (
        "모델 목록",
        "모델 리스트",
        "모델들",
        "모델 전부",
        "모든 모델",
        "list models",
        "list of models",
        "models in",
        "models with",
        "models that",
        "which models",
        "what models",
        "all models",
        "models available",
    ),
}

EXPLAIN_WORDS = (
    "뭐야",
    "뭔가요",
    "무엇",
    "설명",
    "알려줘",
    "개념",
    "란",
    "이란",
    "what is",
    "what are",
    "explain",
    "how does",
    "어떻게 동작",
    "차이",
)

MODE_WORDS: dict[Mode, tuple[str, ...]] = {
    Mode.batch: ("배치", "일괄", "batch"),
    Mode.latency_optimized: (
        "지연 시간 최적화",
        "지연시간 최적화",
        "지연 최적화",
        "저지연",
        "latency optimized",
        "latency optimised",
        "latency",
    ),
    Mode.provisioned: ("프로비저닝", "프로비전드", "provisioned", "provisioned throughput", "약정", "commitment"),
}
CACHE_WORDS = ("캐시", "캐싱", "cache", "cached", "caching")

_IMG = ("이미지", "사진", "그림", "image", "images", "picture", "vision", "비전")
_VID = ("비디오", "동영상", "영상", "video")
GENERATE_WORDS = ("생성", "만들", "그려", "generate", "generation", "create", "text to image", "text to video")
MODALITY_IN_WORDS: dict[Modality, tuple[str, ...]] = {
    Modality.image: (*_IMG, "멀티모달", "multimodal"),
    Modality.video: _VID,
    Modality.document: ("문서 입력", "pdf", "document input"),
}
MODALITY_OUT_WORDS: dict[Modality, tuple[str, ...]] = {
    Modality.image: _IMG,
    Modality.video: _VID,
}
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "embedding": ("임베딩", "embedding", "embeddings", "embed"),
    "rerank": ("리랭크", "재순위", "순위 조정", "rerank", "reranker", "re-rank"),
}
FEATURE_WORDS: dict[str, tuple[str, ...]] = {
    "tool_use": (
        "툴 사용",
        "도구 사용",
        "툴 호출",
        "함수 호출",
        "tool use",
        "tool calling",
        "function calling",
        "tools",
    ),
    "computer_use": ("컴퓨터 사용", "computer use"),
    "extended_thinking": ("확장 사고", "확장된 사고", "추론 모드", "extended thinking", "thinking", "reasoning"),
    "prompt_caching": ("프롬프트 캐싱", "프롬프트 캐시", "캐싱 지원", "prompt caching", "prompt cache"),
    "streaming": ("스트리밍", "streaming"),
    "fine_tuning": (
        "파인튜닝",
        "파인 튜닝",
        "미세 조정",
        "미세조정",
        "fine tuning",
        "finetuning",
        "fine tune",
        "customization",
    ),
    "batch": ("배치 지원", "배치 가능", "supports batch", "batch support"),
}
PROVIDER_WORDS: dict[str, tuple[str, ...]] = {
    "amazon": ("아마존", "amazon", "aws 자체"),
    "anthropic": ("앤트로픽", "anthropic"),
    "ai21 labs": ("ai21",),
    "cohere": ("코히어", "cohere"),
    "meta": ("메타", "meta"),
    "mistral ai": ("미스트랄 ai", "mistral ai"),
    "stability ai": ("스태빌리티", "stability"),
    "luma ai": ("루마", "luma"),
    "openai": ("오픈ai", "오픈에이아이", "openai", "open ai"),
    "deepseek": ("딥시크 모델", "deepseek models"),
    "qwen": ("큐웬 모델", "qwen models", "알리바바", "alibaba"),
    "moonshot ai": ("문샷", "moonshot"),
    "minimax": ("미니맥스 모델", "minimax models"),
    "z.ai": ("지푸", "zhipu", "z.ai", "zai"),
    "google": ("구글", "google"),
    "writer": ("라이터", "writer"),
    "xai": ("xai", "엑스ai"),
    "nvidia": ("엔비디아", "nvidia"),
    "twelvelabs": ("트웰브랩스", "twelvelabs", "twelve labs"),
}
CONTEXT_WORDS = ("컨텍스트", "문맥", "context", "컨텍스트 윈도우", "context window")
LONG_CONTEXT_WORDS = ("긴 문맥", "긴 컨텍스트", "긴 문서", "long context", "long document")
PRICE_CEILING_WORDS = (
    "이하",
    "미만",
    "안으로",
    "넘지 않",
    "under",
    "below",
    "less than",
    "at most",
    "max",
    "budget",
    "예산",
)

LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "ko": ("한국어", "한글", "국문", "korean", "in korean"),
    "en": ("영어", "영문", "english"),
    "ja": ("일본어", "japanese"),
    "zh": ("중국어", "chinese"),
    "es": ("스페인어", "spanish"),
    "fr": ("프랑스어", "불어", "french"),
    "de": ("독일어", "german"),
}
# A task says what a recommendation must fit; `TASK_CONTEXT` is the context assumed when the question gives none.
TASK_WORDS: dict[str, tuple[str, ...]] = {
    "summarize": ("요약", "summarize", "summarise", "summary", "summarization", "summarisation"),
    "translate": ("번역", "translate", "translation"),
    "rag": ("rag", "검색 증강", "retrieval augmented", "retrieval-augmented"),
    "code": ("코드 생성", "코딩", "coding", "code generation"),
    "classify": ("분류", "classify", "classification"),
    "chat": ("챗봇", "상담봇", "chatbot", "customer support"),
}
TASK_CONTEXT = {"summarize": 32_000, "rag": 32_000}
# Requirements people state that the catalog has no data for: named in the answer as not applied.
UNAPPLIED_WORDS: dict[str, tuple[str, ...]] = {
    "speed": ("빠른", "빠르", "빨리", "속도", "fast", "fastest", "quick", "speed"),
    "quality": ("정확", "성능 좋은", "똑똑한", "품질 좋은", "accurate", "accuracy", "smart", "smartest"),
}
LEGACY_TOO_WORDS = ("포함", "함께", "같이", "including", "include", "too", "also", "as well")
LEGACY_WORDS = ("legacy", "레거시", "지원 종료", "deprecated", "구버전", "이전 세대", "old models", "older models")
# Words that make a language or task question a request for models ("model for Korean summarisation").
MODEL_ASK_WORDS = (
    *("모델", "추천", "싼", "저렴", "어떤 게 좋"),
    *("model", "models", "llm", "recommend", "cheapest", "which"),
)
TIER_WORDS: dict[str, tuple[str, ...]] = {
    "flex": ("flex", "플렉스", "플렉스 티어", "flex tier"),
    "priority": ("priority", "프라이어리티", "우선순위 티어", "우선 처리 티어", "priority tier"),
    "reserved": ("reserved", "리저브드", "예약 용량", "reserved tier", "reserved capacity"),
}
ROUTE_WORDS: dict[str, tuple[str, ...]] = {
    "global": ("global", "글로벌", "global profile", "글로벌 프로필", "글로벌 프로파일"),
    "us": ("us 프로필", "us 프로파일", "us profile", "미국 프로필", "미국 프로파일"),
    "eu": ("eu 프로필", "eu 프로파일", "eu profile", "유럽 프로필"),
    "apac": ("apac", "apac 프로필", "apac profile", "아태 프로필"),
    "jp": ("jp 프로필", "jp profile", "일본 프로필"),
    "au": ("au 프로필", "au profile", "호주 프로필"),
    "in_region": ("in region", "in-region", "리전 내", "리전 안", "인리전", "리전 내 호출"),
    "geo": ("cross region", "cross-region", "교차 리전", "geo profile", "지역 프로필"),
}
CACHE_1H_WORDS = (
    "1시간 캐시",
    "1 시간 캐시",
    "한 시간 캐시",
    "1h cache",
    "1 hour cache",
    "1-hour cache",
    "one hour cache",
    "1시간 ttl",
    "1h ttl",
    "캐시 1시간",
    "cache 1h",
    "1 hour ttl",
)
CACHE_5M_WORDS = ("5분 캐시", "5 분 캐시", "5m cache", "5 minute cache", "5-minute cache", "캐시 5분", "5분 ttl")
LONG_PRICE_WORDS = (
    "넘으면",
    "초과",
    "over",
    "above",
    "exceed",
    "롱 컨텍스트 가격",
    "long context price",
    "long-context price",
    "long context tier",
    "긴 컨텍스트 요금",
)
