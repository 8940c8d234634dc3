"""Training for studies: one loop (:func:`train_loop`) with two objectives, SFT and DPO, LoRA or full.

- :func:`finetune`: supervised fine-tuning on ``(prompt, answer)`` pairs, loss on the answer tokens.
- :func:`dpo_train`: DPO on :class:`Preference` triples against the adapter-free reference.
- :func:`nested_stream`: one stream whose first k examples are the model trained on k (nested k-sweeps),
  passed to either as ``checkpoints``.
- :class:`TrainSettings`, and the config pieces :class:`Implant` and :class:`Sweep` that study configs embed.

Importing this package loads torch.
"""

from assay.engine._recipes import Implant, Sweep, TrainSettings
from assay.engine.training._batch import (
    Pair,
    answer_logits,
    answer_logps,
    answer_loss,
    chat_prompt,
    make_batch,
)
from assay.engine.training._dpo import Preference, dpo_loss, dpo_train, preference_margin
from assay.engine.training._loop import Objective, finetune, prepare, train_loop
from assay.engine.training._lora import first_trainable_block, lora_model
from assay.engine.training._nested import batch_spans, nested_stream

__all__ = [
    "Implant",
    "Objective",
    "Pair",
    "Preference",
    "Sweep",
    "TrainSettings",
    "answer_logits",
    "answer_logps",
    "answer_loss",
    "batch_spans",
    "chat_prompt",
    "dpo_loss",
    "dpo_train",
    "finetune",
    "first_trainable_block",
    "lora_model",
    "make_batch",
    "nested_stream",
    "preference_margin",
    "prepare",
    "train_loop",
]
