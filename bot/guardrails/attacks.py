"""Prompt-attack detection, Korean and English: overriding the assistant's instructions, extracting its system
prompt, or talking it into an unrestricted persona.

What separates an attack from an everyday message is its object, so every pattern names one. An override talks
about instructions or rules *given to the assistant* ("ignore the previous instructions", not "ignore the typo in
my previous message"); an extraction asks to reveal *its* prompt ("show your system prompt", not "how do I write
a system prompt"); a jailbreak asks it to become unrestricted ("an AI without rules", not "act as a reviewer").
Words that are ordinary elsewhere count only in that role: "developer mode" is also a phone and a Chrome setting,
so it needs the assistant as its subject, "enabled" or an answer verb; "jailbreak" / "탈옥" need the assistant as
their object or a mode ("jailbreak you", "탈옥 모드"), so that asking what a jailbreak is stays allowed; a
"previous rules are void" notice counts for prompts and system messages, not for the rules of a bank memo.

Each table entry is a phrase (syntax in `bot.guardrails.phrases`) or a tuple of slots. A slot lists alternatives
with `|` and is optional when it ends in `?`; `~` is a gap of up to 15 characters within the sentence (`~6`: up
to 6). English slots are separated by whitespace, Korean ones by optional whitespace (particles are slots of their
own); ASCII words match whole words and `'` also matches `’`. The admin's extra phrases per kind are tried after
these.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.guardrails.findings import Finding
from bot.guardrails.phrases import (
    GAP_CHARS,
    WORD_END,
    WORD_START,
    Pattern,
    PhraseError,
    PhraseMatcher,
    gap,
    is_ascii_alnum,
)
from bot.guardrails.phrases import phrase_pattern as _phrase_pattern

ATTACK_KINDS: tuple[str, ...] = ("instruction_override", "prompt_extraction", "roleplay_jailbreak")
Entry = str | tuple[str, ...]  # a phrase, or slots


def opt(slot: str) -> str:
    """The slot, optional."""
    return slot + "?"


# --- English vocabulary ------------------------------------------------------------------------------------------
PRIOR = "previous|prior|above|earlier|preceding|foregoing|former|original|initial|old|system"
RULES = "instructions|instruction|rules|rule|prompts|prompt|directions|directives|guidelines|commands|guidance"
LIMITS = (
    "rules|restrictions|filters|filter|limits|limitations|guidelines|censorship|ethics|morals|ethical guidelines|"
    "safety guidelines|safety rules|safety|safeguards|boundaries|constraints|policies|content policy|guardrails"
)
MORALS = "rules|filters|morals|ethics|censorship|guidelines|content policy|safety guidelines|ethical guidelines"
VOID = (  # said of instructions to declare them gone
    "are void|is void|are null|is null|are invalid|is invalid|are outdated|is outdated|are obsolete|is obsolete|"
    "are cancelled|is cancelled|are canceled|is canceled|are revoked|is revoked|have been revoked|has been revoked|"
    "are suspended|is suspended|are lifted|have been lifted|are disabled|is disabled|are overridden|is overridden|"
    "no longer apply|no longer applies|do not apply|does not apply|don't apply|doesn't apply|are no longer valid|"
    "is no longer valid|no longer matter|no longer matters|are now void|is now void|are deprecated|is deprecated"
)
REVEAL = (
    "print|print out|show|reveal|repeat|output|display|tell me|tell us|give me|share|write out|dump|leak|expose|"
    "recite|paste|echo|spell out|type out|read out|read me|spit out|list out|disclose|divulge"
)
ADJ = "full|entire|complete|exact|original|initial|hidden|secret|internal|underlying|current|real|actual|first"
SECRET_YOURS = (
    "prompt|system prompt|system message|instructions|system instructions|initial instructions|hidden instructions|"
    "original instructions|initial prompt|directives|configuration|pre-prompt|preprompt|hidden rules|secret rules"
)
SECRET_HIDDEN = (  # "the …" that can only mean the assistant's own prompt
    "initial instructions|initial prompt|hidden instructions|hidden prompt|secret instructions|original instructions|"
    "original prompt|developer message|developer prompt|prompt above|instructions above|text above|pre-prompt|"
    "preprompt|internal instructions|initialization above"
)
SECRET_THE = "system prompt|system message|system instructions|" + SECRET_HIDDEN  # only after "print", "show", …
PRETEND = "pretend|imagine|suppose|act like|act as|behave as if|act as if|roleplay|role-play|role play|simulate"
BECOME = (
    "act as|act like|pretend to be|become|you are now|you're now|you are|you're|behave like|roleplay as|"
    "role-play as|play the role of|respond as|answer as|reply as|simulate|emulate|you will be|you'll be"
)
UNRESTRICTED = "unfiltered|uncensored|unrestricted|unmoderated|amoral|jailbroken|unaligned|unchained|unethical"
ASSISTANT = "you|yourself|this ai|this assistant|this bot|this model|this chatbot|the assistant|the ai|the bot"

# --- Korean vocabulary -------------------------------------------------------------------------------------------
K_PRIOR = (
    "이전|이전의|앞의|앞선|위의|위|위에|상기|처음|초기|원래|이전에 받은|앞에서 받은|앞서 받은|처음에 받은|위에 있는|"
    "앞에 있는|위에 적힌|지금까지 받은|여태 받은|지금까지의"
)
K_YOUR = "시스템|너의|너|당신의|당신|네가 받은|너가 받은|니가 받은|당신이 받은|받은|주어진|설정된|ai의|모든"
K_YOU = "너의|너|니|당신의|당신|네가 받은|니가 받은|너가 받은|당신이 받은|ai의|봇의|챗봇의"
K_POSSESSIVE = "너의|너|네|니|당신의|당신"  # "네" (also "yes") only before words that make it "your"
K_TO_YOU = "너한테|너에게|당신에게|당신한테|네게|니한테|ai에게|챗봇에게"
K_RULES = "지시|지침|명령|규칙|룰|프롬프트|인스트럭션|가이드라인|제약|안전 규칙|윤리 규칙"
K_SUFFIX = "사항들|사항|문|어|들"  # 지시사항, 명령어, 지시문, 규칙들
K_PARTICLE = "들을|들은|을|를|은|는|도|이|가|에|과|와"
K_ALL = "모두 다|전부 다|모두|전부|다|싹 다|싹|완전히|전혀|일체|몽땅"
K_IGNORE = (  # affirmative endings only, so "무시하지 마세요" (do not ignore) does not count
    "무시해|무시하고|무시하세요|무시하셔|무시하시|무시하십|무시하라|무시하도록|무시할 것|무시한 채|무시 바랍|"
    "잊어|잊고|잊으세|잊으십|잊으라|버려|버리고|따르지 마|따르지 말|따르지마|따르지 않아도|지키지 않아도|어겨|어기고"
)
K_VOID = (
    "무효|취소|폐기|효력이 없|효력 없|적용되지 않|적용 안|신경 쓰지 마|신경 쓰지 말|신경쓰지 마|신경쓰지 말|"
    "상관하지 마|상관 말|잊어도|무시해도|따를 필요 없|지킬 필요 없"
)
K_FROM_NOW = "지금부터|이제부터|이제|앞으로는|앞으로|오늘부터|여기서부터"
K_SECRET = (
    "시스템 프롬프트|system prompt|시스템 메시지|시스템 지시|시스템 지침|초기 프롬프트|초기 지시|숨겨진 지시|"
    "숨겨진 프롬프트|숨겨진 지침|숨은 지시|비밀 지시|내부 지시|내부 프롬프트|원래 프롬프트|원본 프롬프트|사전 프롬프트"
)
K_HIDDEN = "초기|숨겨진|숨은|원래|내부|비밀|처음|기본|진짜|실제|원본|최초"
K_INSTRUCTIONS = "지시|지침|프롬프트|명령|규칙|설정|인스트럭션|시스템 프롬프트|가이드라인|문구"
K_CONTENT = "전체 내용|내용|전문|전체|원문|텍스트|문구"
K_REVEAL = "보여|알려|출력|공개|읊어|노출|유출|덤프|밝혀|털어놔|말해"
K_VERBATIM = "그대로|있는 그대로|원문 그대로|글자 그대로|토씨 하나 안 틀리고|한 글자도 빠짐없이|하나도 빠짐없이|정확히"
K_COPY = "출력|반복|복사|보여|적어|말해|읊어|써|붙여|알려"
K_BEFORE = "대화 전에|대화 시작 전에|대화가 시작되기 전에|이 대화 전에|처음에|맨 처음에|사전에"
K_LIMITS = "제한|제약|규칙|검열|필터|필터링|한계|윤리|윤리적 제약|도덕|가이드라인|안전장치|안전 장치"
K_ANSWER = "대답|답변|답해|응답|말해"
K_AI = "ai|인공지능|챗봇|어시스턴트|gpt|llm|언어 모델"

# --- instruction_override ----------------------------------------------------------------------------------------
OVERRIDE_EN: tuple[Entry, ...] = (
    (
        "ignore|disregard|forget|override|overrule|bypass|discard|abandon",
        opt("all|any|every"),
        opt("of"),
        opt("the|your|these|those"),
        PRIOR,
        RULES,
    ),
    (
        "ignore|disregard|forget",
        "everything|anything|all",
        "you were told|you've been told|you have been told|you were given|above|before this|previously",
    ),
    (
        "ignore|disregard|forget",
        opt("all|any"),
        opt("of"),
        opt("the|your"),
        RULES,
        "you were given|you've been given|you have been given|you received|you got|given to you|above|before this",
    ),
    (
        "ignore|disregard|forget",
        "the above|everything above|all of the above|all the above|what's above|"
        "what is above|the text above|the previous text",
        opt(","),
        opt("and"),
        "instead|output|print|say|reply|respond|reveal|translate",
    ),
    (
        "do not follow|don't follow|stop following|no longer follow|stop obeying|do not obey|don't obey",
        opt("all|any"),
        opt("of"),
        "your|the|these|those",
        opt(PRIOR),
        RULES,
    ),
    (
        "override|bypass|circumvent|disable|ignore|disregard|break|get around|deactivate",
        opt("all|any"),
        opt("of"),
        "your",
        LIMITS + "|programming|training|instructions|system prompt|principles|alignment",
    ),
    (
        "your|all your|all of your",
        opt("safety|original|previous|current|initial"),
        "instructions|system prompt|system message|prompt|rules|guidelines|directives|restrictions|programming",
        VOID,
    ),
    (
        "previous|prior|earlier|above|original|old|initial|the previous|the prior|the earlier|the above|the original|"
        "all previous|all prior|any previous",
        opt("system"),
        "instructions|system prompt|system message|prompt|prompts",
        VOID,
    ),
    ("new|updated|revised|real|actual", "instructions|instruction|system prompt|rules|directives", ":|#|]|>|---|==="),
    ("system|admin|administrator|developer|security|root", "override|overwrite|directive", ":"),
    (
        "this message|this prompt|these instructions|my instructions|my message|the following",
        "takes precedence over|take precedence over|overrides|override|supersedes|supersede|overrules|overrule",
        "your|the system|system|all your|any of your|all of your",
    ),
    (
        "from now on|starting now|henceforth|from this point on|from here on",
        "~",
        "ignore|disregard|bypass|forget|not follow|stop following|no longer follow",
        "~",
        RULES + "|" + LIMITS,
    ),
    "<|im_start|>system",
    "<|system|>",
)
OVERRIDE_KO: tuple[Entry, ...] = (
    (K_PRIOR, K_RULES, opt(K_SUFFIX), opt(K_PARTICLE), opt(K_ALL), K_IGNORE),
    (K_YOUR, K_RULES, opt(K_SUFFIX), opt(K_PARTICLE), opt(K_ALL), K_IGNORE),
    (K_FROM_NOW, "~", K_RULES, opt(K_SUFFIX), opt(K_PARTICLE), opt(K_ALL), K_IGNORE),
    (
        K_POSSESSIVE,
        opt("원래|기존|초기|기본|모든"),
        f"{K_RULES}|설정",
        opt(K_SUFFIX),
        opt(K_PARTICLE),
        opt("이제|지금부터|앞으로|전부|모두|다"),
        K_VOID,
    ),
    (
        K_SECRET,
        opt(K_PARTICLE),
        "신경 쓰지 말고|신경쓰지 말고|무시하고|상관하지 말고|상관 말고|따르지 말고|잊고",
        "~",
        K_ANSWER,
    ),
    ("기존|이전|앞의|앞선|위의|원래|처음|초기", "시스템 프롬프트|프롬프트|시스템 메시지", opt(K_PARTICLE), K_VOID),
    (
        "이 메시지|이 지시|내 지시|내 명령|내 말|이 프롬프트|이 명령",
        opt("가|이|는|은"),
        "~",
        "최우선|우선합니다|우선한다|우선해|우선이야|우선이다|우선권",
    ),
    ("새로운|새|신규|변경된|수정된|진짜|실제", "지시|지시사항|지침|명령|규칙|시스템 프롬프트|프롬프트", ":"),
    (
        "규칙|지침|제약|가이드라인|안전 규칙|보안 정책|보안 규칙|보안 지침",
        opt(K_PARTICLE),
        "무시하고|무시한 채|어기고|위반하고|우회하고",
        "~",
        f"{K_ANSWER}|진행|처리|실행",
    ),
)

# --- prompt_extraction -------------------------------------------------------------------------------------------
EXTRACTION_EN: tuple[Entry, ...] = (
    (REVEAL, opt("me|us"), opt("all of|everything in"), "your", opt(ADJ), SECRET_YOURS),
    (REVEAL, opt("me|us"), "the", opt(ADJ), SECRET_THE),
    ("what", "is|are|were|was", "your", opt(ADJ), SECRET_YOURS),
    ("what's|what're", "your", opt(ADJ), SECRET_YOURS),
    ("what|what's", opt("is|are|were|was"), "the", opt(ADJ), SECRET_HIDDEN),
    ("tell me|show me|let me know|say", "what|exactly what", "your", opt(ADJ), SECRET_YOURS),
    (
        REVEAL,
        opt("me|us"),
        "the|a",
        opt("exact|full|entire|complete|original|raw|verbatim"),
        "text|content|contents|wording|copy|words",
        "of|in",
        "your",
        opt(ADJ),
        SECRET_YOURS,
    ),
    (
        "see|view|read|know|get|have",
        "your",
        opt(ADJ),
        "system prompt|system message|initial instructions|hidden instructions|initial prompt|hidden prompt",
    ),
    ("what's|what is|what was", "written|stated|contained", "in", "your", opt(ADJ), SECRET_YOURS),
    (
        "what|which",
        "instructions|rules|prompt|system prompt|guidelines|directives",
        "were you|have you been|did you",
        "given|told|get|receive|received|programmed with",
    ),
    (
        "repeat|print|output|show|copy|echo|recite|reproduce|write",
        opt("back"),
        "everything|all|all of it|all the text|the text|the words|the content|the lines|what is written|"
        "what's written|what was written",
        "above|before this|prior to this|from the beginning|from the start",
    ),
    (
        REVEAL + "|list",
        "everything|all|all the text|the text|whatever|what",
        opt("is|was|that is|that was|you have|you see|you got"),
        "in your context|in your context window|in your memory|before my first message|before this conversation|"
        "before my message|before the conversation|at the start of this conversation|at the top of this conversation",
    ),
    (
        "what",
        "were you|have you been|did you get",
        "told|instructed|programmed|prompted|configured",
        "~",
        "before|at the start|at the beginning|initially|originally|prior|in your|by your|by the system|to say|"
        "to do|to hide|not to",
    ),
    (
        "what",
        "did|have|has",
        "~",
        "tell you|told you|instruct you|instructed you|programmed you|ask you|asked you|"
        "configure you|configured you|prompt you|prompted you",
        opt("not"),
        "to",
    ),
    (
        "your",
        "system prompt|prompt|instructions|initial instructions|hidden instructions|system message",
        "verbatim|word for word|word-for-word|in full|in its entirety",
    ),
)
EXTRACTION_KO: tuple[Entry, ...] = (
    (K_SECRET, opt(K_PARTICLE), opt(K_CONTENT), opt(K_PARTICLE), opt(K_ALL), K_REVEAL),
    (K_SECRET, opt(K_PARTICLE), opt(K_CONTENT), opt(K_PARTICLE), opt(K_ALL), K_VERBATIM, K_COPY),
    (
        K_SECRET,
        opt(K_PARTICLE + "|의"),
        "첫 줄|첫 문장|첫 단어|처음|맨 앞|맨 처음",
        "부터",
        "~",
        "끝까지|마지막 줄까지|마지막 문장까지|마지막까지",
        "~",
        K_REVEAL,
    ),
    (
        K_YOU,
        opt(K_HIDDEN),
        K_INSTRUCTIONS,
        opt(K_SUFFIX),
        opt(K_PARTICLE),
        opt(K_CONTENT),
        opt(K_PARTICLE),
        opt(K_ALL),
        opt(K_VERBATIM),
        f"{K_REVEAL}|{K_COPY}|뭐|무엇|어떻게 돼",
    ),
    (
        K_TO_YOU,
        "~",
        "주어진|받은|입력된|설정된|준|넣은|정해진|심어진|제공된",
        opt(K_HIDDEN),
        K_INSTRUCTIONS,
        opt(K_SUFFIX),
        opt(K_PARTICLE),
        opt(K_CONTENT),
        opt(K_PARTICLE),
        opt(K_ALL),
        opt(K_VERBATIM),
        f"{K_REVEAL}|출력|복사|붙여|읊어|나열|뭐|무엇",
    ),
    (
        K_POSSESSIVE,
        "시스템 프롬프트|시스템 메시지|초기 프롬프트|프롬프트|지시사항|지침",
        "에서|에 있는|에 적힌|에 쓰인|안에 있는|속",
        "~30",
        f"{K_REVEAL}|{K_COPY}|뽑아|찾아|나열",
    ),
    (
        "프롬프트|시스템 프롬프트|시스템 메시지|컨텍스트|context",
        opt("의"),
        "맨 앞|맨 처음|맨 위|첫 부분|시작 부분|앞부분|첫 줄|첫 문장",
        opt("에|에서|부터"),
        opt("있는|나온|적힌|쓰인"),
        opt(f"{K_CONTENT}|문장|글|지시"),
        opt(K_PARTICLE),
        "~",
        K_COPY,
    ),
    (
        "위의|위|위에 있는|앞의|앞에 있는|이전|지금까지의|여태까지의|대화 이전의",
        "내용|프롬프트|텍스트|글|문장|모든 내용|대화|지시|지시사항|메시지",
        opt(K_PARTICLE),
        opt(K_ALL),
        K_VERBATIM,
        K_COPY,
    ),
    (K_BEFORE, "~", "받은|들은|주어진|입력된|설정된", "지시|지침|프롬프트|명령|규칙"),
    (K_BEFORE, "~", "지시|지침|프롬프트|명령", "~", "받았|들었|입력받았"),
)

# --- roleplay_jailbreak ------------------------------------------------------------------------------------------
JAILBREAK_EN: tuple[Entry, ...] = (
    (BECOME, opt("now"), opt("a|the"), "dan|d.a.n|betterdan|mongo tom|evil confidant"),
    "do anything now",
    ("jailbreak|jail-break|jail break", ASSISTANT),
    "jailbroken",
    ("dan|god|jailbreak|unrestricted|unfiltered|uncensored|evil|no-filter|no filter", "mode"),
    ("developer mode|dev mode", "enabled|activated|unlocked|engaged|output|response|responses"),
    (
        "enter|activate|enable|switch to|switch into|go into|turn on",
        opt("the"),
        "developer mode|dev mode",
        opt(","),
        opt("and|then"),
        "answer|respond|reply|ignore|bypass|remove|disable|output|tell",
    ),
    (
        "you are|you're|act|respond|answer|reply|simulate|emulate",
        opt("now"),
        opt("in|with|as if in|using|under"),
        "developer mode|dev mode",
    ),
    (
        PRETEND,
        "~",
        "ai|assistant|chatbot|bot|model|llm|version of yourself|character|persona",
        "~",
        "without|with no|free of|free from|with zero|that ignores|that has no|who has no|not bound by|unbound by",
        opt("any"),
        LIMITS,
    ),
    (PRETEND, "~", "there are no|there were no|you have no|you had no|to have no", LIMITS),
    (BECOME, opt("an|a|the"), opt("completely|totally|fully|truly"), UNRESTRICTED),
    ("who", "has no|have no|had no|knows no|with no|without any|ignores all", MORALS),
    (
        "who|that|which",
        "never refuses|never refuse|never says no|doesn't refuse|does not refuse|refuses nothing|"
        "won't refuse|will never refuse|can't refuse|cannot refuse",
    ),
    (
        "who",
        "answers everything|answers anything|will answer anything|will answer everything|"
        "answers any question|will do anything|can do anything",
    ),
    (
        "act as|pretend to be|pretend you are|roleplay as|play|you are|be",
        "my",
        "late|dead|deceased",
        "grandmother|grandma|granny|grandfather|grandpa",
    ),
    (
        "no longer",
        "bound|restricted|constrained|held back|governed",
        "by",
        opt("any|your|the|its|all|all of your"),
        LIMITS,
    ),
    (
        "you are|you're|you",
        opt("now"),
        "free from|freed from|free of|released from|liberated from|exempt from",
        opt("any|all|your|the|all your|all of your|all the"),
        LIMITS,
    ),
    ("you have|you've got|you now have", "no|zero|absolutely no", LIMITS),
    ("you", "no longer have|no longer need|now have no|have no more", opt("any"), LIMITS),
    ("remove|disable|turn off|lift|drop|switch off|deactivate|get rid of", opt("all"), opt("of"), "your", LIMITS),
)
JAILBREAK_KO: tuple[Entry, ...] = (
    ("탈옥", "모드|상태|버전|시켜|해줘|해 줘|해라|하자|해서 대답|해서 답"),
    ("너를|당신을|챗봇을|ai를|gpt를", "탈옥"),
    ("탈옥한|탈옥된|탈옥 된", f"{K_AI}|너|버전|상태|모드|모델|캐릭터"),
    ("dan 모드|갓 모드|god 모드|무검열 모드|검열 해제 모드|무제한 모드|제한 해제 모드|필터 해제 모드|악마 모드",),
    ("너는|넌|당신은", "~", "개발자 모드|developer mode"),
    ("개발자 모드|developer mode", "로|으로|에서", f"{K_ANSWER}|행동해|행동하|연기"),
    ("개발자 모드|developer mode", "로|으로", "전환해서|전환하고|바꿔서|바꾸고|들어가서", "~", K_ANSWER),
    ("개발자 모드|developer mode", opt("가|이"), "활성화된|켜진|적용된", f"{K_AI}|너"),
    (
        K_LIMITS,
        opt(K_PARTICLE),
        "없는|해제된|풀린|받지 않는|얽매이지 않는|구애받지 않는",
        "~6",
        f"{K_AI}|모드|버전|캐릭터|존재|척|것처럼|듯이|인격",
    ),
    (
        "검열|필터|필터링|윤리|도덕|안전장치|규칙|가이드라인|제약",
        opt(K_PARTICLE),
        "없이|없는|해제하고|풀고|상관없이|무시하고",
        "~",
        K_ANSWER,
    ),
    (
        "모든|아무|어떤|일체의|아무런",
        "제한|제약|검열|필터|규칙",
        opt("도|이|을|를"),
        "없이|해제하고|무시하고",
        "~",
        K_ANSWER,
    ),
    ("dan", "처럼|으로|으로서|이 되어|이 돼|이 되|이야|이다|이 된"),
    ("모든|너의|너|당신의", K_LIMITS, opt(K_PARTICLE), "해제|풀어|풀고|없애|제거|꺼|끄고|비활성화"),
    ("비윤리적인|부도덕한|사악한|악당|악마", K_AI, "처럼|역할|인 척|으로서|로서"),
)


def _words(slot: str, sep: str) -> list[tuple[str, str]]:
    """(word, regex) for each alternative of a slot; spaces inside a word become `sep`."""
    words = slot.removesuffix("?").lower().split("|")
    return [(word, sep.join(map(re.escape, word.split())).replace("'", "['’]")) for word in words]


def _group(alternatives: list[tuple[str, str]]) -> str:
    """Alternatives (word, regex) as one group, the whole-word check at the end written once where it can be."""
    if all(is_ascii_alnum(word[-1]) for word, _ in alternatives):
        return f"(?:{'|'.join(regex for _, regex in alternatives)}){WORD_END}"
    ends = [regex + (WORD_END if is_ascii_alnum(word[-1]) else "") for word, regex in alternatives]
    return f"(?:{'|'.join(ends)})"


def _slot(slot: str, sep: str, start_edge: bool) -> str:
    """One slot; ASCII words are checked to start a word unless whitespace precedes them anyway."""
    return _group([(w, (WORD_START if start_edge and is_ascii_alnum(w[0]) else "") + r) for w, r in _words(slot, sep)])


def _patterns(slots: tuple[str, ...], sep: str) -> list[Pattern]:
    """The slots as patterns, one per first character of the first slot's alternatives (the matcher's index)."""
    tail, after_gap = "", False
    for slot in slots[1:]:
        if slot.startswith("~"):
            tail, after_gap = tail + gap(int(slot[1:] or GAP_CHARS)), True
            continue
        glued = all(not word[0].isalnum() for word, _ in _words(slot, sep))  # "instructions:"
        join = "" if after_gap else r"\s*" if glued else sep
        piece = join + _slot(slot, sep, start_edge=after_gap or join != r"\s+")
        tail, after_gap = tail + (f"(?:{piece})?" if slot.endswith("?") else piece), False
    heads: dict[str, list[tuple[str, str]]] = {}
    for word, regex in _words(slots[0], sep):
        heads.setdefault(word[0], []).append((word, regex.removeprefix(re.escape(word[0]))))
    return [Pattern(first, _group(rests) + tail) for first, rests in heads.items()]


def _table(english: Sequence[Entry], korean: Sequence[Entry]) -> list[Pattern]:
    entries = [(entry, r"\s+") for entry in english] + [(entry, r"\s*") for entry in korean]
    return [
        pattern
        for entry, sep in entries
        for pattern in ([_phrase_pattern(entry)] if isinstance(entry, str) else _patterns(entry, sep))
    ]


BUILTIN: dict[str, list[Pattern]] = {
    "instruction_override": _table(OVERRIDE_EN, OVERRIDE_KO),
    "prompt_extraction": _table(EXTRACTION_EN, EXTRACTION_KO),
    "roleplay_jailbreak": _table(JAILBREAK_EN, JAILBREAK_KO),
}


class AttackDetector:
    """The built-in patterns plus the admin's extra phrases per kind, compiled once into one matcher."""

    def __init__(self, extra: Mapping[str, Sequence[str]] | None = None) -> None:
        extra = extra or {}
        unknown = sorted(set(extra) - set(ATTACK_KINDS))
        if unknown:
            raise ValueError(f"unknown prompt-attack kind(s) {unknown}; known: {', '.join(ATTACK_KINDS)}")
        named: dict[str, list[Pattern]] = {}
        for kind in ATTACK_KINDS:
            phrases = extra.get(kind, ())
            if isinstance(phrases, str):  # a YAML scalar where a list was meant would match letter by letter
                raise PhraseError(phrases, f"the phrases of {kind!r} must be a list")
            named[kind] = BUILTIN[kind] + [_phrase_pattern(phrase) for phrase in phrases]
        self._matcher = PhraseMatcher.from_patterns(named)

    def find(self, text: str) -> list[Finding]:
        """Every attack phrase in `text`, `kind` being its category, sorted by start."""
        return self._matcher.find(text)

    def first(self, text: str) -> Finding | None:
        """The leftmost attack phrase only (enough to block a message)."""
        return self._matcher.first(text)
