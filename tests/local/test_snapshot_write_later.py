"""add_archive(write_later=True): recorded at once, its file written before anyone reads it."""

from __future__ import annotations

from runloop_nb.local._state import ServerState
from runloop_nb.local.catalog._model import tar_gz


async def test_an_archive_written_later_is_on_disk_before_its_path_is_handed_out(
    state: ServerState,
) -> None:
    snapshots = state.snapshots
    archive = tar_gz({"task.txt": b"hello\n"})
    doc = snapshots.add_archive(archive, name="later", metadata={}, write_later=True)
    assert snapshots.get(doc["id"])["size_bytes"] == len(archive)
    on_disk = state.data_dir / "snapshots" / f"{doc['id']}.tar.gz"
    assert not on_disk.exists()
    assert snapshots.archive_path(doc["id"]).read_bytes() == archive


async def test_the_background_writer_writes_every_archive_then_says_so(
    state: ServerState,
) -> None:
    snapshots = state.snapshots
    archives = {f"s{i}": tar_gz({"n.txt": str(i).encode()}) for i in range(20)}
    ids = {
        name: snapshots.add_archive(archive, name=name, metadata={}, write_later=True)["id"]
        for name, archive in archives.items()
    }
    done: list[bool] = []
    snapshots.write_later_in_background(lambda: done.append(True))
    await snapshots.archives_written()
    assert done == [True]
    for name, snapshot_id in ids.items():
        on_disk = state.data_dir / "snapshots" / f"{snapshot_id}.tar.gz"
        assert on_disk.read_bytes() == archives[name]
