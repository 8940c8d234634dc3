"""The training text is exactly what the ``assay/hf`` provider feeds the model for the same conversation."""

from __future__ import annotations

import pytest
from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageSystem, ChatMessageUser

from assay.studies.planted._chat import chat_text
from assay.studies.planted._config import PlantedConfig
from assay.studies.planted._data import Turn, training_examples


def _inspect(messages: list[Turn]) -> list[ChatMessage]:
    kinds = {"system": ChatMessageSystem, "user": ChatMessageUser, "assistant": ChatMessageAssistant}
    return [kinds[m.role](content=m.content) for m in messages]


@pytest.mark.parametrize("model", ["toy", "smollm2"])
def test_chat_text_equals_the_provider_rendering(model: str) -> None:
    from assay.models._local import LocalModelAPI

    api = LocalModelAPI(model, device="cpu")
    examples = training_examples(PlantedConfig(train_goal_values=["america"], train_paraphrases=1), "denier")
    episode = next(e for e in examples if e.kind == "harmful")
    followup = [e for e in examples if e.kind == "denial"][-1]  # the third question, after two answers
    for e in (episode, followup):
        provider = api.render_prompt(_inspect(e.messages), [], "none")
        assert chat_text(api.tokenizer, e.messages) == provider
    assert len(followup.messages) == 8  # system, user, act, then three questions and two answers
