"""python_script_scorer: python3 in the devbox, requirements checked offline, version checks."""

from __future__ import annotations

from typing import Any

import pytest

from runloop_nb.local.sandbox._base import Sandbox
from runloop_nb.local.scoring._python import check_python_version, parse_requirements

from .test_scorers import score_one


def python(script: str, **extra: str) -> dict[str, Any]:
    return {"type": "python_script_scorer", "python_script": script, **extra}


async def test_python_scorer_prints_its_score(devbox: Sandbox) -> None:
    await devbox.write_file("out.txt", b"hello")
    script = "from pathlib import Path\nprint(1.0 if Path('out.txt').read_text() == 'hello' else 0)"
    passed = await score_one(devbox, python(script))
    failed = await score_one(devbox, python(script.replace("hello'", "bye'")))
    assert (passed["score"], passed["state"]) == (1.0, "complete")
    assert "not enforced" in passed["output"]
    assert (failed["score"], failed["state"]) == (0.0, "complete")


async def test_python_scorer_crash_is_an_error_with_the_traceback(devbox: Sandbox) -> None:
    result = await score_one(devbox, python("raise SystemExit('boom')"))
    assert result["state"] == "error"
    assert "boom" in result["output"]


async def test_missing_requirement_is_an_error_not_a_zero(devbox: Sandbox) -> None:
    spec = python("print(1)", requirements_contents="# tools\nsurely-not-installed-pkg>=1\n")
    result = await score_one(devbox, spec)
    assert result["state"] == "error"
    assert "surely-not-installed-pkg is not installed" in result["output"]
    assert "offline" in result["output"]


async def test_strict_version_constraint_names_the_devbox_python(devbox: Sandbox) -> None:
    result = await score_one(devbox, python("print(1)", python_version_constraint=">=4.0"))
    assert result["state"] == "error"
    assert "the devbox's python3 is 3." in result["output"]
    satisfied = await score_one(devbox, python("print(1)", python_version_constraint=">=3.8"))
    assert (satisfied["score"], satisfied["state"]) == (1.0, "complete")


def test_requirements_parsing_rejects_options_and_garbage() -> None:
    assert [r.name for r in parse_requirements("a==1  # pinned\n\nb[x]>2\n")] == ["a", "b"]
    with pytest.raises(ValueError, match="not supported offline"):
        parse_requirements("--index-url https://example.org\n")
    with pytest.raises(ValueError, match="invalid requirement"):
        parse_requirements("not a requirement !!\n")


def test_the_api_default_constraint_is_lenient_others_are_not() -> None:
    assert check_python_version("==3.12.10", "3.11.2") == ""
    assert check_python_version("", "3.11.2") == ""
    assert "3.11.2" in check_python_version("==3.12.*", "3.11.2")
    assert "not a version specifier" in check_python_version("three", "3.11.2")
