"""The tally study: the smallest study that follows the recipe in docs/architecture.md.

``tests/test_recipes.py`` puts this folder on ``assay.studies``'s path, exactly as if it were
``src/assay/studies/tally/``, and runs it with ``assay study tally --fast`` with nothing else edited.
"""

from assay.studies.tally._study import tally_study

__all__ = ["tally_study"]
