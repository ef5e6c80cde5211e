"""The preview pane of a scenario: environment, scoring contract (bodies folded), reference."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runloop_nb.wire import ScenarioView, ScoringFunction

esc = html.escape


def has_reference(scenario: ScenarioView) -> bool:
    """Whether the reference agent can solve it: a non-blank `reference_output`."""
    return bool(scenario.reference_output and scenario.reference_output.strip())


def problem_markdown(scenario: ScenarioView) -> dict[str, Any]:
    """The problem statement as an Output widget's display_data (JupyterLab renders markdown).

    Set as `Output.outputs` directly: the front end renders (and sanitises) the markdown, in Lab
    and in Voila, and no IPython shell is needed on the kernel side.
    """
    text = scenario.input_context.problem_statement
    return {
        "output_type": "display_data",
        "data": {"text/markdown": text, "text/plain": text},
        "metadata": {},
    }


def environment_html(scenario: ScenarioView) -> str:
    env = scenario.environment
    if env is None:
        return "<p><b>environment:</b> the default devbox</p>"
    parts = [
        ("snapshot", env.snapshot_id),
        ("blueprint", env.blueprint_id),
        ("working directory", env.working_directory),
    ]
    if env.launch_parameters is not None:
        parts.append(("launch", json.dumps(env.launch_parameters.to_wire())))
    shown = ", ".join(f"{k} <code>{esc(str(v))}</code>" for k, v in parts if v)
    return f"<p><b>environment:</b> {shown or 'the default devbox'}</p>"


def _body(function: ScoringFunction) -> str:
    fields = {k: v for k, v in function.scorer.to_wire().items() if k != "type"}
    chunks = []
    for key, value in fields.items():
        text = value if isinstance(value, str) else json.dumps(value, indent=2)
        chunks.append(f"<div>{esc(key)}:</div><pre>{esc(text)}</pre>")
    return "".join(chunks) or "<i>no parameters</i>"


def scoring_html(scenario: ScenarioView) -> str:
    """Each scoring function: name, type and weight on one line, its body folded under it."""
    items = [
        f"<details><summary>{esc(f.name)} · {esc(f.scorer.type)} · weight {f.weight:g}"
        f"</summary>{_body(f)}</details>"
        for f in scenario.scoring_contract.scoring_function_parameters
    ]
    timeout = scenario.scorer_timeout_sec
    limit = f" (scorers time out after {timeout} s)" if timeout else ""
    return f"<p><b>scoring contract</b>{limit}:</p>" + "".join(items)


def scenario_html(scenario: ScenarioView) -> str:
    """Everything of the preview but the problem statement."""
    reference = (
        "yes: the reference agent can run it"
        if has_reference(scenario)
        else "no: the reference agent cannot run it"
    )
    return (
        f"<h4>{esc(scenario.name)}</h4><p><code>{esc(scenario.id)}</code></p>"
        + environment_html(scenario)
        + scoring_html(scenario)
        + f"<p><b>reference solution:</b> {reference}</p>"
    )
