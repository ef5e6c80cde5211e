"""ScenarioBuilder: author a scenario fluently, check it locally, then create it with the client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import pydantic

from runloop_nb.authoring._directory import default_working_directory, snapshot_directory
from runloop_nb.authoring._scorers import (
    TestFiles,
    normalised,
    require_string,
    require_text,
    scorer_test_files,
    scoring_function,
    string_list,
)
from runloop_nb.wire import ScenarioCreateParams, ScenarioView, ValidationType

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient


class ScenarioBuilder:
    """Builds the create parameters of a scenario step by step (Runloop SDK 1.32 semantics).

    Every `with_*`/`add_*`/`from_*` method checks its own arguments at once and returns the
    builder, so calls chain. `build()` checks the whole scenario (a problem statement and at
    least one scorer) and normalises scorer weights to sum to 1; `await push()` creates it.

    Example:
        >>> scenario = await (
        ...     ScenarioBuilder(client, "fix-add")
        ...     .from_directory("./my_repo")
        ...     .with_problem_statement("add() returns a - b; make it return a + b")
        ...     .add_test_command_scorer("tests", test_command="python -m pytest -q")
        ...     .with_reference_output("sed -i 's/a - b/a + b/' calc.py")
        ...     .push()
        ... )
    """

    def __init__(self, client: RunloopClient, name: str) -> None:
        """Start a scenario called `name` that `push()` creates through `client`.

        Raises:
            ValueError: the name is empty.
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError("A scenario name must be a non-empty string.")
        self._client = client
        self._name = name
        self._blueprint_id: str | None = None
        self._snapshot_id: str | None = None
        self._directory: Path | None = None
        self._working_directory: str | None = None
        self._problem_statement: str | None = None
        self._additional_context: Any = None
        self._scorers: list[dict[str, Any]] = []
        self._optional: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<ScenarioBuilder name={self._name!r} scorers={len(self._scorers)}>"

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self._name

    def from_blueprint(self, blueprint_id: str) -> Self:
        """Start each run's devbox from a blueprint (replaces a snapshot or directory)."""
        self._set_source(blueprint_id=require_string("blueprint_id", blueprint_id))
        return self

    def from_snapshot(self, snapshot_id: str) -> Self:
        """Start each run's devbox from a disk snapshot (replaces a blueprint or directory)."""
        self._set_source(snapshot_id=require_string("snapshot_id", snapshot_id))
        return self

    def from_directory(self, path: str | Path, *, working_directory: str | None = None) -> Self:
        """Use a local directory as the environment: `push()` uploads it into a snapshot.

        The directory is unpacked into the working directory (given here, or by
        `with_working_directory`, else `/home/user/<directory name>`), snapshotted, and the
        helper devbox is shut down. Replaces a blueprint or snapshot.

        Raises:
            ValueError: the path is not an existing directory.
        """
        directory = Path(path).expanduser()
        if not directory.is_dir():
            raise ValueError(f"from_directory: {str(path)!r} is not an existing directory.")
        self._set_source(directory=directory.resolve())
        if working_directory is not None:
            self.with_working_directory(working_directory)
        return self

    def _set_source(
        self,
        *,
        blueprint_id: str | None = None,
        snapshot_id: str | None = None,
        directory: Path | None = None,
    ) -> None:
        self._blueprint_id, self._snapshot_id, self._directory = (
            blueprint_id,
            snapshot_id,
            directory,
        )

    def with_working_directory(self, directory: str) -> Self:
        """Set where the agent works and the scorers run inside the devbox."""
        self._working_directory = require_string("working directory", directory)
        return self

    def with_problem_statement(self, statement: str) -> Self:
        """Set the task the agent is given (required)."""
        self._problem_statement = require_string("problem statement", statement)
        return self

    def with_additional_context(self, context: Any) -> Self:
        """Attach JSON-serialisable extra context (hints, examples) for the agent."""
        self._additional_context = context
        return self

    def add_test_command_scorer(
        self,
        name: str,
        *,
        test_command: str,
        weight: float = 1.0,
        test_files: TestFiles | None = None,
    ) -> Self:
        """Write `test_files` (`{relative path: contents}`), run `test_command`; exit 0 passes."""
        scorer: dict[str, Any] = {
            "type": "test_based_scorer",
            "test_command": require_text(name, "test_command", test_command),
        }
        if files := scorer_test_files(name, test_files):
            scorer["test_files"] = files
        return self._add(name, weight, scorer)

    def add_shell_command_scorer(self, name: str, *, command: str, weight: float = 1.0) -> Self:
        """Run one shell command (a `command_scorer`): exit 0 scores 1, anything else 0."""
        scorer = {"type": "command_scorer", "command": require_text(name, "command", command)}
        return self._add(name, weight, scorer)

    def add_bash_script_scorer(self, name: str, *, bash_script: str, weight: float = 1.0) -> Self:
        """Run a bash script whose last output line is the score in [0, 1] (`score=X` or `X`)."""
        script = require_text(name, "bash_script", bash_script)
        return self._add(name, weight, {"type": "bash_script_scorer", "bash_script": script})

    def add_python_script_scorer(
        self,
        name: str,
        *,
        python_script: str,
        weight: float = 1.0,
        python_version_constraint: str | None = None,
        requirements_contents: str | None = None,
    ) -> Self:
        """Run a Python script that prints the score in [0, 1]."""
        scorer: dict[str, Any] = {
            "type": "python_script_scorer",
            "python_script": require_text(name, "python_script", python_script),
        }
        if python_version_constraint:
            scorer["python_version_constraint"] = python_version_constraint
        if requirements_contents:
            scorer["requirements_contents"] = requirements_contents
        return self._add(name, weight, scorer)

    def add_ast_grep_scorer(
        self,
        name: str,
        *,
        pattern: str,
        search_directory: str = ".",
        lang: str | None = None,
        weight: float = 1.0,
    ) -> Self:
        """Search `search_directory` for an ast-grep `pattern`."""
        scorer: dict[str, Any] = {
            "type": "ast_grep_scorer",
            "pattern": require_text(name, "pattern", pattern),
            "search_directory": require_text(name, "search_directory", search_directory),
        }
        if lang:
            scorer["lang"] = lang
        return self._add(name, weight, scorer)

    def add_custom_scorer(
        self,
        name: str,
        *,
        custom_scorer_type: str,
        scorer_params: Any = None,
        weight: float = 1.0,
    ) -> Self:
        """Use a registered custom scorer type; `scorer_params` reach it in $RL_SCORER_CONTEXT."""
        scorer: dict[str, Any] = {
            "type": "custom_scorer",
            "custom_scorer_type": require_text(name, "custom_scorer_type", custom_scorer_type),
        }
        if scorer_params is not None:
            scorer["scorer_params"] = scorer_params
        return self._add(name, weight, scorer)

    def _add(self, name: str, weight: float, scorer: dict[str, Any]) -> Self:
        if any(entry["name"] == name for entry in self._scorers):
            raise ValueError(f"A scorer named {name!r} was already added; give each a new name.")
        self._scorers.append(scoring_function(name, weight, scorer))
        return self

    def with_reference_output(self, output: str) -> Self:
        """Set the gold solution: a bash script that, run in the working directory, scores 1."""
        self._optional["reference_output"] = require_string("reference output", output)
        return self

    def with_metadata(self, metadata: Mapping[str, str]) -> Self:
        """Set string key/value metadata (replaces earlier metadata)."""
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise ValueError("Metadata keys and values must all be strings.")
        self._optional["metadata"] = dict(metadata)
        return self

    def with_scorer_timeout(self, seconds: int) -> Self:
        """Bound the whole scoring of a run to `seconds` (service default 1800)."""
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
            raise ValueError(f"Scorer timeout must be a whole number of seconds > 0 ({seconds!r}).")
        self._optional["scorer_timeout_sec"] = seconds
        return self

    def with_required_env_vars(self, names: Sequence[str]) -> Self:
        """Name environment variables a run must be given (in `runProfile.envVars`)."""
        self._optional["required_environment_variables"] = string_list("env var", names)
        return self

    def with_required_secrets(self, names: Sequence[str]) -> Self:
        """Name secrets a run must be given (in `runProfile.secrets`)."""
        self._optional["required_secret_names"] = string_list("secret", names)
        return self

    def with_validation_type(self, validation_type: ValidationType) -> Self:
        """Set the service's `validation_type` (UNSPECIFIED, FORWARD, REVERSE or EVALUATION)."""
        self._optional["validation_type"] = validation_type
        return self

    def build(self) -> dict[str, Any]:
        """Return the checked body of `POST /v1/scenarios` (weights normalised to sum to 1).

        Raises:
            ValueError: no problem statement, no scorer, or a directory not uploaded yet.
        """
        if self._problem_statement is None:
            raise ValueError("A problem statement is required: call with_problem_statement().")
        if not self._scorers:
            raise ValueError(
                "At least one scorer is required: call add_test_command_scorer(), "
                "add_shell_command_scorer(), add_bash_script_scorer() or another add_*_scorer()."
            )
        if self._directory is not None:
            raise ValueError(
                "from_directory() needs an upload before build(): `await builder.push()` does "
                "it, or `await builder.upload_directory()` first."
            )
        params = self._params()
        try:
            ScenarioCreateParams.model_validate(params)
        except pydantic.ValidationError as exc:
            raise ValueError(f"Scenario {self._name!r} is invalid: {exc}") from None
        return params

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "name": self._name,
            "input_context": {"problem_statement": self._problem_statement},
            "scoring_contract": {"scoring_function_parameters": normalised(self._scorers)},
        }
        if self._additional_context is not None:
            params["input_context"]["additional_context"] = self._additional_context
        environment = {
            "blueprint_id": self._blueprint_id,
            "snapshot_id": self._snapshot_id,
            "working_directory": self._working_directory,
        }
        if any(environment.values()):
            params["environment_parameters"] = {k: v for k, v in environment.items() if v}
        return params | self._optional

    async def upload_directory(self) -> str:
        """Upload the `from_directory` directory into a disk snapshot and use it; return its id.

        Raises:
            ValueError: `from_directory()` was not called.
        """
        if self._directory is None:
            raise ValueError("upload_directory() needs from_directory(path) first.")
        working_directory = self._working_directory or default_working_directory(self._directory)
        snapshot_id = await snapshot_directory(
            self._client, self._directory, working_directory, label=self._name
        )
        self._working_directory = working_directory
        self._set_source(snapshot_id=snapshot_id)
        return snapshot_id

    async def push(self) -> ScenarioView:
        """Create the scenario (uploading a `from_directory` directory first); return its view.

        Raises:
            ValueError: the scenario is incomplete (checked before anything is uploaded).
        """
        if self._directory is not None:
            self._check_complete_before_upload()
            await self.upload_directory()
        return await self._client.api.scenarios.create(**self.build())

    def _check_complete_before_upload(self) -> None:
        directory, self._directory = self._directory, None
        try:
            self.build()
        finally:
            self._directory = directory
