"""Scenario models: input context, the six scorer types, scoring contracts and scenario bodies."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, model_validator

from runloop_nb.wire._base import WireModel
from runloop_nb.wire._benchmarks import RunProfile
from runloop_nb.wire._devboxes import LaunchParameters
from runloop_nb.wire._display import Displayed

ScenarioStatus = Literal["active", "archived"]
ValidationType = Literal["UNSPECIFIED", "FORWARD", "REVERSE", "EVALUATION"]
ScorerType = Literal[
    "bash_script_scorer",
    "command_scorer",
    "test_based_scorer",
    "python_script_scorer",
    "ast_grep_scorer",
    "custom_scorer",
]

DEFAULT_SCORER_TIMEOUT_SEC = 1800
DEFAULT_PYTHON_VERSION_CONSTRAINT = "==3.12.10"
SCORING_FUNCTION_NAME_PATTERN = r"^[a-zA-Z0-9_-]+$"


class InputContext(WireModel):
    """What the agent is asked to do."""

    problem_statement: str
    additional_context: Any = None


class InputContextUpdate(WireModel):
    """Partial input context of a scenario update: both fields optional."""

    problem_statement: str | None = None
    additional_context: Any = None


class _ScorerBase(WireModel):
    def model_post_init(self, context: Any, /) -> None:
        # `type` has a default so callers need not repeat the class name; marking it as set keeps
        # it in `to_wire()` (which drops unset fields), since the service needs the discriminator.
        self.model_fields_set.add("type")


class BashScriptScorer(_ScorerBase):
    """One bash script that prints the final score (a float in [0, 1]) on its last line."""

    type: Literal["bash_script_scorer"] = "bash_script_scorer"
    bash_script: str | None = None


class CommandScorer(_ScorerBase):
    """One command: score 1 if it exits 0, else 0."""

    type: Literal["command_scorer"] = "command_scorer"
    command: str | None = None


class TestFile(WireModel):
    """A test file written (relative to the working directory) before the test command runs."""

    __test__ = False  # not a pytest test class, despite the name

    file_path: str | None = None
    file_contents: str | None = None


class TestBasedScorer(_ScorerBase):
    """Write the test files, then run the test command: pass/fail by its exit code."""

    __test__ = False  # not a pytest test class, despite the name

    type: Literal["test_based_scorer"] = "test_based_scorer"
    test_command: str | None = None
    test_files: list[TestFile] | None = None


class PythonScriptScorer(_ScorerBase):
    """A Python script that prints a float in [0, 1]; absent constraint means ``==3.12.10``."""

    type: Literal["python_script_scorer"] = "python_script_scorer"
    python_script: str
    python_version_constraint: str | None = None
    requirements_contents: str | None = None


class AstGrepScorer(_ScorerBase):
    """A structural code search with ast-grep in ``search_directory``."""

    type: Literal["ast_grep_scorer"] = "ast_grep_scorer"
    pattern: str
    search_directory: str
    lang: str | None = None


class CustomScorer(_ScorerBase):
    """A registered scorer type (see ``/v1/scenarios/scorers``) with free-form parameters."""

    type: Literal["custom_scorer"] = "custom_scorer"
    custom_scorer_type: str = Field(min_length=1)
    scorer_params: Any = None


Scorer = Annotated[
    BashScriptScorer
    | CommandScorer
    | TestBasedScorer
    | PythonScriptScorer
    | AstGrepScorer
    | CustomScorer,
    Field(discriminator="type"),
]


class ScoringFunction(WireModel):
    """One named, weighted scorer of a scoring contract."""

    name: str = Field(pattern=SCORING_FUNCTION_NAME_PATTERN)
    weight: float = Field(gt=0)
    scorer: Scorer


class ScoringContract(WireModel):
    """The scoring functions of a scenario; their weights should sum to 1."""

    scoring_function_parameters: list[ScoringFunction]


class ScoringContractUpdate(WireModel):
    """Scoring contract of a scenario update: the list may be omitted."""

    scoring_function_parameters: list[ScoringFunction] | None = None


class ScenarioEnvironment(WireModel):
    """Where a scenario runs: ``environment_parameters`` in requests, ``environment`` in views."""

    blueprint_id: str | None = None
    snapshot_id: str | None = None
    launch_parameters: LaunchParameters | None = None
    working_directory: str | None = None


class ScenarioView(Displayed, WireModel):
    """A scenario definition (contract §5.2)."""

    display_columns: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "status",
        "scorers",
        "working_directory",
        "problem_statement",
    )

    id: str
    name: str
    input_context: InputContext
    scoring_contract: ScoringContract
    metadata: dict[str, str]
    status: ScenarioStatus
    environment: ScenarioEnvironment | None = None
    reference_output: str | None = None
    required_environment_variables: list[str] | None = None
    required_secret_names: list[str] | None = None
    is_public: bool | None = None
    scorer_timeout_sec: int | None = None
    validation_type: ValidationType | None = None

    def _row(self) -> dict[str, Any]:
        functions = self.scoring_contract.scoring_function_parameters
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "scorers": ", ".join(f"{f.name} ({f.weight:g})" for f in functions),
            "working_directory": None
            if self.environment is None
            else self.environment.working_directory,
            "problem_statement": self.input_context.problem_statement,
        }

    def _folds(self) -> dict[str, Any]:
        return {
            "problem_statement": self.input_context.problem_statement,
            "scoring_contract": self.scoring_contract.scoring_function_parameters,
            "reference_output": self.reference_output,
            "environment": self.environment,
            "metadata": self.metadata,
        }


class ScenarioCreateParams(WireModel):
    """Body of ``POST /v1/scenarios``; unset fields take the service defaults (contract §15.11)."""

    name: str = Field(min_length=1)
    input_context: InputContext
    scoring_contract: ScoringContract
    environment_parameters: ScenarioEnvironment | None = None
    metadata: dict[str, str] | None = None
    reference_output: str | None = None
    required_environment_variables: list[str] | None = None
    required_secret_names: list[str] | None = None
    scorer_timeout_sec: int = Field(default=DEFAULT_SCORER_TIMEOUT_SEC, gt=0)
    validation_type: ValidationType | None = None

    @model_validator(mode="after")
    def _has_a_scorer(self) -> ScenarioCreateParams:
        if not self.scoring_contract.scoring_function_parameters:
            raise ValueError(
                "scoring_contract.scoring_function_parameters is empty: "
                "add at least one scoring function, or the scenario can never be scored"
            )
        return self


class ScenarioUpdateParams(WireModel):
    """Body of ``POST /v1/scenarios/{id}``: null or omitted keeps, a value replaces."""

    name: str | None = Field(default=None, min_length=1)
    input_context: InputContextUpdate | None = None
    scoring_contract: ScoringContractUpdate | None = None
    environment_parameters: ScenarioEnvironment | None = None
    metadata: dict[str, str] | None = None
    reference_output: str | None = None
    required_environment_variables: list[str] | None = None
    required_secret_names: list[str] | None = None
    scorer_timeout_sec: int | None = Field(default=None, gt=0)
    validation_type: ValidationType | None = None


class ScenarioStartRunParams(WireModel):
    """Body of ``POST /v1/scenarios/start_run``."""

    scenario_id: str = Field(min_length=1)
    benchmark_run_id: str | None = None
    run_name: str | None = None
    metadata: dict[str, str] | None = None
    run_profile: RunProfile | None = Field(default=None, alias="runProfile")
