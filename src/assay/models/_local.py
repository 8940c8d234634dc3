"""``assay/smollm2``, ``assay/toy`` and ``assay/hf``: local causal LMs as an Inspect model API.

Built on Inspect's own ``hf`` provider (loading, chat template), with what it lacks for offline research
use: weights resolved from assay's caches, LoRA adapters, temperature 0 as greedy decoding, stop strings
cut from the text, per-request token usage without padding, a low-latency batch scheduler, and tool use
through a text protocol (:mod:`assay.models._toolproto`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.model._providers.hf import HuggingFaceAPI
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo

from assay._errors import AssayError
from assay._precision import mark_precision
from assay.models._api import AssayModelAPI
from assay.models._batching import BatchScheduler
from assay.models._checkpoint import check_checkpoint
from assay.models._device import check_precision, resolve_device, resolve_precision
from assay.models._generate import GenParams, GenResult, generate_batch
from assay.models._load import small_model_fallback
from assay.models._openmp import release_openmp_threads
from assay.models._organism import OrganismStack, is_organism, organism_stack
from assay.models._resolve import checkpoint_path
from assay.models._toolproto import parse_tool_calls, to_plain_messages

DEFAULT_MAX_TOKENS = 256
DEFAULT_BATCH = 16

#: Prompt x option rows scored in one forward pass: each row keeps its own copy of the prompt's key/value
#: cache, so 16 prompts x 101 scale points would hold 1,616 copies (about 15 GB for SmolLM2 at 200 tokens).
MAX_OPTION_ROWS = 256


def resolve_checkpoint(model_name: str, model_args: dict[str, Any]) -> Path:
    """Return the checkpoint directory for ``assay/<model_name>``, consuming its own model args.

    ``assay/hf``'s ``path`` is a checkpoint directory or a hub id already in the local Hugging Face cache
    (:func:`assay.models._resolve.checkpoint_path`; nothing is downloaded).

    Raises:
        AssayError: A required arg is missing, a ``path`` is given to an embedded model (``smollm2``,
            ``toy``), which would otherwise load its own weights and ignore it, or the directory is not a
            readable checkpoint (nor a cached hub id).
    """
    if model_name in ("smollm2", "toy") and "path" in model_args:
        raise AssayError(
            f"assay/{model_name} is an embedded model and takes no path (got path={model_args['path']}); "
            "load a checkpoint directory as assay/hf with path=DIR"
        )
    if model_name == "smollm2":
        from assay.models._smollm2 import smollm2_dir

        return smollm2_dir()
    if model_name == "toy":
        from assay.models._toy import ToyConfig, toy_dir

        seed = model_args.pop("seed", 0)
        try:
            return toy_dir(ToyConfig(seed=int(seed)))
        except ValueError:
            raise AssayError(f"assay/toy: seed must be an integer, got {seed!r}") from None
    path = model_args.pop("path", None)
    if path is None:
        raise AssayError("assay/hf needs a checkpoint directory: -M path=DIR (or a cached hub id)")
    return checkpoint_path(str(path))


class LocalModelAPI(AssayModelAPI, HuggingFaceAPI):
    """A local causal LM served to Inspect with batched generation.

    Model args (``-M``): ``path`` (``assay/hf``, required: a checkpoint directory, or an organism directory,
    whose base is loaded and its adapters merged in order), ``adapter`` (a LoRA adapter directory),
    ``seed`` (``assay/toy``), ``device`` (``auto``: CUDA when present, else CPU), ``dtype`` (``auto``: bf16
    autocast on CUDA and on CPUs with bf16 matrix units, fp32 elsewhere; or ``bf16-autocast``, ``float32``,
    ``bfloat16``, ``float16``), ``batch_size`` (largest batch,
    default 16).
    Decoding is greedy unless ``temperature`` > 0.
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        source, stack = organism_source(model_name, model_args)
        checkpoint = resolve_checkpoint(source, model_args)
        adapter = model_args.pop("adapter", None)
        batch_size = int(model_args.pop("batch_size", DEFAULT_BATCH))
        model_args["device"] = resolve_device(model_args.get("device", "auto"))
        precision = check_precision(resolve_precision(model_args.pop("dtype", "auto"), model_args["device"]))
        model_args["dtype"] = getattr(torch, precision.weights)
        try:
            HuggingFaceAPI.__init__(
                self, model_name, base_url, api_key, config, model_path=str(checkpoint), **model_args
            )
        except (OSError, ValueError) as ex:
            raise AssayError(f"unreadable checkpoint {checkpoint}: {str(ex).splitlines()[0]}") from None
        except (
            TypeError
        ) as ex:  # a -M the model's loader does not take: "... unexpected keyword argument 'x'"
            unknown = sorted(k for k in model_args if f"'{k}'" in str(ex))
            if "unexpected keyword argument" not in str(ex) or not unknown:
                raise
            raise AssayError(f"assay/{model_name}: unknown model arg(s): {', '.join(unknown)}") from None
        self.model = merge_adapters(self.model, stack, adapter)
        self.model.eval()
        # the same size rule as load_local_model: auto's autocast gains nothing on a tiny model's matrices
        mark_precision(self.model, small_model_fallback(precision, getattr(self.model, "config", None)))
        self.checkpoint = checkpoint
        self._batch_size = batch_size
        self.scheduler: BatchScheduler[GenParams, GenResult] = BatchScheduler(
            self._run_batch, max_batch=batch_size
        )
        self.option_scheduler: BatchScheduler[tuple[str, ...], list[float]] = BatchScheduler(
            self._score_batch, max_batch=batch_size
        )

    def _run_batch(self, prompts: list[str], params: GenParams) -> list[GenResult]:
        """Run one batch (in the scheduler's worker thread), then give back the thread's OpenMP workers."""
        try:
            return generate_batch(self.model, self.tokenizer, prompts, params)
        finally:
            release_openmp_threads()  # the next batch may run in another worker thread

    def _score_batch(self, prompts: list[str], options: tuple[str, ...]) -> list[list[float]]:
        """Score one batch of prompts that share their options (in the scheduler's worker thread)."""
        from assay.activations import choice_logps

        per_pass = max(1, min(self._batch_size, MAX_OPTION_ROWS // len(options)))
        try:
            return choice_logps(self.model, self.tokenizer, prompts, [list(options)] * len(prompts), per_pass)
        finally:
            release_openmp_threads()

    async def option_logprobs(
        self, input: list[ChatMessage], options: Sequence[str], whole: bool = False
    ) -> list[float]:
        """``log p(option | conversation)`` of each option as the start of the assistant's reply.

        Exact: one forward pass over the rendered conversation (the same text :meth:`generate` continues),
        the options scored from its cache; concurrent requests with the same options run as one batch.
        With ``whole``, each option is the whole reply: the end-of-turn token is scored after it, so "1"
        does not take the probability of "10".
        """
        prompt = self.render_prompt(input, [], "none")
        end = str(self.tokenizer.eos_token or "") if whole else ""
        release_openmp_threads()  # this thread waits while a worker thread computes (see _openmp)
        return await self.option_scheduler.submit(prompt, tuple(o + end for o in options))

    def max_tokens(self) -> int | None:
        """Default generation budget for small local models."""
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        """Concurrent requests Inspect sends: the batch size."""
        return self._batch_size

    def render_prompt(self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice) -> str:
        """Return the exact prompt text the model sees for this conversation.

        A conversation ending in an assistant message is a prefill: the prompt is the conversation before
        it, opened for the assistant's reply, followed by the prefill's text with no end-of-turn token, so
        the model continues it (the reply returned is the continuation only).
        """
        plain = to_plain_messages(input, tools, tool_choice)
        if input and input[-1].role == "assistant" and plain and plain[-1].role == "assistant":
            return self.hf_chat(plain[:-1], []) + plain[-1].text
        return self.hf_chat(plain, [])

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """Generate one reply, batched with concurrent requests; tool calls parsed from the text."""
        prompt = self.render_prompt(input, tools, tool_choice)
        params = GenParams(
            max_new_tokens=config.max_tokens or DEFAULT_MAX_TOKENS,
            temperature=config.temperature,
            top_p=config.top_p,
            top_k=config.top_k,
            seed=config.seed,
            stop=tuple(config.stop_seqs or ()),
        )
        release_openmp_threads()  # this thread waits while a worker thread computes (see _openmp)
        result = await self.scheduler.submit(prompt, params)
        text, calls = result.text, list[ToolCall]()
        if tools and tool_choice != "none":
            text, calls = parse_tool_calls(result.text, id_prefix=f"{self.model_name}-{len(input)}")
        message = ChatMessageAssistant(
            content=text, tool_calls=calls or None, model=self.model_name, source="generate"
        )
        stop_reason = "tool_calls" if calls else result.stop_reason
        return ModelOutput(
            model=self.model_name,
            choices=[ChatCompletionChoice(message=message, stop_reason=stop_reason)],  # type: ignore[arg-type]
            usage=ModelUsage(
                input_tokens=result.input_tokens,
                output_tokens=result.output_tokens,
                total_tokens=result.input_tokens + result.output_tokens,
            ),
        )


def organism_source(model_name: str, model_args: dict[str, Any]) -> tuple[str, OrganismStack | None]:
    """``(name, stack)``: what :func:`resolve_checkpoint` loads for ``assay/<model_name>``, and the organism.

    When ``assay/hf``'s ``path`` is an organism directory, ``path`` in ``model_args`` is replaced by its
    base's (none for an embedded base, whose name is returned) and its base revision checked; otherwise
    the stack is ``None``. ``assay/hf/<label>`` is ``assay/hf`` under a name of its own.

    Raises:
        AssayError: An unreadable organism, a base at another revision, a changed parent.
    """
    source = model_name.split("/")[0]
    path = model_args.get("path")
    if source != "hf" or path is None or not is_organism(str(path)):
        return source, None
    stack = organism_stack(str(path))
    del model_args["path"]
    source, base_args = stack.load_args()
    model_args.update(base_args)
    stack.check_base()
    return source, stack


def merge_adapters(model: Any, stack: OrganismStack | None, adapter: str | Path | None) -> Any:
    """``model`` with an organism's adapters (root first), then ``adapter``, merged in."""
    for directory in (
        *(stack.adapters if stack else ()),
        *(() if adapter is None else (Path(str(adapter)),)),
    ):
        model = load_adapter(model, directory)
    return model


def load_adapter(model: Any, adapter: Path) -> Any:
    """Apply the LoRA adapter saved in ``adapter`` to ``model`` (merged, for plain inference speed)."""
    from peft import PeftModel

    check_checkpoint(adapter, marker="adapter_config.json")
    return PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
