"""`StepConsole`: step one scenario run in a notebook -- an agent's proposals, a person's
commands, each step's output and diff, the devbox's files, the score curve, Score and Complete.

A view over `StepSession` (the plain-Python state, which tests drive without a kernel); every
button runs through the widget base (busy, inline errors, Cancel). Build it over a `Stepper`, or
over a coroutine function that makes one (`runloop_nb.step()` does that, so it can return the
console at once and open the run in the background).
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from runloop_nb.errors import StepperError
from runloop_nb.widgets._base import WidgetBase
from runloop_nb.widgets._step_session import StepSession

if TYPE_CHECKING:
    from runloop_nb.stepping import Stepper

Opener = Callable[[], Awaitable["Stepper"]]


def _markdown(text: str) -> str:
    try:
        import mistune
    except ImportError:  # pragma: no cover - Jupyter brings mistune (nbconvert)
        return f"<pre style='white-space:pre-wrap'>{html.escape(text)}</pre>"
    return str(mistune.create_markdown(escape=True)(text))


def _pre(text: str, css: str = "") -> str:
    return (
        f"<pre class='{css}' style='white-space:pre-wrap;max-height:22em;overflow:auto;"
        f"margin:0'>{html.escape(text)}</pre>"
    )


class StepConsole(WidgetBase):
    """Step one scenario run: see the module docstring.

    Args:
        stepper: the run to step, or a coroutine function returning it (opened in the
            background; the controls wait for it).
    """

    def __init__(self, stepper: Stepper | Opener) -> None:
        super().__init__()
        import plotly.graph_objects as go

        self.model: StepSession | None = None
        self.header = w.HTML("<i>opening the run…</i>")
        self.problem = w.HTML()
        # The proposal.
        self.thought = w.HTML()
        self.proposal = w.Textarea(layout=w.Layout(width="100%", height="6em"))
        self.propose_button = w.Button(description="Propose", tooltip="ask the agent")
        self.approve_button = w.Button(description="Approve", button_style="success")
        self.edit_button = w.Button(description="Run edited", tooltip="run the text above")
        self.skip_button = w.Button(description="Skip")
        self.reject_message = w.Text(placeholder="why (the agent reads it)")
        self.reject_button = w.Button(description="Reject", button_style="danger")
        # A person's step.
        self.command = w.Text(placeholder="a shell command", layout=w.Layout(width="70%"))
        self.run_button = w.Button(description="Run")
        # Output, steps, diff.
        self.output = w.HTML()
        self.show_all_button = w.Button(description="Show all")
        self.steps = w.Select(options=[], rows=8, layout=w.Layout(width="100%"))
        self.diff = w.HTML()
        # Files.
        self.path = w.Text(layout=w.Layout(width="70%"))
        self.list_button = w.Button(description="List")
        self.entries = w.Select(options=[], rows=8, layout=w.Layout(width="100%"))
        self.file_label = w.HTML()
        self.file_text = w.Textarea(layout=w.Layout(width="100%", height="14em"))
        self.save_button = w.Button(description="Save as a step")
        # Scores.
        self.preview_button = w.Button(description="Preview score")
        self.score_button = w.Button(description="Score", button_style="primary")
        self.complete_button = w.Button(description="Complete")
        self.cancel_button = w.Button(description="Cancel", tooltip="cancel the running work")
        self.fork_button = w.Button(
            description="Fork here", tooltip="a new run replaying steps 1..selected, by hand"
        )
        self.fork: StepConsole | None = None  # the console of the last fork
        self.fork_box = w.VBox()
        self.figure = go.FigureWidget(
            data=[go.Scatter(x=[], y=[], mode="lines+markers", name="preview")],
            layout={
                "height": 240,
                "margin": {"l": 40, "r": 10, "t": 30, "b": 40},
                "title": "score preview",
                "xaxis": {"title": "after step", "dtick": 1},
                "yaxis": {"range": [-0.05, 1.05], "title": "score"},
            },
        )
        css = {"rnb-step-console": self, "rnb-proposal": self.proposal,
               "rnb-command": self.command, "rnb-steps": self.steps,
               "rnb-entries": self.entries, "rnb-file": self.file_text}  # fmt: skip
        for name, widget in css.items():
            widget.add_class(name)
        self._wire()
        self.children = self._layout()
        self.settle()
        if callable(stepper):
            self.actions.start("opening the run", lambda: self._open(stepper),
                               controls=self._controls)  # fmt: skip
        else:
            self._bind(stepper)

    # -- building ------------------------------------------------------------------------------

    @property
    def _controls(self) -> list[w.DOMWidget]:
        return [
            self.propose_button, self.approve_button, self.edit_button, self.skip_button,
            self.reject_button, self.run_button, self.show_all_button, self.list_button,
            self.save_button, self.preview_button, self.score_button, self.complete_button,
        ]  # fmt: skip

    def _wire(self) -> None:
        on = self._on
        on(self.propose_button, "asking the agent", lambda m: m.propose())
        on(self.approve_button, "running the proposal", lambda m: m.approve())
        on(self.edit_button, "running the edited proposal", lambda m: m.edit(self.proposal.value))
        on(self.skip_button, "skipping", lambda m: m.skip())
        on(self.reject_button, "rejecting", lambda m: m.reject(self.reject_message.value),
           clear=self.reject_message)  # fmt: skip
        on(self.run_button, "running your command", lambda m: m.run(self.command.value),
           clear=self.command)  # fmt: skip
        on(self.show_all_button, "reading the whole output", lambda m: m.show_all())
        on(self.list_button, "listing", lambda m: m.list_dir(self.path.value))
        on(self.save_button, "saving the file", lambda m: m.save_file(self.file_text.value))
        on(self.preview_button, "previewing the score", lambda m: m.preview())
        on(self.score_button, "scoring", lambda m: m.score())
        on(self.complete_button, "completing the run", lambda m: m.complete())
        self.cancel_button.on_click(lambda _b: self.actions.cancel())
        self.fork_button.on_click(lambda _b: self.fork_at())
        self.steps.observe(self._step_selected, names="value")
        self.entries.observe(self._entry_selected, names="value")

    def _on(
        self,
        button: w.Button,
        label: str,
        call: Callable[[StepSession], Awaitable[Any]],
        *,
        clear: w.Text | None = None,
    ) -> None:
        """`button` runs `call(model)` through the widget base, then redraws (and empties
        `clear`, the text it used, once it worked)."""

        async def work() -> None:
            await call(self._session())
            if clear is not None:
                clear.value = ""
            self.refresh()

        self.actions.on_click(button, label, work, controls=self._controls)

    def _layout(self) -> list[w.Widget]:
        row = w.HBox
        proposal = w.VBox([
            w.HTML("<b>Proposed action</b>"), self.thought, self.proposal,
            row([self.propose_button, self.approve_button, self.edit_button, self.skip_button]),
            row([self.reject_message, self.reject_button]),
        ])  # fmt: skip
        human = w.VBox([w.HTML("<b>Your step</b>"), row([self.command, self.run_button])])
        steps = w.VBox([
            w.HTML("<b>Steps</b>"), self.steps, w.HTML("<b>Diff of the selected step</b>"),
            self.diff, w.HTML("<b>Output</b>"), self.output,
            row([self.show_all_button, self.fork_button]),
        ])  # fmt: skip
        files = w.VBox([
            w.HTML("<b>Files</b>"), row([self.path, self.list_button]), self.entries,
            self.file_label, self.file_text, self.save_button,
        ])  # fmt: skip
        scores = row([self.preview_button, self.score_button, self.complete_button,
                      self.cancel_button])  # fmt: skip
        return [
            self.header, self.status, self.problem, proposal, human,
            row([steps, files], layout=w.Layout(width="100%")), scores, self.figure,
            self.fork_box,
        ]  # fmt: skip

    async def _open(self, opener: Opener) -> None:
        self._bind(await opener())

    def _bind(self, stepper: Stepper) -> None:
        self.model = StepSession(stepper)
        run = stepper.run_view
        self.header.value = (
            f"<b>step console</b> · {html.escape(stepper.scenario.name or stepper.scenario.id)}"
            f" · run {html.escape(run.id)} · mode {html.escape(stepper.mode)}"
        )
        self.problem.value = "<b>Problem</b>" + _markdown(self.model.problem_statement)
        self.path.value = self.model.directory
        self.refresh()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a script without a loop: List works once there is one
        self.actions.start("listing the working directory", lambda: self._enter("."),
                           controls=self._controls)  # fmt: skip

    # -- the view ------------------------------------------------------------------------------

    def _session(self) -> StepSession:
        if self.model is None:
            raise StepperError("The run is not open yet: wait for it, or see the error above.")
        return self.model

    def refresh(self) -> None:
        """Redraw everything from the model."""
        m = self.model
        if m is None:
            return
        action = m.pending
        if action is None:
            note = m.note or "no proposal: click Propose"
            self.thought.value = f"<i>{html.escape(note)}</i>"
        else:
            kind = "command" if action.kind == "command" else f"write {action.path}"
            self.thought.value = (
                f"<span class='rnb-note'>{html.escape(kind)}</span> "
                + html.escape(action.thought or "")
            )
        self.proposal.value = m.proposal_text
        self.steps.unobserve(self._step_selected, names="value")
        self.steps.options = [(m.step_label(s), s.step) for s in m.steps]
        self.steps.value = m.selected
        self.steps.observe(self._step_selected, names="value")
        self.diff.value = _pre(m.diff_text(), "rnb-diff")
        self.output.value = _pre(m.output.text(), "rnb-output") if m.output else ""
        self.entries.unobserve(self._entry_selected, names="value")
        self.entries.options = ["..", *m.entries] if m.entries else []
        self.entries.value = None
        self.entries.observe(self._entry_selected, names="value")
        self.path.value = m.directory
        self.file_label.value = html.escape(m.file_path or "pick a file to view and edit it")
        self.file_text.value = m.file_text
        points = [(x, y) for x, y in m.curve if y is not None]
        with self.figure.batch_update():
            self.figure.data[0].x = [x for x, _ in points]
            self.figure.data[0].y = [y for _, y in points]
        self.settle()

    def settle(self) -> None:
        m = self.model
        if self.busy:
            return
        ready = m is not None
        can_step = ready and m is not None and m.can_step
        has_agent = can_step and m is not None and m.stepper.agent is not None
        pending = can_step and m is not None and m.pending is not None
        self.propose_button.disabled = not has_agent or pending
        for button in (self.approve_button, self.edit_button, self.skip_button,
                       self.reject_button):  # fmt: skip
            button.disabled = not pending
        for button in (self.run_button, self.save_button, self.preview_button, self.score_button):
            button.disabled = not can_step
        self.list_button.disabled = not ready
        self.show_all_button.disabled = m is None or m.output is None or not m.output.cut
        self.complete_button.disabled = m is None or m.ended
        self.fork_button.disabled = m is None or m.selected is None

    def fork_at(self) -> StepConsole:
        """Open a console on a fork of this run at the selected step (`fork()`: a new run of the
        scenario replays steps 1..selected, then you go on by hand); it shows below."""
        m = self._session()
        if m.selected is None:
            raise StepperError("Select the step to fork at first.")
        stepper, at_step = m.stepper, m.selected

        async def open_fork() -> Stepper:
            from runloop_nb.stepping import fork

            return await fork(stepper.client, stepper, at_step, None, mode="manual")

        self.fork = StepConsole(open_fork)
        self.fork_box.children = [w.HTML(f"<b>Fork at step {at_step}</b>"), self.fork]
        return self.fork

    # -- callbacks -----------------------------------------------------------------------------

    def _step_selected(self, change: Mapping[str, Any]) -> None:
        if self.model is not None:
            self.model.select(change["new"])
            self.refresh()

    def _entry_selected(self, change: Mapping[str, Any]) -> None:
        entry = change["new"]
        if self.model is None or entry is None:
            return
        if entry == ".." or entry.endswith("/"):
            self.actions.start(f"listing {entry}", lambda: self._enter(entry),
                               controls=self._controls)  # fmt: skip
        else:
            self.actions.start(f"opening {entry}", lambda: self._view(entry),
                               controls=self._controls)  # fmt: skip

    async def _enter(self, entry: str) -> None:
        await self._session().list_dir(entry)
        self.refresh()

    async def _view(self, entry: str) -> None:
        await self._session().open_file(entry)
        self.refresh()

    def __repr__(self) -> str:
        return f"<StepConsole {self.model.stepper!r}>" if self.model else "<StepConsole opening>"
