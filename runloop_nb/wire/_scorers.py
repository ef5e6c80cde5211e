"""Custom scorer models: a registered scorer type and its bash script."""

from __future__ import annotations

from pydantic import Field

from runloop_nb.wire._base import WireModel


class ScenarioScorerView(WireModel):
    """A registered custom scorer; ``type`` is the name scenarios refer to."""

    id: str
    type: str
    bash_script: str


class ScorerCreateParams(WireModel):
    """Body of ``POST /v1/scenarios/scorers``; the script reads ``$RL_SCORER_CONTEXT``."""

    type: str = Field(min_length=1)
    bash_script: str = Field(min_length=1)


class ScorerUpdateParams(WireModel):
    """Body of ``POST /v1/scenarios/scorers/{id}``: a full replace, so both fields are required."""

    type: str = Field(min_length=1)
    bash_script: str = Field(min_length=1)
