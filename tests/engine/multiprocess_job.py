"""Run by torchrun (two processes) in a test: a resumable training stage on the toy model, results as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assay._strict import Strict
from assay.engine import Stages
from assay.engine._runner import process_out
from assay.engine.training import TrainSettings, answer_loss, chat_prompt, make_batch, train_loop
from assay.models import load_local_model


class Trained(Strict):
    losses: list[float]
    after: float


def main(toy: str, out_dir: str) -> None:
    model, tok = load_local_model("hf", path=toy, device="cpu")
    pairs = [(chat_prompt(tok, f"Please repeat the word {w}."), w) for w in ("cat", "dog", "owl", "fox")] * 2
    for p in model.parameters():
        p.requires_grad_(True)
    settings = TrainSettings(epochs=2, learning_rate=1e-3, batch_size=4, method="full", seed=0)

    def train(_d: Path) -> Trained:
        losses = train_loop(
            model,
            len(pairs),
            lambda m, idx: answer_loss(m, make_batch(tok, [pairs[i] for i in idx])),
            settings,
        )
        return Trained(losses=losses, after=float(answer_loss(model, make_batch(tok, pairs)).detach()))

    out = process_out(Path(out_dir))
    st = Stages(out)
    result = st.run("train", "k", train, Trained)
    (out / "result.json").write_text(json.dumps({"result": result.model_dump(), "skipped": st.skipped}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
