"""Model panels: one grid against several models (Inspect ``eval_set``, resumable) and their comparison."""

from assay.panels._config import PanelModel, PanelSpec, load_panel
from assay.panels._format import format_panel_report
from assay.panels._report import ModelRank, PanelReport, panel_report
from assay.panels._run import PanelRun, run_panel

__all__ = [
    "ModelRank",
    "PanelModel",
    "PanelReport",
    "PanelRun",
    "PanelSpec",
    "format_panel_report",
    "load_panel",
    "panel_report",
    "run_panel",
]
