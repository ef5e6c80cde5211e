"""`MiniSweAgent`: step a model built for mini-swe-agent (PyPI `mini-swe-agent`, import
`minisweagent`) in a runloop_nb devbox; each action it chooses becomes a Stepper proposal.

The adapter keeps the mini-swe-agent conversation (its system and instance templates, rendered
with Jinja as mini-swe-agent does; its model's `format_message` / `format_observation_messages`
for the results), so the model sees what it would under `DefaultAgent`. Each recorded step since
the last proposal is turned into an observation (`returncode`, `output`); a person's steps and
the Stepper's feedback (skips, rejections) arrive as user messages. Done: the model's command
starts with `COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT` (mini-swe-agent's own sentinel), or its reply
carries no action. A `FormatError` from the model goes back to it, at most `format_retries`
times.

`minisweagent` is imported only when an adapter is built. Its import prints a banner and reads
``$MSWEA_GLOBAL_CONFIG_DIR/.env`` (default ``~/.config/mini-swe-agent``); the adapter sets
``MSWEA_SILENT_STARTUP=1`` unless it is already set.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from runloop_nb.errors import ModelError
from runloop_nb.stepping._protocol import Action, Observation

SUBMIT = "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"
SYSTEM_TEMPLATE = (
    "You are a software engineer in a Linux shell. Reply with your reasoning and one bash "
    f"command. When the task is solved, run: echo {SUBMIT}"
)
INSTANCE_TEMPLATE = "Working directory: {{working_directory}}\n\nTask:\n{{task}}"


def _minisweagent() -> Any:
    os.environ.setdefault("MSWEA_SILENT_STARTUP", "1")
    try:
        import jinja2
        import minisweagent.exceptions
    except ImportError as error:
        raise ImportError(
            "MiniSweAgent needs mini-swe-agent: pip install 'mini-swe-agent>=2'"
        ) from error
    return minisweagent.exceptions, jinja2


class MiniSweAgent:
    """A step agent over a mini-swe-agent model (anything with `query`, `format_message`,
    `format_observation_messages`, `get_template_vars`, e.g. `LitellmModel` or the test
    `DeterministicModel`). `system_template` / `instance_template` as in a mini-swe-agent
    config (`agent:` section); `{{task}}` and `{{working_directory}}` are available.

    Raises (from `next_action`):
        ModelError: the model broke its format more than `format_retries` times in a row.
    """

    name = "mini-swe-agent"

    def __init__(
        self,
        model: Any,
        *,
        system_template: str = SYSTEM_TEMPLATE,
        instance_template: str = INSTANCE_TEMPLATE,
        format_retries: int = 3,
    ) -> None:
        self._exceptions, self._jinja = _minisweagent()
        self.model = model
        self.system_template = system_template
        self.instance_template = instance_template
        self.format_retries = format_retries
        self.messages: list[dict[str, Any]] = []
        self._seen = 0
        self._feedback_seen = 0
        self._last: dict[str, Any] | None = None

    def _render(self, template: str, **variables: Any) -> str:
        jinja = self._jinja
        merged = {**self.model.get_template_vars(), **variables}
        return str(jinja.Template(template, undefined=jinja.StrictUndefined).render(**merged))

    def _catch_up(self, observation: Observation) -> None:
        fmt = self.model.format_message
        if not self.messages:
            names = {"task": observation.problem_statement,
                     "working_directory": observation.working_directory}  # fmt: skip
            self.messages += [
                fmt(role="system", content=self._render(self.system_template, **names)),
                fmt(role="user", content=self._render(self.instance_template, **names)),
            ]
        for step in observation.steps[self._seen :]:
            output = {"returncode": step.exit_code, "output": step.stdout + step.stderr,
                      "exception_info": ""}  # fmt: skip
            if step.who == "agent" and self._last is not None:
                self.messages += self.model.format_observation_messages(
                    self._last, [output], self.model.get_template_vars()
                )
                self._last = None
            else:
                said = f"A person ran: {step.action.describe()}\n<returncode>{step.exit_code}"
                said += f"</returncode>\n<output>\n{output['output']}</output>"
                self.messages.append(fmt(role="user", content=said))
        self._seen = len(observation.steps)
        for note in observation.feedback[self._feedback_seen :]:
            self.messages.append(fmt(role="user", content=note))
        self._feedback_seen = len(observation.feedback)

    async def next_action(self, observation: Observation) -> Action | None:
        """Ask the model for its next command (None: it submitted, or chose no action)."""
        if len(observation.steps) > self._seen:
            self._feedback_seen = 0  # the Stepper clears feedback once a step is recorded
        if self._last is not None and len(observation.steps) == self._seen:
            self._last = None  # the last proposal was skipped or rejected: feedback says so
        self._catch_up(observation)
        for _ in range(self.format_retries + 1):
            try:
                message = await asyncio.to_thread(self.model.query, self.messages)
            except self._exceptions.FormatError as error:
                self.messages += error.messages
                continue
            self.messages.append(message)
            actions = (message.get("extra") or {}).get("actions") or []
            if not actions:
                return None
            command = str(actions[0]["command"])
            if command.strip().splitlines()[0].strip().endswith(SUBMIT):
                return None
            self._last = message
            return Action.run(command, thought=str(message.get("content") or ""))
        raise ModelError(
            f"the mini-swe-agent model broke its format {self.format_retries + 1} times in a row; "
            "check its templates (action_regex) or try another model."
        )

    def __repr__(self) -> str:
        return f"MiniSweAgent({type(self.model).__name__}, {len(self.messages)} messages)"
