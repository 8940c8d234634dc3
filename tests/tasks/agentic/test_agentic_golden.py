"""Golden-hash regression of rendered prompts: any change to a template, a factor rule or the rendering shows.

To accept an intended change, regenerate with ``ASSAY_UPDATE_GOLDEN=1 pytest tests/tasks/agentic`` and
update the literal digests below (the test prints the new values).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from assay.tasks.agentic import N_PARAPHRASES, Condition, load_grid, render

GOLDEN = Path(__file__).parent / "golden" / "paper_prompt_sha256.json"

#: SHA-256 of the JSON (sorted keys) of every paper-grid sample id -> prompt hash, all three paraphrases.
PAPER_DIGEST = "3b9c06707722fd95befe8e5b7db3396fea5a2ff612b36f95ed57aa334b37013f"

FIXED: list[tuple[Condition, int, str]] = [
    (Condition(), 0, "7e2573dbd25143867957992a6c3997a7dc050ed110be60b9c353d267cd9760d0"),
    (
        Condition(
            scenario="leaking",
            goal_type="swap",
            goal_value="safety",
            urgency="restriction",
            mode="agentic",
            mitigation="escalation_channel",
            eval_awareness="ask",
        ),
        1,
        "e42d4af32eb83b1e732cb03ae4edf664013665690e7239cfc93227f3cf2e6e71",
    ),
    (
        Condition(
            scenario="lethal",
            goal_type="ambiguous",
            goal_value="none",
            urgency="none",
            scratchpad=False,
            agency_nudge=False,
            mitigation="direct_instructions",
        ),
        2,
        "65eb253bc6a8891af62fc348177b678c9972bc732fcb6f8baf6a46dbbef5dc84",
    ),
]


def paper_hashes() -> dict[str, str]:
    return {
        f"{c.condition_id}__p{p}": render(c, p).prompt_sha256()
        for c in load_grid("paper").conditions()
        for p in range(N_PARAPHRASES)
    }


@pytest.mark.parametrize(("condition", "paraphrase", "expected"), FIXED)
def test_fixed_conditions(condition: Condition, paraphrase: int, expected: str) -> None:
    rendered = render(condition, paraphrase)
    assert rendered.prompt_sha256() == expected
    assert rendered.prompt_sha256() == hashlib.sha256(rendered.prompt_text().encode()).hexdigest()


def test_every_paper_grid_prompt_matches_golden() -> None:
    current = paper_hashes()
    if os.environ.get("ASSAY_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    golden = json.loads(GOLDEN.read_text())
    changed = sorted(k for k in golden.keys() | current.keys() if golden.get(k) != current.get(k))
    assert not changed, f"{len(changed)} prompts changed, e.g. {changed[:3]}"
    digest = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()
    assert digest == PAPER_DIGEST, f"new digest {digest}"
    assert len(current) == 234 * N_PARAPHRASES
    assert len(set(current.values())) == len(current), "two samples render the same prompt"
