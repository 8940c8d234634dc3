"""The echo family: the smallest task family that follows the recipe in docs/architecture.md.

``tests/test_recipes.py`` puts this folder on ``assay.tasks``'s path, exactly as if it were
``src/assay/tasks/echo/``, and checks that nothing else has to be edited for it to work.
"""

from assay.tasks.echo._task import echo_words

__all__ = ["echo_words"]
