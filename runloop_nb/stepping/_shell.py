"""The bash the Stepper sends: a step that behaves like one terminal, and the look after it.

Each execution is a fresh login shell in the home directory (the contract), so a step's command
is wrapped: `cd` to where the previous step ended, re-export what earlier steps exported, run the
command in this same shell (`eval`, so `cd` and `export` take effect), and on exit write the
shell's `$PWD` and environment (NUL-separated) to a state file outside the working tree. The
look that follows prints that state and the working tree's file listing, base64-encoded so NULs
and odd file names survive JSON, and deletes the state file: between steps nothing of ours is
left in the devbox. Only bash, coreutils, find and tar are used (no git, no python).
"""

from __future__ import annotations

import base64
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

#: Where a step's shell leaves its state until the look reads and removes it (in the home,
#: which file APIs can reach, and outside any working directory below the home).
STATE_DIR = ".runloop_nb_stepper"
#: Variables every shell sets itself: never carried from one step to the next.
SHELL_OWNED = frozenset({"PWD", "OLDPWD", "SHLVL", "_"})
#: Directories and files the file diff ignores (caches a test run writes, version control).
IGNORED_DIRS = (".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", STATE_DIR)
IGNORED_SUFFIXES = (".pyc",)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Linux caps one argument at 128 KiB; longer commands travel as a file (see `step_command`).
INLINE_LIMIT = 96 * 1024


def b64(text: str | bytes) -> str:
    """Base64 of `text` (UTF-8), the way every script and command travels."""
    data = text.encode() if isinstance(text, str) else text
    return base64.b64encode(data).decode("ascii")


def state_path(token: str) -> str:
    """The state file of one stepper, relative to the home."""
    return f"{STATE_DIR}/{token}.state"


def env_lines(env_changes: Mapping[str, str | None]) -> str:
    """`export`/`unset` lines that recreate the variables earlier steps changed."""
    lines = []
    for name, value in sorted(env_changes.items()):
        if not _NAME.match(name) or name in SHELL_OWNED:
            continue
        lines.append(f"unset {name}" if value is None else f"export {name}={shlex.quote(value)}")
    return "\n".join(lines)


def step_command(
    *,
    body: str,
    cwd: str,
    fallback_cwd: str,
    env_changes: Mapping[str, str | None],
    token: str,
    uploaded: str | None = None,
) -> str:
    """The command that runs `body` (bash) as the next step of one terminal.

    `uploaded` names a file (relative to the home) already holding `body`, for commands too
    long to inline; it is read and removed before the body runs.
    """
    state = state_path(token)
    if uploaded is None:
        load = f"__rnb_body=$(printf %s {shlex.quote(b64(body))} | base64 -d)"
    else:
        path = shlex.quote(uploaded)
        load = f'__rnb_body=$(cat -- "$HOME"/{path}); rm -f -- "$HOME"/{path}'
    return "\n".join(
        [
            f'__rnb_state="$HOME"/{shlex.quote(state)}',
            f'mkdir -p -- "$HOME"/{shlex.quote(STATE_DIR)} && rm -f -- "$__rnb_state"',
            load,
            env_lines(env_changes),
            f"cd -- {shlex.quote(cwd)} 2>/dev/null || {{ echo 'runloop_nb: {cwd} is gone; "
            f"starting in {fallback_cwd}' >&2; cd -- {shlex.quote(fallback_cwd)} || exit 97; }}",
            'trap \'__rnb_s=$?; { printf "%s\\0" "$PWD"; env -0; } > "$__rnb_state" '
            "2>/dev/null; exit $__rnb_s' EXIT",
            'eval "$__rnb_body"',
        ]
    )


def look_command(*, working_directory: str, token: str) -> str:
    """Print (base64, one line each) the step's saved state and the working tree's listing.

    Line 1: the state file (`$PWD` NUL env -0), empty when the step left none (it `exec`ed).
    Line 2: `size path` NUL-separated. Line 3: `sha256sum -z` output. Paths start with `./`.
    """
    state = shlex.quote(state_path(token))
    prune = " -o ".join(f"-name {shlex.quote(name)}" for name in IGNORED_DIRS)
    skip = " ".join(f"! -name '*{suffix}'" for suffix in IGNORED_SUFFIXES)
    find = f"find . \\( {prune} \\) -prune -o -type f {skip}"
    return "\n".join(
        [
            f's="$HOME"/{state}',
            'if [ -f "$s" ]; then base64 -w0 < "$s"; rm -f -- "$s"; fi; echo',
            f'rmdir -- "$HOME"/{shlex.quote(STATE_DIR)} 2>/dev/null',
            f"cd -- {shlex.quote(working_directory)} || exit 97",
            f"{find} -printf '%s %p\\0' | base64 -w0; echo",
            f"{find} -print0 | xargs -0 -r sha256sum -z | base64 -w0; echo",
        ]
    )


def fetch_command(*, working_directory: str, paths: list[str]) -> str:
    """Print (base64, one line) a tar of `paths` (relative to the working directory)."""
    quoted = " ".join(shlex.quote(path) for path in paths)
    return f"cd -- {shlex.quote(working_directory)} || exit 97\ntar -cf - -- {quoted} | base64 -w0"


@dataclass(frozen=True)
class Look:
    """What the look saw: the step's end state (None: it left none) and the file listing."""

    cwd: str | None
    env: dict[str, str] | None
    files: dict[str, tuple[int, str]]  # path (no ./) -> (size, sha256)


def parse_look(stdout: str) -> Look:
    """Decode `look_command`'s output.

    Raises:
        ValueError: the output is not three base64 lines (the devbox lacks a tool we need).
    """
    lines = stdout.split("\n")
    if len(lines) < 3:
        raise ValueError(f"expected 3 lines from the file listing, got {len(lines)}")
    cwd, env = _parse_state(base64.b64decode(lines[0]))
    sizes = {}
    for entry in _nul_split(base64.b64decode(lines[1])):
        size, _, path = entry.partition(" ")
        sizes[_strip_dot(path)] = int(size)
    files = {}
    for entry in _nul_split(base64.b64decode(lines[2])):
        digest, _, path = entry.partition("  ")
        name = _strip_dot(path)
        if name in sizes:
            files[name] = (sizes[name], digest)
    return Look(cwd, env, files)


def fresh_env_command() -> str:
    """Print (base64) the environment of a fresh login shell, NUL-separated."""
    return "env -0 | base64 -w0"


def parse_env(data: bytes) -> dict[str, str]:
    """`env -0` output as a dict."""
    env = {}
    for entry in _nul_split(data):
        name, sep, value = entry.partition("=")
        if sep:
            env[name] = value
    return env


def env_delta(fresh: Mapping[str, str], now: Mapping[str, str]) -> dict[str, str | None]:
    """What differs in `now` from a fresh shell's environment (None: unset)."""
    delta: dict[str, str | None] = {
        name: value for name, value in now.items() if fresh.get(name) != value
    }
    delta.update({name: None for name in fresh if name not in now})
    return {name: value for name, value in delta.items() if name not in SHELL_OWNED}


def _parse_state(data: bytes) -> tuple[str | None, dict[str, str] | None]:
    if not data:
        return None, None
    cwd, _, rest = data.partition(b"\0")
    return cwd.decode("utf-8", "surrogateescape"), parse_env(rest)


def _nul_split(data: bytes) -> list[str]:
    return [part.decode("utf-8", "surrogateescape") for part in data.split(b"\0") if part]


def _strip_dot(path: str) -> str:
    return path[2:] if path.startswith("./") else path
