"""The project's set-up files agree with each other, so conda and pip users get the same tools."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_names_the_same_dependencies_as_pyproject() -> None:
    project = _pyproject()["project"]
    wanted = {str(Requirement(d)) for d in project["dependencies"]}
    wanted |= {str(Requirement(d)) for d in project["optional-dependencies"]["dev"]}

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {str(Requirement(d)) for d in pip_section if not d.startswith("-e ")}

    assert listed == wanted, f"only in pyproject: {wanted - listed}; only in yml: {listed - wanted}"
    assert "-e .[dev]" in pip_section


def test_readme_starts_with_the_two_contract_commands() -> None:
    commands = [
        line.split("#")[0].strip()
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("make ")
    ]
    assert commands[:2] == ["make lab", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _readme_layout() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    # Entries are indented two spaces; deeper lines continue the entry above.
    return [line.split()[0] for line in block.splitlines() if line[:2] == "  " and line[2] != " "]


def test_the_readme_layout_lists_every_package_and_only_what_exists() -> None:
    listed = _readme_layout()
    for entry in listed:
        assert (ROOT / "runloop_nb" / entry).exists(), f"README layout lists missing {entry}"
    packages = sorted(
        f"{path.name}/"
        for path in (ROOT / "runloop_nb").iterdir()
        if (path / "__init__.py").exists() and not path.name.startswith("_")
    )
    assert [p for p in packages if p not in listed] == []


def _recipe(target: str) -> list[str]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_make_lab_prints_a_labelled_server_url() -> None:
    from runloop_nb.cli import BACKGROUND_LABEL

    # `serve --background` prints "embedded Runloop server: <url>; connect() finds it" (its
    # output is checked in tests/local/test_server.py); make lab must go through it.
    assert "$(BIN)/runloop-nb serve --background" in _recipe("lab")
    assert BACKGROUND_LABEL == "embedded Runloop server"
    assert f"# {BACKGROUND_LABEL}: <url>; connect() finds it" in (ROOT / "README.md").read_text()
