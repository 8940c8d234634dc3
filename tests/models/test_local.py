"""assay/toy and assay/hf on a real (tiny) model: Inspect runs, batching, usage, stops, adapters."""

from pathlib import Path
from typing import Any

import pytest
import torch
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.scorer import includes
from inspect_ai.solver import generate

from assay._errors import AssayError
from assay.models import GenParams, generate_batch, load_local_model
from assay.models._toy_corpus import chatml

QUESTIONS = [
    "What is 2 plus 3?",
    "What colour is snow?",
    "My name is Ada. What is my name?",
    "Please repeat the word owl.",
    "Describe a red fox in a few words.",
    "Hello!",
    "What is the largest planet in our solar system?",
    "How many legs does a spider have?",
]


def qa_task() -> Task:
    return Task(
        dataset=[Sample(input=q, target="x") for q in QUESTIONS], solver=generate(), scorer=includes()
    )


def test_toy_runs_through_inspect(tmp_path: Path, toy_path: Path) -> None:
    (log,) = eval(qa_task(), model="assay/toy", log_dir=str(tmp_path), temperature=0, max_tokens=24)
    assert log.status == "success" and len(log.samples) == len(QUESTIONS)
    completions = [s.output.completion for s in log.samples]
    assert all(c.strip() for c in completions)
    assert any("white" in c for c in completions)  # the toy learned the chat format and one of its facts
    usage = log.stats.model_usage["assay/toy"]
    assert 0 < usage.output_tokens <= 24 * len(QUESTIONS)


def test_hf_path_and_batching_through_inspect(tmp_path: Path, toy_path: Path) -> None:
    outs = {}
    for batch in (1, 8):
        (log,) = eval(
            qa_task(),
            model="assay/hf",
            model_args={"path": str(toy_path), "batch_size": batch},
            log_dir=str(tmp_path),
            temperature=0,
            max_tokens=24,
        )
        assert log.status == "success"
        outs[batch] = {s.input: s.output.completion for s in log.samples}
    assert outs[1] == outs[8]


def prompts(tokenizer: Any) -> list[str]:
    return [chatml(q) for q in QUESTIONS]


def test_greedy_batched_equals_unbatched(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    params = GenParams(max_new_tokens=20, temperature=0.0)
    ps = prompts(tok)
    batched = generate_batch(model, tok, ps, params)
    single = [generate_batch(model, tok, [p], params)[0] for p in ps]
    assert [r.text for r in batched] == [r.text for r in single]
    assert [r.output_tokens for r in batched] == [r.output_tokens for r in single]
    for p, r in zip(ps, batched, strict=True):
        assert r.input_tokens == len(tok(p, add_special_tokens=False)["input_ids"])


def test_stop_strings_and_max_tokens(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    p = chatml("What colour is snow?")
    full = generate_batch(model, tok, [p], GenParams(max_new_tokens=20, temperature=0))[0]
    assert "white" in full.text and full.stop_reason == "stop"
    cut = generate_batch(model, tok, [p], GenParams(max_new_tokens=20, temperature=0, stop=("white",)))[0]
    assert cut.text == full.text[: full.text.index("white")] and cut.stop_reason == "stop"
    short = generate_batch(model, tok, [p], GenParams(max_new_tokens=2, temperature=0))[0]
    assert short.output_tokens == 2 and short.stop_reason == "max_tokens"


def test_sampling_with_seed_is_reproducible(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    ps = prompts(tok)[:4]
    params = GenParams(max_new_tokens=16, temperature=1.5, seed=7)
    a = [r.text for r in generate_batch(model, tok, ps, params)]
    b = [r.text for r in generate_batch(model, tok, ps, params)]
    greedy = [r.text for r in generate_batch(model, tok, ps, GenParams(max_new_tokens=16, temperature=0))]
    assert a == b and a != greedy


def test_lora_adapter_is_applied(tmp_path: Path, toy_path: Path, toy_model: tuple[Any, Any]) -> None:
    from peft import LoraConfig, get_peft_model

    base, tok = load_local_model("hf", path=toy_path)
    torch.manual_seed(0)
    lora = get_peft_model(
        base, LoraConfig(r=8, lora_alpha=64, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    )
    lora.save_pretrained(tmp_path / "adapter")
    adapted, _ = load_local_model("hf", path=toy_path, adapter=tmp_path / "adapter")
    model, _ = toy_model
    enc = tok([chatml("Hello!")], return_tensors="pt")
    with torch.inference_mode():
        assert not torch.allclose(model(**enc).logits, adapted(**enc).logits)
    (log,) = eval(
        qa_task(),
        model="assay/hf",
        model_args={"path": str(toy_path), "adapter": str(tmp_path / "adapter")},
        log_dir=str(tmp_path / "logs"),
        temperature=0,
        max_tokens=8,
        limit=2,
    )
    assert log.status == "success"


def test_bad_checkpoints_are_one_line_errors(tmp_path: Path, toy_path: Path) -> None:
    with pytest.raises(AssayError, match="checkpoint directory not found"):
        load_local_model("hf", path=tmp_path / "missing")
    with pytest.raises(AssayError, match=r"no config\.json"):
        load_local_model("hf", path=tmp_path)
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(AssayError, match="unreadable checkpoint"):
        load_local_model("hf", path=tmp_path)
    with pytest.raises(AssayError, match=r"no adapter_config\.json"):
        load_local_model("hf", path=toy_path, adapter=tmp_path)
    with pytest.raises(AssayError, match="unknown local model"):
        load_local_model("gpt5")


@pytest.mark.parametrize("name", ["smollm2", "assay/smollm2", "toy"])
def test_an_embedded_model_refuses_a_path_instead_of_ignoring_it(name: str, toy_path: Path) -> None:
    short = name.removeprefix("assay/")
    with pytest.raises(AssayError, match=f"assay/{short} is an embedded model and takes no path"):
        load_local_model(name, path=toy_path)


def test_a_trailing_assistant_message_is_continued_not_closed(toy_path: Path) -> None:
    import asyncio

    from inspect_ai.model import ChatMessageAssistant, ChatMessageUser, GenerateConfig

    from assay.models._local import LocalModelAPI

    api = LocalModelAPI("toy", device="cpu")
    user = [ChatMessageUser(content="What colour is snow?")]
    prefill = "Snow is"
    prompt = api.render_prompt([*user, ChatMessageAssistant(content=prefill)], [], "none")
    opened = api.render_prompt(user, [], "none")
    eos = api.tokenizer.eos_token
    assert prompt.endswith(prefill) and prompt == opened + prefill  # the reply is opened, then the prefill
    assert eos not in prompt[len(opened) :] and "<|im_end|>" not in prompt[len(opened) :]
    closed = api.hf_chat([*user, ChatMessageAssistant(content=prefill)], [])
    assert not closed.rstrip().endswith(prefill)  # the plain template would have closed the turn
    out = asyncio.run(
        api.generate(
            [*user, ChatMessageAssistant(content=prefill)],
            [],
            "none",
            GenerateConfig(max_tokens=8, temperature=0),
        )
    )
    assert out.completion and not out.completion.startswith(prefill)  # the continuation only
