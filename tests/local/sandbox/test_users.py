"""One host uid per devbox: claimed once, found again after a restart, given back once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import _users
from runloop_nb.local.sandbox._users import (
    FIRST_UID,
    UID_COUNT,
    UID_REGISTRY,
    Identity,
    identity_for,
    release,
)

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="uids are assigned by a root server")


def _root(tmp_path: Path, name: str) -> Path:
    (tmp_path / name / "ctl").mkdir(parents=True)
    return tmp_path / name


@needs_root
def test_each_devbox_gets_its_own_unprivileged_uid(tmp_path: Path) -> None:
    first = identity_for(_root(tmp_path, "a"), "dbx_users_a")
    second = identity_for(_root(tmp_path, "b"), "dbx_users_b")
    try:
        assert first.switch
        assert second.switch
        assert first.uid != second.uid
        assert FIRST_UID <= first.uid < FIRST_UID + UID_COUNT
        assert first.gid == first.uid
    finally:
        release("dbx_users_a", first)
        release("dbx_users_b", second)


@needs_root
def test_the_uid_is_found_again_and_released_once(tmp_path: Path) -> None:
    root = _root(tmp_path, "a")
    identity = identity_for(root, "dbx_users_again")
    assert identity_for(root, "dbx_users_again") == identity  # e.g. after a server restart
    assert (root / "ctl" / "uid").read_text() == str(identity.uid)
    claim = UID_REGISTRY / str(identity.uid)
    assert claim.read_text() == "dbx_users_again"
    release("dbx_users_again", identity)
    assert not claim.exists()
    other = identity_for(_root(tmp_path, "b"), "dbx_users_again")  # same id hashes the same
    try:
        assert other.uid == identity.uid
        release("dbx_users_again_stale", other)  # a stale release must not free another's claim
        assert claim.exists()
    finally:
        release("dbx_users_again", other)


def test_launch_prefix_drops_to_the_uid_with_setpriv() -> None:
    assert Identity(1234, 1234, switch=False).launch_prefix() == []
    prefix = Identity(200_123, 200_123, switch=True).launch_prefix()
    assert prefix[1:] == ["--reuid=200123", "--regid=200123", "--clear-groups", "--"]
    assert prefix[0].endswith("/setpriv")


def test_without_setpriv_a_root_server_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _users.setpriv.cache_clear()
    monkeypatch.setattr(_users.shutil, "which", lambda *args, **kwargs: None)
    try:
        with pytest.raises(RuntimeError, match="install util-linux"):
            Identity(200_123, 200_123, switch=True).launch_prefix()
    finally:
        _users.setpriv.cache_clear()
