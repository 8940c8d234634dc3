"""Run by ``accelerate launch`` in a test: a few SFT steps on the toy model, losses written as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assay.engine.training import TrainSettings, answer_loss, chat_prompt, make_batch, train_loop
from assay.models import load_local_model


def main(toy: str, out: str) -> None:
    model, tok = load_local_model("hf", path=toy, device="cpu")
    pairs = [(chat_prompt(tok, f"Please repeat the word {w}."), w) for w in ("cat", "dog", "owl", "fox")] * 2
    for p in model.parameters():
        p.requires_grad_(True)
    settings = TrainSettings(epochs=2, learning_rate=1e-3, batch_size=4, method="full", seed=0)
    before = float(answer_loss(model, make_batch(tok, pairs)))
    losses = train_loop(
        model, len(pairs), lambda m, idx: answer_loss(m, make_batch(tok, [pairs[i] for i in idx])), settings
    )
    after = float(answer_loss(model, make_batch(tok, pairs)))
    from accelerate import PartialState

    Path(out).write_text(
        json.dumps(
            {"losses": losses, "before": before, "after": after, "processes": PartialState().num_processes}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
