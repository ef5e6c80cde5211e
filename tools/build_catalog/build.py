"""Build the shipped data of the ``repo-bugfix`` benchmark (run from the repository root).

    .venv/bin/python tools/build_catalog/build.py

1. ``pip download --no-deps --no-binary :all:`` each library's pinned sdist from PyPI;
2. trim it to the source package, the tests and the licence; write it, with paths under the
   project's directory, to ``runloop_nb/local/catalog/data/<lib>-<version>.tar.gz``;
3. for every bug in ``bugs.py``: check the replacement applies exactly once, trim the test modules
   to the tests the scenario runs, and make the fix (a ``patch -p1`` diff from buggy to pristine);
4. verify with Debian's ``/usr/bin/python3`` (the devbox interpreter) that the fail-to-pass tests
   fail with the bug and pass after the fix, and that the pass-to-pass tests pass both times;
5. write ``runloop_nb/local/catalog/data/repo_bugfix.json``.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bugs import BUGS, LIBRARIES

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "runloop_nb" / "local" / "catalog" / "data"
RUNNER = ROOT / "runloop_nb" / "local" / "catalog" / "_pytest_lite.py"
DEVBOX_PYTHON = "/usr/bin/python3"


def download(name: str, version: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         f"{name}=={version}", "-d", str(into)],
        check=True,
    )  # fmt: skip
    (sdist,) = into.glob(f"{name.replace('-', '?')}-{version}.tar.gz")
    return sdist


def trimmed_files(sdist: Path, keep: list[str]) -> dict[str, bytes]:
    """Project-relative path -> bytes of the kept members (no caches, no egg-info)."""
    files = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            relative = member.name.split("/", 1)[1] if "/" in member.name else ""
            wanted = any(
                relative == k or (k.endswith("/") and relative.startswith(k)) for k in keep
            )
            if member.isfile() and wanted and "__pycache__" not in relative:
                files[relative] = archive.extractfile(member).read()  # type: ignore[union-attr]
    return files


def write_archive(project: str, files: dict[str, bytes], path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=9) as archive:
        for relative in sorted(files):
            info = tarfile.TarInfo(f"{project}/{relative}")
            info.size, info.mode, info.mtime = len(files[relative]), 0o644, 0
            archive.addfile(info, io.BytesIO(files[relative]))
    path.write_bytes(buffer.getvalue())


def selected_names(test_ids: list[str]) -> set[str]:
    """Classes and functions the ids name (``mod.Class[.method]`` or ``path::function``)."""
    names = set()
    for test_id in test_ids:
        if "::" in test_id:
            names.add(test_id.split("::")[1])
        else:
            names.update(part for part in test_id.split(".") if part[:1].isupper())
    return names


def trim_tests(source: str, keep: set[str]) -> str:
    """Drop test classes and test functions the scenario does not run; keep everything else."""
    lines = source.splitlines(keepends=True)
    drop: list[tuple[int, int]] = []
    for node in ast.parse(source).body:
        is_test_class = isinstance(node, ast.ClassDef) and any(
            "TestCase" in ast.unparse(base) for base in node.bases
        )
        is_test_func = isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        if (is_test_class or is_test_func) and node.name not in keep:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            drop.append((start - 1, node.end_lineno or node.lineno))
    for start, end in reversed(drop):
        del lines[start:end]
    return "".join(lines)


def run_tests(library: dict[str, Any], project_dir: Path, test_ids: list[str]) -> int:
    if library["runner"] == "unittest":
        argv = [DEVBOX_PYTHON, "-m", "unittest", *test_ids]
    else:
        argv = [DEVBOX_PYTHON, str(RUNNER), *test_ids]
    # No bytecode: the buggy and fixed files can share size and mtime, so a .pyc would be stale.
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    if library["env"].startswith("PYTHONPATH="):
        env["PYTHONPATH"] = library["env"].split("=", 1)[1].strip()
    done = subprocess.run(argv, cwd=project_dir, env=env, capture_output=True, timeout=120)
    return done.returncode


def checkout(files: dict[str, bytes], into: Path) -> None:
    for relative, data in files.items():
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def build_bug(bug: dict[str, Any], pristine: dict[str, bytes]) -> dict[str, Any]:
    library = LIBRARIES[bug["library"]]
    original = pristine[bug["file"]].decode()
    assert original.count(bug["old"]) == 1, f"{bug['name']}: 'old' must occur exactly once"
    buggy = original.replace(bug["old"], bug["new"])
    fix = "".join(
        difflib.unified_diff(
            buggy.splitlines(keepends=True),
            original.splitlines(keepends=True),
            f"a/{bug['file']}",
            f"b/{bug['file']}",
        )
    )
    keep = selected_names(bug["fail_to_pass"] + bug["pass_to_pass"])
    whole = {i.replace(".", "/") + ".py" for i in bug["pass_to_pass"] if not selected_names([i])}
    tests = {
        path: pristine[path].decode()
        if path in whole
        else trim_tests(pristine[path].decode(), keep)
        for path in bug["test_files"]
    }
    verify(bug, library, {**pristine, bug["file"]: buggy.encode()}, fix, tests)
    return {
        key: bug[key]
        for key in ("name", "library", "file", "old", "new", "fail_to_pass", "pass_to_pass")
    } | {"problem_statement": bug["statement"], "fix_patch": fix, "test_files": tests}


def verify(bug: dict[str, Any], library: dict[str, Any], buggy_files: dict[str, bytes],
           fix: str, tests: dict[str, str]) -> None:  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        checkout(buggy_files, project)
        checkout({path: text.encode() for path, text in tests.items()}, project)
        (project / "rl_pytest_lite.py").write_bytes(RUNNER.read_bytes())
        f2p, p2p = bug["fail_to_pass"], bug["pass_to_pass"]
        assert run_tests(library, project, f2p) != 0, f"{bug['name']}: F2P passes with the bug"
        assert run_tests(library, project, p2p) == 0, f"{bug['name']}: P2P fails with the bug"
        subprocess.run(["patch", "-p1", "-s"], input=fix.encode(), cwd=project, check=True)
        assert run_tests(library, project, f2p) == 0, f"{bug['name']}: F2P fails after the fix"
        assert run_tests(library, project, p2p) == 0, f"{bug['name']}: P2P fails after the fix"
    print(f"verified {bug['name']}")


def write_licences(pristine: dict[str, dict[str, bytes]]) -> None:
    """One text file with every shipped library's licence (each archive also holds its own)."""
    parts = []
    for name, library in LIBRARIES.items():
        licence = next(
            pristine[name][path] for path in pristine[name] if path.startswith("LICENSE")
        )
        header = f"{name} {library['version']} ({library['license']}), from its PyPI sdist"
        parts.append(f"{'=' * 72}\n{header}\n{'=' * 72}\n{licence.decode()}")
    (DATA / "THIRD_PARTY_LICENSES.txt").write_text("\n".join(parts))


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    pristine: dict[str, dict[str, bytes]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, library in LIBRARIES.items():
            sdist = download(name, library["version"], Path(tmp))
            pristine[name] = trimmed_files(sdist, library["keep"])
            write_archive(name, pristine[name], DATA / f"{name}-{library['version']}.tar.gz")
    write_licences(pristine)
    scenarios = [build_bug(bug, pristine[bug["library"]]) for bug in BUGS]
    libraries = {
        name: {k: v for k, v in lib.items() if k != "keep"} for name, lib in LIBRARIES.items()
    }
    document = {"libraries": libraries, "scenarios": scenarios}
    (DATA / "repo_bugfix.json").write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {len(scenarios)} scenarios to {DATA}")
    from runloop_nb.local.catalog._prebuilt import main as write_prebuilt

    write_prebuilt()  # the prebuilt catalog is stale now: rebuild it from the new data


if __name__ == "__main__":
    main()
