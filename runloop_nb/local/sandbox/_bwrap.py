"""Devboxes as bubblewrap sandboxes: one long-lived ``bwrap`` per devbox running the exec agent.

Inside: own user/pid/net/ipc/uts/cgroup namespaces and no network (loopback only), host ``/usr``
read-only with the usual /bin, /lib symlinks, only the parts of /etc a shell, python3 and git
need (with a synthetic passwd/group naming ``user`` 1000), ``/proc``, ``/dev``, a size-capped
tmpfs ``/tmp``, and ``root/home`` as the writable ``/home/user``. bwrap is started as the devbox's
own unprivileged host uid when the server is root (``--uid 1000 --gid 1000 --cap-drop ALL``).
Bind sources are passed as fds, so the devbox uid needs no access to the server's directories.
Killing the launcher kills the pid namespace, so no process of the devbox survives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runloop_nb.local.sandbox._agent_procs import (
    children,
    pids_of_uid,
    proc_table,
    signal_all,
    stop_then_kill,
)
from runloop_nb.local.sandbox._host import SANE_PATH, AgentSandbox
from runloop_nb.local.sandbox._runtime import runtime

HOME = "/home/user"
#: Host /etc entries bound read-only (when present): enough for bash, python3, git and TLS.
ETC_ENTRIES = (
    "alternatives", "bash.bashrc", "ca-certificates", "debian_version", "environment",
    "host.conf", "inputrc", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "locale.alias",
    "localtime", "login.defs", "magic", "magic.mime", "mime.types", "nsswitch.conf",
    "os-release", "profile.d", "protocols", "python3", "python3.11", "python3.12",
    "python3.13", "services", "ssl", "terminfo", "timezone",
)  # fmt: skip
#: Debian's /etc/profile, reading the uid from bash's EUID instead of running id(1) (the one
#: process every login shell, so every command, started before doing anything).
_PROFILE = """\
# /etc/profile of a runloop_nb devbox: Debian's, without running id(1) under bash.
if [ "${EUID:-$(id -u)}" -eq 0 ]; then
  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
fi
export PATH

if [ "${PS1-}" ]; then
  if [ "${BASH-}" ] && [ "$BASH" != "/bin/sh" ]; then
    if [ -f /etc/bash.bashrc ]; then
      . /etc/bash.bashrc
    fi
  elif [ "${EUID:-$(id -u)}" -eq 0 ]; then
    PS1='# '
  else
    PS1='$ '
  fi
fi

if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r "$i" ]; then
      . "$i"
    fi
  done
  unset i
fi
"""
SYNTHETIC_ETC = {
    "passwd": "root:x:0:0:root:/root:/bin/bash\n"
    f"user:x:1000:1000:user:{HOME}:/bin/bash\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "group": "root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n",
    "hostname": "devbox\n",
    "hosts": "127.0.0.1\tlocalhost devbox\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    "gitconfig": "[safe]\n\tdirectory = *\n",
    "profile": _PROFILE,
}
_LAUNCHER_EXIT_SECONDS = 2.0
_ROOT_LINKS = ("bin", "lib", "lib32", "lib64", "libx32", "sbin")


def bwrap_binary() -> str:
    """Path of the bwrap binary the devbox uid can run (see ``_runtime``)."""
    return str(runtime().bwrap)


class BwrapSandbox(AgentSandbox):
    """A devbox isolated by bubblewrap; ``mode == "bwrap"``."""

    async def _launch(self, config: dict[str, Any]) -> asyncio.subprocess.Process:
        env = {"HOME": HOME, "USER": "user", "LOGNAME": "user", "SHELL": "/bin/bash"}
        config |= {
            "home": HOME,
            "env": {**env, "PATH": SANE_PATH, "LANG": "C.UTF-8"},
        }
        fds: list[int] = []
        passed = [config["listen_fd"], config["exec_dir_fd"]]
        log_fd = self.launch_log_file()
        try:
            argv = [*self._bwrap_args(fds), "/usr/bin/python3", "-B", "-S", "-s", "-E"]
            argv += ["/run/agent/_agent.py", json.dumps(config)]
            return await asyncio.create_subprocess_exec(
                *self.launcher_argv(argv),
                env={"PATH": SANE_PATH, "LANG": "C.UTF-8"},
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=log_fd,
                start_new_session=True,
                pass_fds=[*fds, *passed],
            )
        finally:
            for fd in [log_fd, *fds]:
                os.close(fd)

    def _bwrap_args(self, fds: list[int]) -> list[str]:
        def fd_of(path: Path | str) -> str:
            fds.append(os.open(path, os.O_PATH | os.O_CLOEXEC))
            return str(fds[-1])

        def data_fd(text: str) -> str:
            fd = os.memfd_create("etc", os.MFD_CLOEXEC)
            os.write(fd, text.encode())
            os.lseek(fd, 0, os.SEEK_SET)
            fds.append(fd)
            return str(fd)

        tmp_bytes = min(self.limits.disk_mb, self.limits.memory_mb // 2) * 1024 * 1024
        # --disable-userns: code in the devbox may not make user namespaces of its own (nested
        # namespaces are kernel attack surface and would let it map other uids).
        args = [bwrap_binary(), "--unshare-all", "--unshare-user", "--disable-userns"]
        args += ["--die-with-parent", "--new-session"]
        args += ["--hostname", "devbox", "--ro-bind", "/usr", "/usr", *_root_links()]
        args += ["--proc", "/proc", "--dev", "/dev", "--size", str(tmp_bytes), "--tmpfs", "/tmp"]
        for entry in ETC_ENTRIES:
            args += ["--ro-bind-try", f"/etc/{entry}", f"/etc/{entry}"]
        for name, text in SYNTHETIC_ETC.items():
            args += ["--ro-bind-data", data_fd(text), f"/etc/{name}"]
        args += ["--bind-fd", fd_of(self.home), HOME]
        args += ["--ro-bind-fd", fd_of(runtime().agent_dir), "/run/agent", "--chdir", HOME]
        return [*args, "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL"]

    async def _kill_processes(self) -> None:
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            # Kill the namespace's init (the launcher's child): the kernel kills everything in
            # the namespace and the launcher reaps it and exits. Killing the launcher first
            # would leave the init a zombie until the host's init reaps it.
            launcher = process.pid
            inits = children(launcher)
            if inits is None:
                inits = [pid for pid, (ppid, _, _) in proc_table().items() if ppid == launcher]
            signal_all(inits, signal.SIGKILL)
            try:
                await asyncio.wait_for(process.wait(), _LAUNCHER_EXIT_SECONDS)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()  # its pid namespace dies with it (--die-with-parent)
        await process.wait()
        if self.identity.switch:  # the namespace teardown is asynchronous: make sure
            await asyncio.to_thread(stop_then_kill, self._leftover_pids())

    def _leftover_pids(self) -> Callable[[], set[int]]:
        """What finds processes of this devbox that outlived its namespace: its pids cgroup
        (cheap to read), else a scan of /proc for its uid."""
        uid, cgroups = self.identity.uid, self.cgroups
        if cgroups.members() is None:
            return lambda: pids_of_uid(uid)
        return lambda: cgroups.members() or set()


def _root_links() -> list[str]:
    args: list[str] = []
    for name in _ROOT_LINKS:
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", os.readlink(host), f"/{name}"]
        elif host.is_dir():
            args += ["--ro-bind", str(host), f"/{name}"]
    return args
