"""File transfer bodies: read, write and download a file in a devbox."""

from __future__ import annotations

from pydantic import Field

from runloop_nb.wire._base import WireModel


class ReadFileParams(WireModel):
    """Body of ``POST /v1/devboxes/{id}/read_file_contents`` (path relative to the home)."""

    file_path: str = Field(min_length=1)


class WriteFileParams(WireModel):
    """Body of ``POST /v1/devboxes/{id}/write_file_contents`` (UTF-8 contents)."""

    file_path: str = Field(min_length=1)
    contents: str


class DownloadFileParams(WireModel):
    """Body of ``POST /v1/devboxes/{id}/download_file``."""

    path: str = Field(min_length=1)
