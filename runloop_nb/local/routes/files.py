"""Routes of devbox files (contract §9.8): read/write text, upload/download bytes.

Paths are relative to the devbox's home directory ``/home/user``, or absolute under it. A path
that leaves the home (``..``, another absolute path, a symlink pointing out) is refused with 400
naming the path; a missing file is 404; a directory, or a non-UTF-8 file read as text, is 400.
"""

from __future__ import annotations

import posixpath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import PlainTextResponse, Response

from runloop_nb.local._devboxes import DevboxService
from runloop_nb.local._errors import InvalidRequest, ServerError
from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._openapi import CHANGE, media
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.local.sandbox import Sandbox
from runloop_nb.wire import DownloadFileParams, ReadFileParams, WriteFileParams

router = APIRouter(prefix="/v1/devboxes/{devbox_id}", tags=["files"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
HOME = "/home/user"


class FileMissing(ServerError):
    status = 404
    error = "not_found"


def check_path(path: str) -> str:
    """The path as the sandbox takes it; InvalidRequest if it leaves the home directory."""
    if "\x00" in path:
        raise InvalidRequest(f"Path {path!r} contains a NUL byte.")
    absolute = posixpath.normpath(posixpath.join(HOME, path))
    if absolute != HOME and not absolute.startswith(HOME + "/"):
        raise InvalidRequest(
            f"Path {path!r} leaves the devbox's home directory {HOME}; give a "
            "path relative to it, or an absolute path under it."
        )
    return path


async def _read(service: DevboxService, devbox_id: str, path: str) -> bytes:
    sandbox = service.sandbox(devbox_id)
    service.touch(devbox_id)
    try:
        return await sandbox.read_file(check_path(path))
    except OSError as exc:
        raise _file_error(path, exc) from None


async def _write(sandbox: Sandbox, path: str, data: bytes) -> None:
    try:
        await sandbox.write_file(check_path(path), data)
    except OSError as exc:
        raise _file_error(path, exc) from None


def _file_error(path: str, exc: OSError) -> ServerError:
    if isinstance(exc, FileNotFoundError):
        return FileMissing(f"No file {path!r} in the devbox (paths are relative to {HOME}).")
    if isinstance(exc, IsADirectoryError):
        return InvalidRequest(f"{path!r} is a directory, not a file.")
    if isinstance(exc, PermissionError):
        return InvalidRequest(
            f"Path {path!r} leaves the devbox's home directory {HOME} "
            f"(or is not accessible): {exc.strerror or exc}."
        )
    return InvalidRequest(f"Cannot access {path!r}: {exc.strerror or exc}.")


@router.post("/read_file_contents", responses=CHANGE, response_class=PlainTextResponse)
async def read_file_contents(
    state: State, devbox_id: str, params: ReadFileParams
) -> PlainTextResponse:
    """The file as UTF-8 text (``text/plain``); 400 for binary files: use download_file."""
    data = await _read(state.devboxes, devbox_id, params.file_path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(
            f"{params.file_path!r} is not UTF-8 text (byte {exc.start}); "
            "use download_file for binary files."
        ) from None
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")


@router.post("/write_file_contents", responses=CHANGE)
async def write_file_contents(
    state: State, devbox_id: str, params: WriteFileParams
) -> dict[str, Any]:
    """Create or replace the file with UTF-8 ``contents`` (parent directories created)."""
    service = state.devboxes
    sandbox = service.sandbox(devbox_id)
    service.touch(devbox_id)
    await _write(sandbox, params.file_path, params.contents.encode("utf-8"))
    return {"devbox_id": devbox_id, "exit_status": 0, "stdout": "", "stderr": ""}


@router.post("/upload_file", responses=CHANGE)
async def upload_file(
    state: State,
    devbox_id: str,
    # An empty form field counts as missing (400): the schema says so.
    path: Annotated[str, Form(min_length=1)],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    """Write the multipart ``file`` part, byte for byte, to ``path``."""
    service = state.devboxes
    sandbox = service.sandbox(devbox_id)
    service.touch(devbox_id)
    await _write(sandbox, path, await file.read())
    return {}


@router.post(
    "/download_file",
    responses={**CHANGE, **media("application/octet-stream", binary=True)},
    response_class=Response,
)
async def download_file(state: State, devbox_id: str, params: DownloadFileParams) -> Response:
    data = await _read(state.devboxes, devbox_id, params.path)
    return Response(content=data, media_type="application/octet-stream")
