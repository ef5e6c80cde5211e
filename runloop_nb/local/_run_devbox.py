"""How a scenario run's devbox is made: environment variables checked, launch parameters merged.

The devbox starts from the scenario's environment (snapshot or blueprint, launch parameters);
the run profile's ``launchParameters`` override single fields of the scenario's, and its
``envVars`` (on top of the benchmark run's) become the devbox's environment variables.
"""

from __future__ import annotations

from pydantic import ValidationError

from runloop_nb.local._errors import InvalidRequest
from runloop_nb.local._store import Doc
from runloop_nb.wire import DevboxCreateParams, LaunchParameters, RunProfile


def require_env(scenario: Doc, env: dict[str, str]) -> None:
    missing = [v for v in scenario.get("required_environment_variables") or [] if v not in env]
    if missing:
        raise InvalidRequest(
            f"Scenario {scenario['id']} requires environment variables {', '.join(missing)}; "
            'pass them in runProfile.envVars, e.g. {"runProfile": {"envVars": {"NAME": "value"}}}'
        )


def devbox_params(
    scenario: Doc, profile: RunProfile, env: dict[str, str], run_id: str
) -> DevboxCreateParams:
    environment = scenario.get("environment") or {}
    launch = dict(environment.get("launch_parameters") or {})
    if profile.launch_parameters is not None:
        launch.update(profile.launch_parameters.to_wire())
    try:
        return DevboxCreateParams(
            name=f"scenario run {run_id}",
            snapshot_id=environment.get("snapshot_id"),
            blueprint_id=environment.get("blueprint_id"),
            launch_parameters=LaunchParameters.model_validate(launch),
            environment_variables=env,
            metadata={"scenario_run_id": run_id, "scenario_id": scenario["id"]},
        )
    except ValidationError as exc:
        raise InvalidRequest(
            f"Scenario {scenario['id']} cannot start a devbox: its environment or the "
            f"runProfile launchParameters are invalid ({exc.errors()[0]['msg']})"
        ) from None
