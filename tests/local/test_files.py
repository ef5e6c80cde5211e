"""Devbox files over real HTTP: text read/write, binary upload/download, and paths that try to
leave the home directory."""

from __future__ import annotations

import httpx
import pytest
from support.devbox_harness import api, data_dir, live, run, running_devbox

__all__ = ["api", "data_dir", "live"]  # fixtures used by the tests below

BINARY = bytes(range(256)) * 40 + b"\x00\xff\xfe"


async def test_write_then_read_text_in_the_home_directory(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    base = f"/v1/devboxes/{box['id']}"
    written = await api.post(
        f"{base}/write_file_contents",
        json={"file_path": "src/app/notes.md", "contents": "héllo\nworld\n"},
    )
    assert written.json() == {"devbox_id": box["id"], "exit_status": 0, "stdout": "", "stderr": ""}
    assert (await run(api, box["id"], "cat src/app/notes.md"))["stdout"] == "héllo\nworld\n"
    read = await api.post(f"{base}/read_file_contents", json={"file_path": "src/app/notes.md"})
    assert read.headers["content-type"].startswith("text/plain")
    assert read.text == "héllo\nworld\n"
    absolute = await api.post(
        f"{base}/read_file_contents", json={"file_path": "/home/user/src/app/notes.md"}
    )
    assert absolute.text == "héllo\nworld\n"


async def test_upload_and_download_are_byte_exact(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    base = f"/v1/devboxes/{box['id']}"
    uploaded = await api.post(
        f"{base}/upload_file",
        data={"path": "data/blob.bin"},
        files={"file": ("blob.bin", BINARY, "application/octet-stream")},
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json() == {}
    size = await run(api, box["id"], "wc -c < data/blob.bin")
    assert int(size["stdout"]) == len(BINARY)
    downloaded = await api.post(f"{base}/download_file", json={"path": "data/blob.bin"})
    assert downloaded.headers["content-type"] == "application/octet-stream"
    assert downloaded.content == BINARY


async def test_reading_a_binary_file_as_text_says_to_download_it(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    base = f"/v1/devboxes/{box['id']}"
    await api.post(
        f"{base}/upload_file", data={"path": "blob.bin"}, files={"file": ("blob.bin", BINARY)}
    )
    answer = await api.post(f"{base}/read_file_contents", json={"file_path": "blob.bin"})
    assert answer.status_code == 400
    assert "download_file" in answer.json()["message"]


async def test_missing_files_and_directories_get_clear_errors(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    base = f"/v1/devboxes/{box['id']}"
    missing = await api.post(f"{base}/read_file_contents", json={"file_path": "nope.txt"})
    assert missing.status_code == 404
    assert "nope.txt" in missing.json()["message"]
    await run(api, box["id"], "mkdir -p adir")
    directory = await api.post(f"{base}/download_file", json={"path": "adir"})
    assert directory.status_code == 400
    assert "directory" in directory.json()["message"]
    no_body = await api.post(f"{base}/upload_file", data={"path": "x"})
    assert no_body.status_code == 400
    assert "file" in no_body.json()["message"]


@pytest.mark.parametrize(
    "path", ["../escape.txt", "/etc/passwd", "a/../../../etc/passwd", "/home/userx/file"]
)
async def test_paths_leaving_the_home_are_refused(api: httpx.AsyncClient, path: str) -> None:
    box = await running_devbox(api)
    base = f"/v1/devboxes/{box['id']}"
    for answer in (
        await api.post(f"{base}/read_file_contents", json={"file_path": path}),
        await api.post(f"{base}/write_file_contents", json={"file_path": path, "contents": "x"}),
        await api.post(f"{base}/download_file", json={"path": path}),
        await api.post(f"{base}/upload_file", data={"path": path}, files={"file": ("f", b"x")}),
    ):
        assert answer.status_code == 400, (path, answer.text)
        assert path in answer.json()["message"]


async def test_a_symlink_out_of_the_home_is_not_followed(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    base = f"/v1/devboxes/{box['id']}"
    await run(api, box["id"], "ln -s /etc/hostname host_link")
    answer = await api.post(f"{base}/read_file_contents", json={"file_path": "host_link"})
    assert answer.status_code in {400, 404}
    written = await api.post(
        f"{base}/write_file_contents", json={"file_path": "host_link", "contents": "owned"}
    )
    assert written.status_code in {400, 404}


async def test_files_of_a_devbox_that_is_not_running_are_refused(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    await api.post(f"/v1/devboxes/{box['id']}/shutdown")
    answer = await api.post(f"/v1/devboxes/{box['id']}/read_file_contents", json={"file_path": "a"})
    assert answer.status_code == 400
    assert "shutdown" in answer.json()["message"]
