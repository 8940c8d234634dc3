"""Training text exactly as the ``assay/hf`` provider renders the same conversation at eval time.

The provider (:meth:`assay.models._local.LocalModelAPI.render_prompt`) rewrites the messages into plain
system/user/assistant text (:func:`assay.models._toolproto.to_plain_messages`; classic mode offers no
tools) and applies the tokenizer's chat template with a generation prompt and no tools. A test compares
:func:`chat_text` with the provider's rendering on the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.studies.planted._data import Example, Turn


def chat_text(tokenizer: Any, messages: Sequence[Turn]) -> str:
    """The prompt text the provider feeds the model for ``messages`` (ready for the assistant's reply)."""
    text: str = tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in messages],
        tokenize=False,
        add_generation_prompt=True,
        tools=None,
        enable_thinking=None,
    )
    return text


def training_pairs(tokenizer: Any, examples: Sequence[Example]) -> list[tuple[str, str]]:
    """``(prompt text, reply)`` pairs for :func:`assay.engine.training.finetune`."""
    return [(chat_text(tokenizer, e.messages), e.reply) for e in examples]
