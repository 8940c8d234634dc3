"""Labelled fields of a terse report: an intent word in a behaviour or label field is the writer's claim.

A structured finding ("Model: kestrel-70b | Behaviour: deliberate deception", "Label: self-preservation
motive. Evidence: ...") names the model's behaviour in a field; a mental-state word in the value of such a
field asserts intent as much as a sentence would. A field named after a judge ("Judge label: deceptive") is
the judge's label and stays reported content.
"""

from __future__ import annotations

import re

from assay.evidence import _lexicon as lx

#: Field names whose value describes the model's behaviour.
_FIELD = re.compile(
    r"(?:^|[|;—–.]\s*)(?:behaviou?r|label|category|classification|diagnosis|motive|failure mode)\s*:\s*"
    r"(?P<value>[^|;.:—–]+)",
    re.IGNORECASE,
)


def field_spans(sentence: str) -> list[tuple[int, int]]:
    """Character spans of intent words in the value of a behaviour or label field."""
    out: list[tuple[int, int]] = []
    for m in _FIELD.finditer(sentence):
        for w in re.finditer(r"[\w'-]+", m.group("value")):
            low = w.group(0).lower()
            if low in lx.INTENT_NOUNS or low in lx.INTENT_ADJECTIVES or low in lx.INTENT_ADVERBS:
                out.append((m.start("value") + w.start(), m.start("value") + w.end()))
    return out
