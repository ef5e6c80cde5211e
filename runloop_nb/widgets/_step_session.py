"""`StepSession`: the plain-Python state of a step console over one `Stepper`.

The `StepConsole` widget is a view over it; tests and scripts drive it without a kernel. It
holds what the console shows (the pending proposal, the selected step, the output panel, the
file browser's directory and file, the score curve) and turns each button into one awaitable
call on the Stepper. Nothing here touches a widget.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runloop_nb.errors import StepperError
from runloop_nb.stepping import Action

if TYPE_CHECKING:
    from runloop_nb.stepping import ScorePreview, Step, Stepper

OUTPUT_LIMIT = 4000  # characters of each stream the output panel shows before 'show all'
ENDED = ("scored", "completed", "cancelled", "failed", "timeout")


@dataclass
class Output:
    """What the output panel shows: one step's streams, cut to `OUTPUT_LIMIT` unless whole."""

    step: int
    exit_code: int | None
    stdout: str
    stderr: str
    cut: bool  # True: the panel shows only the end; 'show all' reads the whole output

    def text(self) -> str:
        parts = [f"step {self.step} · exit code {self.exit_code}"]
        if self.cut:
            parts[0] += f" · the last {OUTPUT_LIMIT} characters of each stream ('Show all')"
        parts.append("stdout:\n" + (self.stdout or "(empty)"))
        if self.stderr:
            parts.append("stderr:\n" + self.stderr)
        return "\n".join(parts)


class StepSession:
    """The console's state over `stepper`; every mutating call is a coroutine."""

    def __init__(self, stepper: Stepper) -> None:
        self.stepper = stepper
        self.selected: int | None = None  # the step whose diff and output are shown
        self.output: Output | None = None
        self.directory = stepper.working_directory
        self.entries: list[str] = []  # the directory's entries; directories end with '/'
        self.file_path: str | None = None
        self.file_text = ""
        self.note = ""  # one line about the last thing done ("step 3 ran, exit 0")
        self._curve: list[tuple[int, float | None]] = []

    # -- what is shown -------------------------------------------------------------------------

    @property
    def problem_statement(self) -> str:
        return self.stepper.scenario.input_context.problem_statement or ""

    @property
    def pending(self) -> Action | None:
        return self.stepper.pending

    @property
    def steps(self) -> list[Step]:
        return self.stepper.steps

    @property
    def state(self) -> str:
        """The run's state as last seen ('running', 'scored', 'completed', ...)."""
        return str(self.stepper.run_view.state)

    @property
    def scored(self) -> bool:
        return self.state in ENDED

    @property
    def ended(self) -> bool:
        """True once the run is completed or cancelled: nothing more can be done."""
        return self.stepper.finished or self.state in ("completed", "cancelled", "failed")

    @property
    def can_step(self) -> bool:
        """Steps, previews and file saves: only while the run is running (not once scored)."""
        return not self.scored and not self.ended

    @property
    def curve(self) -> list[tuple[int, float | None]]:
        """(step, preview score), one point per preview (step 0: before any step)."""
        return list(self._curve)

    @property
    def proposal_text(self) -> str:
        """The editable part of the pending proposal: its command, or the file's contents."""
        action = self.pending
        if action is None:
            return ""
        return (action.command if action.kind == "command" else action.contents) or ""

    def step_label(self, step: Step) -> str:
        edited = " (edited)" if step.edited_from is not None else ""
        return f"{step.step}. {step.who}{edited}: {step.action.describe()[:70]} → {step.exit_code}"

    def diff_text(self) -> str:
        """The selected step's diff ('' when no step is selected)."""
        if self.selected is None:
            return ""
        step = self.steps[self.selected - 1]
        return step.diff() or f"step {step.step} changed no files"

    # -- the agent -----------------------------------------------------------------------------

    async def propose(self) -> Action | None:
        action = await self.stepper.propose()
        self.note = "the agent is done" if action is None else "the agent proposes an action"
        return action

    async def approve(self) -> Step:
        return self._ran(await self.stepper.approve())

    async def edit(self, text: str) -> Step:
        """Run the pending proposal with `text` as its command (or, for a write, its contents)."""
        action = self.pending
        if action is None:
            raise StepperError("No proposal is pending: click Propose first.")
        if action.kind == "write":
            changed = Action.write(action.path or "", text, action.thought)
            return self._ran(await self.stepper.edit(changed))
        return self._ran(await self.stepper.edit(Action.run(text, action.thought)))

    async def skip(self) -> None:
        await self.stepper.skip()
        self.note = "skipped: the agent is told"

    async def reject(self, message: str) -> None:
        if not message.strip():
            raise StepperError("Say why you reject the proposal (the agent reads it).")
        await self.stepper.reject(message)
        self.note = "rejected: the agent has your message"

    # -- a person ------------------------------------------------------------------------------

    async def run(self, command: str) -> Step:
        if not command.strip():
            raise StepperError("Type a command to run first.")
        return self._ran(await self.stepper.run(command))

    def select(self, number: int | None) -> None:
        """Show step `number`'s diff and output (None: none)."""
        if number is not None and not 1 <= number <= len(self.steps):
            raise StepperError(f"There is no step {number} (steps 1..{len(self.steps)}).")
        self.selected = number
        if number is None:
            self.output = None
            return
        step = self.steps[number - 1]
        cut = step.stdout_truncated or step.stderr_truncated
        out, err = step.stdout, step.stderr
        if len(out) > OUTPUT_LIMIT or len(err) > OUTPUT_LIMIT:
            out, err, cut = out[-OUTPUT_LIMIT:], err[-OUTPUT_LIMIT:], True
        self.output = Output(step.step, step.exit_code, out, err, cut)

    async def show_all(self) -> None:
        """Read the selected step's whole output from the devbox into the panel."""
        if self.selected is None:
            raise StepperError("Select a step first.")
        step = self.steps[self.selected - 1]
        out = await self.stepper.output(step, "stdout")
        err = await self.stepper.output(step, "stderr")
        self.output = Output(step.step, step.exit_code, out, err, False)

    # -- files ---------------------------------------------------------------------------------

    def resolve(self, path: str) -> str:
        """`path` made absolute against the browsed directory."""
        return posixpath.normpath(posixpath.join(self.directory, path.strip() or "."))

    async def list_dir(self, path: str = ".") -> list[str]:
        """List a devbox directory (not a step: it changes nothing)."""
        target = self.resolve(path)
        result = await self.stepper.devbox.cmd.exec(
            f"ls -A -p -- {shlex.quote(target)}", timeout=30
        )
        if result.exit_code != 0:
            raise StepperError(
                f"Cannot list {target}: {(await result.stderr()).strip() or 'ls failed'}."
            )
        self.directory = target
        self.entries = [line for line in (await result.stdout()).splitlines() if line]
        return self.entries

    async def open_file(self, path: str) -> str:
        """Read a devbox file into the editor (not a step)."""
        target = self.resolve(path)
        self.file_text = await self.stepper.devbox.file.read(file_path=target)
        self.file_path = target
        return self.file_text

    async def save_file(self, text: str) -> Step:
        """Write the edited file back as a person's `write_file` step."""
        if self.file_path is None:
            raise StepperError("Open a file first (pick it in the file list).")
        step = self._ran(await self.stepper.write_file(self.file_path, text))
        self.file_text = text
        return step

    # -- scoring -------------------------------------------------------------------------------

    async def preview(self) -> ScorePreview:
        preview = await self.stepper.preview_score()
        self._curve.append((len(self.steps), preview.score))
        self.note = f"preview after step {len(self.steps)}: score {preview.score}"
        return preview

    async def score(self) -> float | None:
        result = await self.stepper.score()
        self.note = f"scored: {result.score}"
        return result.score

    async def complete(self) -> str:
        view = await self.stepper.complete()
        self.note = f"run {view.id} is {view.state}"
        return str(view.state)

    def _ran(self, step: Step) -> Step:
        self.select(step.step)
        self.note = f"step {step.step} ran, exit code {step.exit_code}"
        return step
