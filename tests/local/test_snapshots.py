"""Disk snapshots over real HTTP: snapshot → new devbox round trip, async status polling,
listing filters, update, delete, named blueprints and catalog archives."""

from __future__ import annotations

import asyncio
import io
import tarfile
from typing import Any

import httpx
from support.devbox_harness import LiveServer, api, data_dir, live, run, running_devbox

from runloop_nb.wire import DevboxSnapshotView

__all__ = ["api", "data_dir", "live"]  # fixtures used by the tests below


async def snapshot(api: httpx.AsyncClient, devbox_id: str, **body: Any) -> dict[str, Any]:
    answer = await api.post(f"/v1/devboxes/{devbox_id}/snapshot_disk", json=body)
    assert answer.status_code == 200, answer.text
    view: dict[str, Any] = answer.json()
    return view


async def test_a_snapshot_restores_into_a_new_devbox(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    await run(api, box["id"], "mkdir -p proj && echo v1 > proj/state.txt")
    snap = await snapshot(
        api, box["id"], name="after-setup", metadata={"stage": "1"}, commit_message="set up"
    )
    DevboxSnapshotView.model_validate(snap)
    assert snap["id"].startswith("snp_")
    assert (snap["source_devbox_id"], snap["name"]) == (box["id"], "after-setup")
    assert snap["size_bytes"] > 0
    await run(api, box["id"], "echo v2 > proj/state.txt")
    await api.post(f"/v1/devboxes/{box['id']}/shutdown")  # the snapshot outlives its devbox
    copy = await running_devbox(api, snapshot_id=snap["id"])
    assert copy["snapshot_id"] == snap["id"]
    assert (await run(api, copy["id"], "cat proj/state.txt"))["stdout"] == "v1\n"
    named = await running_devbox(api, blueprint_name="after-setup")
    assert (await run(api, named["id"], "cat proj/state.txt"))["stdout"] == "v1\n"


async def test_async_snapshot_is_polled_until_complete(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    await run(api, box["id"], "head -c 200000 /dev/urandom > noise.bin")
    started = (await api.post(f"/v1/devboxes/{box['id']}/snapshot_disk_async", json={})).json()
    url = f"/v1/devboxes/disk_snapshots/{started['id']}/status"
    for _ in range(100):
        status = (await api.get(url)).json()
        if status["status"] != "in_progress":
            break
        await asyncio.sleep(0.05)
    assert status["status"] == "complete"
    assert status["snapshot"]["size_bytes"] > 200000 * 0.9
    assert (await api.get("/v1/devboxes/disk_snapshots/snp_nope/status")).status_code == 404


async def test_list_filters_by_devbox_and_metadata(api: httpx.AsyncClient) -> None:
    one = await running_devbox(api)
    two = await running_devbox(api)
    a = await snapshot(api, one["id"], metadata={"kind": "a"})
    b = await snapshot(api, one["id"], metadata={"kind": "b"})
    c = await snapshot(api, two["id"], metadata={"kind": "c"})
    listed = (await api.get("/v1/devboxes/disk_snapshots")).json()
    assert [s["id"] for s in listed["snapshots"]] == [c["id"], b["id"], a["id"]]
    assert listed["total_count"] == 3
    of_one = (await api.get("/v1/devboxes/disk_snapshots", params={"devbox_id": one["id"]})).json()
    assert [s["id"] for s in of_one["snapshots"]] == [b["id"], a["id"]]
    exact = (await api.get("/v1/devboxes/disk_snapshots", params={"metadata[kind]": "a"})).json()
    assert [s["id"] for s in exact["snapshots"]] == [a["id"]]
    either = (
        await api.get("/v1/devboxes/disk_snapshots", params={"metadata[kind][in]": "a,c"})
    ).json()
    assert [s["id"] for s in either["snapshots"]] == [c["id"], a["id"]]
    page = (
        await api.get("/v1/devboxes/disk_snapshots", params={"limit": 1, "starting_after": c["id"]})
    ).json()
    assert ([s["id"] for s in page["snapshots"]], page["has_more"]) == ([b["id"]], True)
    bad = await api.get("/v1/devboxes/disk_snapshots", params={"metadata[kind": "a"})
    assert bad.status_code == 400


async def test_update_replaces_and_delete_removes(api: httpx.AsyncClient, live: LiveServer) -> None:
    box = await running_devbox(api)
    snap = await snapshot(api, box["id"], name="n", metadata={"k": "v"}, commit_message="m")
    url = f"/v1/devboxes/disk_snapshots/{snap['id']}"
    updated = (await api.post(url, json={"name": "renamed"})).json()
    assert (updated["name"], updated["metadata"], updated["commit_message"]) == (
        "renamed",
        {},
        None,
    )
    archive = live.state.devboxes.snapshots.archive_path(snap["id"])
    assert archive.exists()
    assert (await api.post(f"{url}/delete")).json() == {}
    assert not archive.exists()
    assert (await api.get(f"{url}/status")).status_code == 404
    assert (await api.post(f"{url}/delete")).status_code == 404
    gone = await api.post("/v1/devboxes", json={"snapshot_id": snap["id"]})
    assert gone.status_code == 400


async def test_snapshot_of_a_devbox_that_is_not_running_is_refused(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    await api.post(f"/v1/devboxes/{box['id']}/suspend")
    answer = await api.post(f"/v1/devboxes/{box['id']}/snapshot_disk", json={})
    assert answer.status_code == 400
    assert "suspended" in answer.json()["message"]


def _home_archive(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


async def test_catalog_archives_become_named_blueprints(
    api: httpx.AsyncClient, live: LiveServer
) -> None:
    snapshots = live.state.devboxes.snapshots
    old = snapshots.add_archive(
        _home_archive({"task.txt": b"old\n"}), name="env-1", metadata={"scenario": "s1"}
    )
    new = snapshots.add_archive(
        _home_archive({"task.txt": b"new\n"}), name="env-1", metadata={"scenario": "s1"}
    )
    assert old["source_devbox_id"] == ""
    assert (await api.get(f"/v1/devboxes/disk_snapshots/{new['id']}/status")).json()[
        "status"
    ] == "complete"
    box = await running_devbox(api, blueprint_name="env-1")  # the newest one wins
    assert (await run(api, box["id"], "cat task.txt"))["stdout"] == "new\n"
    by_id = await running_devbox(api, blueprint_id=old["id"])
    assert (await run(api, by_id["id"], "cat task.txt"))["stdout"] == "old\n"
