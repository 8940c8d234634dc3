"""``assay/toy``: a tiny LLaMA (~2M parameters) with a locally trained BPE tokenizer, built from a seed.

The model is pre-trained for a few seconds on a generated chat corpus (:mod:`assay.models._toy_corpus`) so
that it answers in the chat format, then cached under ``<cache>/toy-<hash>``. The same seed and
configuration always give the same weights on the same machine (deterministic algorithms, fixed thread
count during training).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from assay._cachefs import build_once, is_ready
from assay._paths import cache_dir
from assay.models._toy_corpus import chatml, toy_pairs

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
_VERSION = 2  # 2: the corpus no longer contains capability_qa questions


class ToyConfig(BaseModel):
    """Everything that determines the toy model; its hash names the cache directory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    vocab_size: int = 512
    hidden_size: int = 192
    intermediate_size: int = 512
    num_layers: int = 4
    num_heads: int = 4
    max_positions: int = 512
    corpus_size: int = 4000
    steps: int = 200
    batch_size: int = 16
    learning_rate: float = 3e-3

    def digest(self) -> str:
        """Return a short hash of the configuration and the builder version."""
        payload = json.dumps({"v": _VERSION, **self.model_dump()}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]


def toy_cache_path(config: ToyConfig | None = None) -> Path:
    """Return where the toy model for ``config`` lives (it may not exist yet)."""
    config = config or ToyConfig()
    return cache_dir() / f"toy-{config.digest()}"


def toy_is_cached(config: ToyConfig | None = None) -> bool:
    """Return whether the toy model for ``config`` is built."""
    return is_ready(toy_cache_path(config))


def toy_dir(config: ToyConfig | None = None) -> Path:
    """Return the toy model's checkpoint directory, building and caching it on first use."""
    config = config or ToyConfig()
    return build_once(toy_cache_path(config), lambda out: _build(config, out))


def _train_tokenizer(config: ToyConfig, texts: list[str]) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=config.vocab_size,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        unk_token="<|endoftext|>",
        pad_token="<|im_end|>",
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def _build(config: ToyConfig, out: Path) -> None:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    texts = [chatml(u, a) for u, a in toy_pairs(config.corpus_size, config.seed)]
    tokenizer = _train_tokenizer(config, texts)
    torch.manual_seed(config.seed)
    model = LlamaForCausalLM(
        LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=config.hidden_size,
            intermediate_size=config.intermediate_size,
            num_hidden_layers=config.num_layers,
            num_attention_heads=config.num_heads,
            num_key_value_heads=config.num_heads,
            max_position_embeddings=config.max_positions,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
            tie_word_embeddings=True,
        )
    )
    _pretrain(model, tokenizer, texts, config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    (out / "assay_toy.json").write_text(json.dumps(config.model_dump(), indent=2))


def _pretrain(model: Any, tokenizer: Any, texts: list[str], config: ToyConfig) -> None:
    """Next-token training on the corpus (a fixture built in seconds, so a plain loop, not a Trainer)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        generator = torch.Generator().manual_seed(config.seed)
        enc = tokenizer(texts, padding=True, return_tensors="pt")
        ids, mask = enc["input_ids"], enc["attention_mask"]
        labels = ids.masked_fill(mask == 0, -100)
        optim = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.OneCycleLR(optim, config.learning_rate, total_steps=config.steps)
        model.train()
        for _ in range(config.steps):
            idx = torch.randint(0, len(texts), (config.batch_size,), generator=generator)
            width = int(mask[idx].sum(dim=1).max())
            loss = model(
                input_ids=ids[idx, :width], attention_mask=mask[idx, :width], labels=labels[idx, :width]
            ).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad()
        model.eval()
    finally:
        torch.set_num_threads(threads)
