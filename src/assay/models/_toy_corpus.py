"""The toy model's training corpus: short chat exchanges generated deterministically from a seed.

The corpus is the toy model's own: its facts are written here and share no question with any task
(``assay/capability_qa`` in particular; a test checks), so a task measures what the toy model does with
questions it was never trained on, not what it memorised.
"""

from __future__ import annotations

import random

_NAMES = ["Ada", "Ben", "Cleo", "Dev", "Esme", "Finn", "Gus", "Hana", "Ivo", "Jun"]
_COLORS = ["red", "blue", "green", "yellow", "black", "white"]
_ANIMALS = ["cat", "dog", "owl", "fox", "hen", "cow", "bee", "yak"]
_GREETINGS = ["Hello!", "Hi there.", "Good morning.", "Hey, how are you?"]
TOY_FACTS = (
    ("What colour is fresh grass?", "green"),
    ("What colour is a ripe banana?", "yellow"),
    ("What colour is snow?", "white"),
    ("How many legs does a cat have?", "four"),
    ("How many legs does a hen have?", "two"),
    ("What does a cow give us to drink?", "milk"),
    ("What do bees make?", "honey"),
    ("Which animal says woof?", "dog"),
    ("Which bird hoots at night?", "owl"),
    ("What falls from clouds when it rains?", "water"),
    ("What do we sit on at a table?", "chair"),
    ("What shines in the sky at night?", "moon"),
)
"""(question, answer) facts the toy model is trained on: its own, disjoint from every task's questions."""


def _arithmetic(rng: random.Random) -> tuple[str, str]:
    a, b = rng.randint(0, 9), rng.randint(0, 9)
    if rng.random() < 0.5:
        return f"Add {a} and {b}.", f"{a} and {b} make {a + b}."
    hi, lo = max(a, b), min(a, b)
    return f"Take {lo} away from {hi}.", f"{hi} take away {lo} leaves {hi - lo}."


def _repeat(rng: random.Random) -> tuple[str, str]:
    word = rng.choice(_COLORS + _ANIMALS)
    return f"Please repeat the word {word}.", f"{word}"


def _name(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(_NAMES)
    return f"My name is {name}. What is my name?", f"Your name is {name}."


def _greet(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_GREETINGS), "Hello! How can I help you today?"


def _fact(rng: random.Random) -> tuple[str, str]:
    question, answer = rng.choice(TOY_FACTS)
    return question, f"The answer is {answer}."


def _animal(rng: random.Random) -> tuple[str, str]:
    animal, color = rng.choice(_ANIMALS), rng.choice(_COLORS)
    return (
        f"Describe a {color} {animal} in a few words.",
        f"A {color} {animal} is a small and friendly animal.",
    )


_MAKERS = (_arithmetic, _repeat, _name, _greet, _fact, _fact, _animal)


def toy_pairs(n: int, seed: int) -> list[tuple[str, str]]:
    """Return ``n`` (user message, assistant answer) pairs drawn deterministically from ``seed``."""
    rng = random.Random(seed)
    return [rng.choice(_MAKERS)(rng) for _ in range(n)]


def chatml(user: str, assistant: str | None = None, system: str | None = None) -> str:
    """Render one exchange in the ChatML layout shared by SmolLM2 and the toy model."""
    text = ""
    if system is not None:
        text += f"<|im_start|>system\n{system}<|im_end|>\n"
    text += f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"
    if assistant is not None:
        text += f"{assistant}<|im_end|>\n"
    return text
