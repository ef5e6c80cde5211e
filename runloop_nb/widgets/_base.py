"""The widget base: async work started from callbacks, a busy state, errors shown in the widget.

Every runloop_nb widget is an ``ipywidgets.VBox`` (so it composes into tabs and boxes) whose
callbacks go through one `Actions`:

- a callback schedules its coroutine with ``asyncio.get_running_loop().create_task`` and keeps a
  strong reference to the task (the loop holds only weak ones); never ``run_until_complete``,
  ``asyncio.run`` or ``run_coroutine_threadsafe(...).result()``, which fail or deadlock on the
  kernel's running loop (see DESIGN.md, "Async in notebooks"). Nothing here needs or applies
  ``nest_asyncio``; it works the same when the user applied it;
- the controls that started the work are disabled and the status line shows what is running;
- an exception shows in the status line (what happened, what to do, the traceback folded), is
  logged on the ``runloop_nb.widgets`` logger and is kept for `Actions.wait_idle()` to raise, so
  it is never swallowed; the controls come back, so the widget never dies;
- `Actions.cancel()` cancels the running tasks; the coroutines' own clean-up (``run_scenario``
  cancels its run, which shuts its devbox) runs as the cancellation unwinds them.

Only the kernel's loop thread touches widget state: tasks update traits, they never print.
"""

from __future__ import annotations

import asyncio
import html
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

import ipywidgets as w

from runloop_nb.errors import APIConnectionError, APIError, RunloopNBError

T = TypeVar("T")
Work = Callable[[], Awaitable[Any]]

log = logging.getLogger("runloop_nb.widgets")

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# Inline, so it renders in JupyterLab and Voila with no network and no lab extension of ours.
_STYLE = """<style>
.rnb-status{font-size:var(--jp-ui-font-size1,13px);min-height:1.4em}
.rnb-busy::before{content:"";display:inline-block;width:.8em;height:.8em;margin-right:.4em;
 border:2px solid #999;border-top-color:transparent;border-radius:50%;
 animation:rnb-spin .8s linear infinite;vertical-align:-.1em}
@keyframes rnb-spin{to{transform:rotate(360deg)}}
.rnb-error{border-left:4px solid #c62828;background:rgba(198,40,40,.08);padding:4px 8px}
.rnb-error pre{max-height:16em;overflow:auto;font-size:11px}
.rnb-note{color:var(--jp-ui-font-color2,#666)}
</style>"""


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(what happened, what to do next) for a person reading the widget."""
    if isinstance(exc, APIConnectionError):
        host = urlsplit(exc.url).hostname if exc.url else None
        if host is None or host in _LOOPBACK:
            return (
                "the server is not reachable: start it with `runloop-nb serve`",
                "then retry (or call runloop_nb.connect() again, which starts it).",
            )
        return (
            f"the server at {host} is not reachable",
            "check the network and RUNLOOP_BASE_URL, then retry.",
        )
    if isinstance(exc, APIError | RunloopNBError):
        # Our messages already say what to do next.
        return (str(exc), "")
    return (
        f"{type(exc).__name__}: {exc}",
        "this is a bug (in runloop_nb or in the agent); the traceback below and in the "
        "runloop_nb.widgets log says where.",
    )


class StatusLine(w.HTML):
    """One line: idle, busy (spinner + what is running), a note, or an error box."""

    def __init__(self) -> None:
        super().__init__(value=_STYLE)
        self.add_class("rnb-status")
        self.state = "idle"
        self.text = ""

    def busy(self, label: str) -> None:
        self._show("busy", label, f"<span class='rnb-busy'>{html.escape(label)}…</span>")

    def note(self, text: str) -> None:
        self._show("idle", text, f"<span class='rnb-note'>{html.escape(text)}</span>")

    def clear(self) -> None:
        self._show("idle", "", "")

    def error(self, label: str, exc: BaseException) -> None:
        what, todo = describe_error(exc)
        trace = "".join(traceback.format_exception(exc))
        text = f"{label} failed: {what}" + (f"; {todo}" if todo else "")
        markup = (
            f"<div class='rnb-error'><b>{html.escape(label)} failed:</b> {html.escape(what)}"
            + (f"<br>{html.escape(todo)}" if todo else "")
            + f"<details><summary>details</summary><pre>{html.escape(trace)}</pre></details>"
            "</div>"
        )
        self._show("error", text, markup)

    def _show(self, state: str, text: str, markup: str) -> None:
        self.state, self.text = state, text
        self.value = _STYLE + markup


class Actions:
    """Runs a widget's async work as tasks on the running loop; see the module docstring.

    Attributes:
        status: the status line it writes to.
        errors: exceptions of finished tasks that `wait_idle()` has not raised yet.
    """

    def __init__(self, status: StatusLine, *, settle: Callable[[], None] | None = None) -> None:
        self.status = status
        # Called after every task, once its controls are restored and it left `busy`: the widget
        # sets the controls whose state depends on its model (Prev off on page 1), which a plain
        # restore cannot know.
        self._settle = settle
        self.errors: list[BaseException] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def busy(self) -> bool:
        """True while any task of this widget runs."""
        return bool(self._tasks)

    def on_click(
        self,
        button: w.Button,
        label: str,
        work: Callable[[], Awaitable[Any]],
        *,
        controls: Sequence[w.DOMWidget] = (),
    ) -> None:
        """Run `work()` when `button` is clicked; `button` and `controls` are off meanwhile."""
        button.on_click(lambda _button: self.start(label, work, controls=[button, *controls]))

    def start(
        self,
        label: str,
        work: Callable[[], Awaitable[T]],
        *,
        controls: Iterable[w.DOMWidget] = (),
    ) -> asyncio.Task[T | None] | None:
        """Schedule `work()` on the running loop; None (and the error shown) when there is none.

        `label` names the work in the status line ("loading page 2"). `controls` are disabled
        until it ends (and then restored as they were).
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError as exc:
            # A plain script without a loop: say it here, a callback's exception would vanish.
            self.status.error(
                label,
                RunloopNBError(
                    "no running event loop: runloop_nb widgets run their work on the loop of a "
                    "Jupyter kernel (or of an `async` test); display them in a notebook."
                ),
            )
            log.error("%s: no running event loop", label, exc_info=exc)
            return None
        held = [(c, c.disabled) for c in controls if hasattr(c, "disabled")]
        for control, _ in held:
            control.disabled = True
        self.status.busy(label)
        task = loop.create_task(self._guard(label, work, held))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if self._settle is not None:
            # After the discard: `busy` then says whether *other* work still runs.
            settle = self._settle
            task.add_done_callback(lambda _task: settle())
        return task

    async def _guard(
        self,
        label: str,
        work: Callable[[], Awaitable[T]],
        held: list[tuple[w.DOMWidget, bool]],
    ) -> T | None:
        try:
            result = await work()
        except asyncio.CancelledError:
            self.status.note(f"{label}: cancelled")
            raise
        except Exception as exc:
            self.errors.append(exc)
            log.error("%s failed", label, exc_info=exc)
            self.status.error(label, exc)
            return None
        else:
            if self.status.state == "busy":
                self.status.clear()
            return result
        finally:
            for control, was in held:
                control.disabled = was

    def cancel(self) -> int:
        """Cancel every running task (their clean-up runs as they unwind); how many there were."""
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        return len(tasks)

    async def wait_idle(self, *, raise_errors: bool = True) -> None:
        """Wait until no task runs (tasks started meanwhile included).

        Raises:
            Exception: the first error a task ended with since the last call (the others stay
                logged); pass `raise_errors=False` to only wait.
        """
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if raise_errors and self.errors:
            first, self.errors = self.errors[0], []
            raise first


class WidgetBase(w.VBox):
    """A VBox with a status line and `Actions`; subclasses build their controls in `children`.

    `await widget.wait_idle()` waits for the widget's work (tests, and notebook cells that CI
    executes, call it before reading results).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status = StatusLine()
        self.actions = Actions(self.status, settle=self.settle)

    @property
    def busy(self) -> bool:
        """True while the widget's work runs."""
        return self.actions.busy

    def settle(self) -> None:
        """Set the controls that depend on the model; called after each task (override it)."""

    async def wait_idle(self, *, raise_errors: bool = True) -> None:
        """See `Actions.wait_idle`."""
        await self.actions.wait_idle(raise_errors=raise_errors)

    def __repr__(self) -> str:
        # The default repr serialises every trait; a widget's repr should be one line.
        return f"<{type(self).__name__}>"
