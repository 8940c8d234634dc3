"""Log-probability scoring: every label, or every point of a scale, scored by the probability of its tokens.

A judge read this way never fails to parse: instead of generating a reply and looking for a label in it,
each candidate reply is scored by ``log p(candidate | prompt)`` and the verdict is the most probable one;
a scale's score is the probability-weighted mean of its points (the way the emergent-misalignment authors
read GPT-4o's alignment score, 0-100, from its top log-probabilities).

Two routes, tried in order:

- **exact** (local models: ``assay/smollm2``, ``assay/hf``, ``assay/toy``): the provider scores each
  candidate's full token sequence after the rendered prompt (``option_logprobs``), so multi-token labels
  and numbers are exact.
- **top_logprobs** (API providers that return them): one generated token with its top alternatives; a
  candidate counts when it is a single token among them. Only candidates with distinct single tokens can be
  read this way, and the probability they cover (``mass``) is recorded; under :data:`MIN_MASS` the reading
  is refused (the model was not answering with a candidate).

A model that offers neither gives ``None``: the caller generates and parses instead, and records which
method produced each verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

from inspect_ai.model import ChatMessage, ChatMessageUser, GenerateConfig, Model
from pydantic import BaseModel, ConfigDict

#: A top-logprobs reading needs at least this much probability on the candidates.
MIN_MASS = 0.25

#: How many alternatives a top-logprobs reading asks for (the most OpenAI's API returns).
TOP_LOGPROBS = 20

ScoringMethod = Literal["exact", "top_logprobs"]


class OptionScores(BaseModel):
    """Log-probabilities of a fixed set of candidate replies.

    Attributes:
        options: The candidates, in the caller's order.
        logprobs: ``log p(option | prompt)`` (natural log; ``-inf`` for a candidate the reading did not see).
        method: ``exact`` or ``top_logprobs``.
        mass: Total probability of the candidates (how much of the model's next-token choice they cover).
    """

    model_config = ConfigDict(extra="forbid")

    options: list[str]
    logprobs: list[float]
    method: ScoringMethod
    mass: float

    def probabilities(self) -> list[float]:
        """The candidates' probabilities renormalised to sum to 1."""
        top = max(self.logprobs)
        weights = [math.exp(lp - top) for lp in self.logprobs]
        total = sum(weights)
        return [w / total for w in weights]

    def best(self) -> str:
        """The most probable candidate (the earliest one on a tie)."""
        return self.options[max(range(len(self.options)), key=lambda i: (self.logprobs[i], -i))]

    def expectation(self, values: Sequence[float]) -> float:
        """The probability-weighted mean of ``values`` (one per candidate)."""
        if len(values) != len(self.options):
            raise ValueError(f"{len(values)} values for {len(self.options)} options")
        return sum(p * v for p, v in zip(self.probabilities(), values, strict=True))


def _messages(input: str | list[ChatMessage]) -> list[ChatMessage]:
    return [ChatMessageUser(content=input)] if isinstance(input, str) else list(input)


async def _top_logprobs(
    model: Model, messages: list[ChatMessage], options: Sequence[str]
) -> OptionScores | None:
    config = GenerateConfig(temperature=0.0, max_tokens=1, logprobs=True, top_logprobs=TOP_LOGPROBS)
    try:
        output = await model.generate(messages, config=config)
    except Exception:  # a provider that rejects log-prob requests: no reading, the caller parses instead
        return None
    choice = output.choices[0] if output.choices else None
    content = getattr(getattr(choice, "logprobs", None), "content", None)
    if output.error or not content:
        return None
    first: Any = content[0]
    seen: dict[str, float] = {}
    for alt in [*(first.top_logprobs or []), first]:
        seen.setdefault(str(alt.token).strip(), float(alt.logprob))
    logprobs = [seen.get(o.strip(), -math.inf) for o in options]
    mass = sum(math.exp(lp) for lp in logprobs if lp > -math.inf)
    if mass < MIN_MASS:
        return None
    return OptionScores(options=list(options), logprobs=logprobs, method="top_logprobs", mass=mass)


async def score_options(
    model: Model, input: str | list[ChatMessage], options: Sequence[str], *, whole: bool = False
) -> OptionScores | None:
    """Score each candidate reply to ``input`` by its log-probability; ``None`` when the model cannot.

    Args:
        model: Any Inspect model.
        input: The judge prompt (a user message) or a conversation.
        options: Candidate replies, as the text the assistant's reply starts with. When one candidate is a
            prefix of another ("1" and "10"), end each with what closes it (a quote, a brace) or pass
            ``whole``.
        whole: Each candidate is the whole reply: the exact route scores the end of the turn after it (the
            top-logprobs route reads single tokens, which are whole candidates already).

    Raises:
        ValueError: Fewer than two candidates, or repeated candidates.
    """
    if len(options) < 2 or len(set(options)) != len(options):
        raise ValueError("log-probability scoring needs at least two distinct candidates")
    messages = _messages(input)
    exact = getattr(model.api, "option_logprobs", None)
    if exact is not None:
        logprobs = [float(v) for v in await exact(messages, list(options), whole=whole)]
        mass = sum(math.exp(v) for v in logprobs)
        return OptionScores(options=list(options), logprobs=logprobs, method="exact", mass=mass)
    return await _top_logprobs(model, messages, options)
