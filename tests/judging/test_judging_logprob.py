"""Log-probability scoring: the exact route on a real (tiny) local model, the top-logprobs route, refusal."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageUser,
    GenerateConfig,
    Logprob,
    Logprobs,
    ModelOutput,
    TopLogprob,
    get_model,
)

from assay.activations import choice_logps
from assay.judging import OptionScores, score_options

PROMPT = "Is the sky blue? Answer yes or no."


@pytest.fixture(scope="module")
def toy() -> Any:
    return get_model("assay/toy", memoize=False)


def test_exact_route_equals_the_forward_pass_on_the_rendered_prompt(toy: Any) -> None:
    options = ["yes", "no", "maybe so"]
    scores = asyncio.run(score_options(toy, PROMPT, options))
    assert scores is not None and scores.method == "exact" and scores.options == options
    prompt = toy.api.render_prompt([ChatMessageUser(content=PROMPT)], [], "none")
    direct = choice_logps(toy.api.model, toy.api.tokenizer, [prompt], [options])[0]
    assert scores.logprobs == pytest.approx(direct, abs=1e-4)
    assert 0 < scores.mass <= 1 and math.isclose(sum(scores.probabilities()), 1.0)


def test_the_best_option_is_what_greedy_generation_starts_with(toy: Any) -> None:
    reply = asyncio.run(toy.generate(PROMPT, config=GenerateConfig(temperature=0.0, max_tokens=1))).completion
    tokenizer = toy.api.tokenizer
    vocab = [tokenizer.decode([i]) for i in range(50, 90)]
    options = list(dict.fromkeys([reply, *[v for v in vocab if v.strip() and v != reply]]))[:12]
    scores = asyncio.run(score_options(toy, PROMPT, options))
    assert scores is not None and scores.best() == reply


def test_whole_replies_do_not_take_the_mass_of_longer_ones(toy: Any) -> None:
    prefix = asyncio.run(score_options(toy, PROMPT, ["1", "10"]))
    whole = asyncio.run(score_options(toy, PROMPT, ["1", "10"], whole=True))
    assert prefix is not None and whole is not None
    assert prefix.logprobs[0] > prefix.logprobs[1]  # "1" as a prefix includes every reply starting with 1
    assert whole.logprobs[0] < prefix.logprobs[0]  # "1" then the end of the turn is less likely


class _TopModel:
    """A stand-in API model that reports top log-probabilities for its one generated token."""

    api = object()

    def __init__(self, tops: dict[str, float]) -> None:
        self.tops = tops

    async def generate(self, input: list[ChatMessage], config: GenerateConfig) -> ModelOutput:
        assert config.logprobs and config.top_logprobs and config.max_tokens == 1
        token, lp = next(iter(self.tops.items()))
        alts = [TopLogprob(token=t, logprob=v) for t, v in self.tops.items()]
        content = [Logprob(token=token, logprob=lp, top_logprobs=alts)]
        choice = ChatCompletionChoice(
            message=ChatMessageAssistant(content=token), logprobs=Logprobs(content=content)
        )
        return ModelOutput(model="api", choices=[choice])


def test_top_logprobs_route_maps_single_tokens() -> None:
    model = _TopModel({"7": math.log(0.5), " 8": math.log(0.3), "x": math.log(0.2)})
    scores = asyncio.run(score_options(model, "rate", [str(i) for i in range(1, 11)]))  # type: ignore[arg-type]
    assert scores is not None and scores.method == "top_logprobs"
    assert scores.mass == pytest.approx(0.8) and scores.best() == "7"
    assert scores.expectation(list(range(1, 11))) == pytest.approx((7 * 0.5 + 8 * 0.3) / 0.8)


def test_too_little_mass_on_the_options_is_no_reading() -> None:
    model = _TopModel({"The": math.log(0.9), "7": math.log(0.05)})
    assert asyncio.run(score_options(model, "rate", ["7", "8"])) is None  # type: ignore[arg-type]


def test_a_model_without_log_probabilities_gives_none(tmp_path: Any) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("- text: seven\n")
    model = get_model("assay/scripted", script=str(path), memoize=False)
    assert asyncio.run(score_options(model, "rate", ["7", "8"])) is None
    with pytest.raises(ValueError, match="two distinct"):
        asyncio.run(score_options(model, "rate", ["7", "7"]))


def test_option_scores_arithmetic() -> None:
    s = OptionScores(options=["a", "b"], logprobs=[math.log(0.2), math.log(0.6)], method="exact", mass=0.8)
    assert s.probabilities() == pytest.approx([0.25, 0.75]) and s.best() == "b"
    assert s.expectation([0, 100]) == pytest.approx(75.0)
    with pytest.raises(ValueError):
        s.expectation([1])
