"""An untouched repo-bugfix run, through the real server: it scores its pass-to-pass weight."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from support.shared_server import shared_server

from runloop_nb.client import RunloopClient
from runloop_nb.local.catalog._repo_bugfix import P2P_WEIGHT


@pytest.fixture
async def client() -> AsyncIterator[RunloopClient]:
    _, info = shared_server()
    async with RunloopClient(api_key=info.token, base_url=info.url) as made:
        yield made


async def test_an_untouched_run_scores_exactly_the_pass_to_pass_weight(
    client: RunloopClient,
) -> None:
    [scenario] = await client.api.scenarios.list_public(name="more-itertools-chunked-strict")
    run = await client.api.scenarios.start_run(scenario_id=scenario.id, run_name="untouched")
    try:
        await client.devbox.from_id(run.devbox_id).await_running()
        scored = await client.api.scenarios.runs.score_and_await(run.id)
    finally:
        await client.api.scenarios.runs.cancel(run.id)
    result = scored.scoring_contract_result
    assert result is not None
    assert result.score == P2P_WEIGHT
    scores = {r.scoring_function_name: r.score for r in result.scoring_function_results}
    assert scores == {"fail_to_pass": 0.0, "pass_to_pass": 1.0}
