"""Bounds on request input that would otherwise fail later, deep inside a devbox.

A command reaches the devbox as one argument of ``bash -c``, and environment variables as
``NAME=value`` strings of the process environment: the kernel refuses a NUL in either, and
refuses one argument longer than ``MAX_ARG_STRLEN`` (32 pages, 128 KiB, counting the NUL that
ends it; see execve(2), "Limits on size of arguments and environment"). A name holding ``=``
cannot be told apart from its value. Each is refused here, with a 400, before anything runs.
"""

from __future__ import annotations

from collections.abc import Mapping

from runloop_nb.local._errors import InvalidRequest

#: execve(2)'s MAX_ARG_STRLEN (131072 bytes) less the terminating NUL.
MAX_COMMAND_BYTES = 128 * 1024 - 1


def check_command(command: str) -> None:
    """Raise ``InvalidRequest`` for a command the kernel would refuse to run."""
    if "\x00" in command:
        raise InvalidRequest(
            "command must not contain a NUL character (\\u0000): a command is passed to "
            "bash as a C string"
        )
    size = len(command.encode("utf-8", "surrogatepass"))
    if size > MAX_COMMAND_BYTES:
        raise InvalidRequest(
            f"command is {size} bytes; at most {MAX_COMMAND_BYTES} bytes (128 KiB, Linux's "
            "MAX_ARG_STRLEN for one argument) are allowed. Write a longer script to a file "
            "(write_file_contents or upload_file) and execute that file."
        )


def check_env(env: Mapping[str, str] | None, field: str) -> None:
    """Raise ``InvalidRequest`` naming ``field`` for a variable no process environment can hold."""
    for name, value in (env or {}).items():
        shown = repr(name[:50])
        if not name:
            raise InvalidRequest(f"{field}: a variable name must not be empty")
        if "\x00" in name or "=" in name:
            raise InvalidRequest(
                f"{field}: variable name {shown} must not contain '=' or a NUL character"
            )
        if "\x00" in value:
            raise InvalidRequest(
                f"{field}: the value of {shown} must not contain a NUL character (\\u0000)"
            )


#: Bounds of a resource's ``metadata`` ({str: str}); the contract sets none. Every list call
#: answers the metadata of each item, so it must stay small.
MAX_METADATA_KEY_CHARS = 256
MAX_METADATA_VALUE_CHARS = 4096
MAX_METADATA_BYTES = 64 * 1024


def metadata_problem(metadata: Mapping[object, object]) -> str | None:
    """Why ``metadata`` is over the bounds (a message naming the limit), or None."""
    total = 0
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue  # the type is the body model's to refuse
        if len(key) > MAX_METADATA_KEY_CHARS:
            return (
                f"metadata: key {key[:50]!r}... is {len(key)} characters; keys may have at "
                f"most {MAX_METADATA_KEY_CHARS}"
            )
        if len(value) > MAX_METADATA_VALUE_CHARS:
            return (
                f"metadata: the value of {key[:50]!r} is {len(value)} characters; values may "
                f"have at most {MAX_METADATA_VALUE_CHARS}"
            )
        total += len(key.encode("utf-8", "surrogatepass"))
        total += len(value.encode("utf-8", "surrogatepass"))
    if total > MAX_METADATA_BYTES:
        return (
            f"metadata: its keys and values are {total} bytes (UTF-8); at most "
            f"{MAX_METADATA_BYTES} bytes (64 KiB) are allowed"
        )
    return None
