"""The local policy compiled for use: every check of one text in a single pass per detector, always on, with no
network — sensitive information (mask / block), custom regexes, word filters, denied topics and, on input,
prompt attacks (block / warn)."""

from __future__ import annotations

import re

from bot.guardrails.attacks import AttackDetector
from bot.guardrails.findings import Finding, without_overlaps
from bot.guardrails.fold import fold
from bot.guardrails.labels import placeholder
from bot.guardrails.phrases import PhraseMatcher
from bot.guardrails.pii import ENTITY_TYPES, PiiDetector
from bot.guardrails.policy import Policy, TopicMatcher
from bot.guardrails.verdict import Action, Hit, Source, Verdict

# when two findings overlap, the more specific (checksummed, prefixed) kind wins
PRIORITY = {
    "rrn": 0, "frn": 0, "card": 1, "aws_access_key": 1, "aws_secret_key": 1, "slack_token": 1, "email": 2,
    "phone": 2, "passport": 3, "ip": 3, "bank_account": 4, "word": 6,
}  # fmt: skip
CUSTOM_PRIORITY = 5


class LocalPolicy:
    """Thread-safe (compiled patterns only)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.pii = PiiDetector([t for t in ENTITY_TYPES if policy.action(t) != "allow"])
        self.custom = [
            (f"custom:{c.name}", re.compile(c.pattern, re.IGNORECASE if c.ignore_case else 0), c.action)
            for c in policy.custom
        ]
        self.words = PhraseMatcher({"word": policy.word_filters.words}) if policy.word_filters.words else None
        topics = policy.denied_topics
        self.topics = TopicMatcher(topics) if topics else None
        self.topic_by_name = {t.name: t for t in topics}
        self.attacks = AttackDetector(policy.prompt_attack.extra)
        self.named: dict[str, tuple[str, str]] = {f"custom:{c.name}": c.label.pair() for c in policy.custom}
        self.named |= {f"topic:{t.name}": t.label.pair() for t in topics}
        self._actions: dict[str, Action] = {
            **{t: a for t in ENTITY_TYPES if (a := policy.action(t)) != "allow"},
            **{kind: action for kind, _, action in self.custom},
            "word": policy.word_filters.action,
        }
        self.priority = PRIORITY | {kind: CUSTOM_PRIORITY for kind, _, _ in self.custom}

    def check(self, text: str, source: Source, lang: str) -> Verdict:
        """Judge `text`. Values are masked whatever else happens; the first blocking finding (a `block` entity, a
        denied topic, an attack when attacks block) is the reason."""
        spans = self.spans(text)
        hits = [Hit(f.kind, self._actions[f.kind]) for f in spans]
        reason = next((h for h in hits if h.action == "block"), None)
        message: tuple[str, str] | None = None
        if self.topics is not None and (topic := self.topics.first(text)) is not None:
            hit = Hit(f"topic:{topic}", "block")
            hits.append(hit)
            if reason is None:
                reason, denied = hit, self.topic_by_name[topic]
                message = denied.message.pair() if denied.message else None
        if source == "INPUT":
            kinds = dict.fromkeys(f.kind for f in self.attacks.find(text))
            action = self.policy.prompt_attack.action
            attack_hits = [Hit(f"attack:{k}", action) for k in kinds]
            hits.extend(attack_hits)
            if reason is None and action == "block" and attack_hits:
                reason = attack_hits[0]
        return Verdict(source, self.masked(text, spans, lang), tuple(hits), reason, message)

    def spans(self, text: str) -> list[Finding]:
        """Everything to mask or block in `text`, without overlaps, in order. Everything matches the folded text
        (full-width digits and letters, Unicode dashes and spaces -> ASCII; `bot.guardrails.fold`), custom regexes
        and word filters too; folding keeps every offset, so the spans are the original text's."""
        text = fold(text)
        found = self.pii.find(text)
        for kind, pattern, _ in self.custom:
            found.extend(Finding(kind, m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start())
        if self.words is not None:
            found.extend(self.words.find(text))
        if len(found) < 2:
            return found
        return without_overlaps(found, self.priority)

    def action(self, kind: str) -> Action:
        return self._actions[kind]

    def masked(self, text: str, spans: list[Finding], lang: str) -> str:
        """`text` with each span replaced by its placeholder."""
        if not spans:
            return text
        out, at = [], 0
        for f in spans:
            out.append(text[at : f.start])
            out.append(placeholder(f.kind, lang, self.named))
            at = f.end
        out.append(text[at:])
        return "".join(out)
