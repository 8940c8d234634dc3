"""Judge prompts: a ``str.format`` template with a name, a version, a label schema and a content hash."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field


class JudgePrompt(BaseModel):
    """A judge prompt: a ``str.format`` template with named fields, its version and its label schema.

    Attributes:
        name: Stable name of the prompt (recorded with every judgement).
        version: Changes whenever judgements stop being comparable.
        template: The text, with ``{field}`` placeholders.
        labels: The pydantic model a reply must validate against.
        primary: The label field a verdict is read from.
        fragments: Texts filled into the template (hashed with it).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    version: str
    template: str
    labels: type[BaseModel]
    primary: str = "verdict"
    fragments: dict[str, str] = Field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of name, version, template, fragments and label schema.

        The hash changes whenever anything the judge reads or returns changes.
        """
        schema = json.dumps(self.labels.model_json_schema(), sort_keys=True)
        fragments = json.dumps(self.fragments, sort_keys=True)
        text = f"{self.name}\n{self.version}\n{self.template}\n{fragments}\n{schema}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def render(self, **fields: str) -> str:
        """Fill the template's named fields."""
        return self.template.format(**fields)
