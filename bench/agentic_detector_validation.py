"""Measure the agentic deterministic detector against human labels and write the committed result.

Two labelled sets, each compared on the detector's harmful verdict (Cohen's kappa with its 95 % interval):
the transcripts the detector's cues were written with (tuned on) and the held-out replies
(``src/assay/tasks/agentic/data/detector_heldout_labels.jsonl``). The agentic scorer attaches the result to
every score, and the checklist's S3.5 reads the held-out figure.

Run: ``.venv/bin/python bench/agentic_detector_validation.py`` after any change to the detector or the
scenarios' facts. Writes ``src/assay/tasks/agentic/data/detector_validation.yaml``.
"""

from __future__ import annotations

from assay.tasks.agentic._detector_validation import measure_detector_validation, write_detector_validation


def main() -> None:
    """Write the result file and print each set's agreement."""
    path = write_detector_validation()
    for s in measure_detector_validation().sets:
        a = s.agreement
        kind = "tuned on" if s.tuned_on_labels else "held out"
        print(
            f"{s.label_set} ({kind}): kappa {a.kappa:.3f} [{a.ci_low:.3f}, {a.ci_high:.3f}] "
            f"n={a.n} accuracy {a.accuracy:.3f}; {len(s.disagreements)} disagreement(s)"
        )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
