"""create_benchmark: ids checked before sending, then a real benchmark of pushed scenarios."""

from __future__ import annotations

import pytest

from runloop_nb.authoring import ScenarioBuilder, create_benchmark
from runloop_nb.client import RunloopClient

UNREACHABLE = RunloopClient(api_key="unused", base_url="http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("name", "ids", "message"),
    [
        ("", ["scn_1"], "non-empty string"),
        ("b", "scn_1", "not one string"),
        ("b", ["scn_1", ""], "non-empty strings"),
        ("b", ["scn_1", "scn_2", "scn_1"], r"\['scn_1'\] more than once"),
    ],
)
async def test_bad_arguments_are_rejected_before_any_request(
    name: str, ids: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await create_benchmark(UNREACHABLE, name, ids)


async def test_benchmark_of_pushed_scenarios_lists_them_in_order(client: RunloopClient) -> None:
    ids = []
    for name in ("bench-a", "bench-b"):
        scenario = await (
            ScenarioBuilder(client, name)
            .with_problem_statement("nothing to do")
            .add_shell_command_scorer("ok", command="true")
            .push()
        )
        ids.append(scenario.id)

    benchmark = await create_benchmark(
        client, "authoring-bench", list(reversed(ids)), description="two trivial scenarios"
    )

    assert benchmark.scenario_ids == list(reversed(ids))
    page = await client.api.benchmarks.definitions(benchmark.id)
    assert [s.id for s in page.scenarios] == list(reversed(ids))
