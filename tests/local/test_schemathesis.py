"""A bounded schemathesis run against the app in-process: every operation, generated requests
(valid ones, and invalid ones that must be refused), all of schemathesis' checks.

Deterministic (``derandomize``: the same examples every run) and bounded (``MAX_EXAMPLES`` per
operation and mode). Operations that create devboxes are left out: each example would start a
sandbox (a devbox per example on 2 cores). Every other devbox operation runs, against ids that do
not exist (its 404 and 400 answers).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance
from support.local_api import AUTH, TOKEN

from runloop_nb.local._app import create_app
from runloop_nb.local._state import ServerState

MAX_EXAMPLES = 10
#: Each would create (and start) a devbox per example.
CREATES_DEVBOXES = [
    ("POST", "/v1/devboxes"),
    ("POST", "/v1/devboxes/create_and_await_running"),
    ("POST", "/v1/scenarios/start_run"),
]


#: positive_data_acceptance expects every schema-valid request to be accepted; but the contract
#: answers 400 for refusals no schema can express (an unknown ``starting_after`` cursor, a
#: benchmark name or scorer type already taken, the rules between fields of send_std_in and
#: execute_sync), and random ids and names hit those. Every other check runs.
EXCLUDED = [positive_data_acceptance]


#: The server ignores query parameters it does not know (as Runloop's does: SDKs of other
#: versions send others), so a request is not invalid for having one.
CONFIG = schemathesis.Config.from_dict({"generation": {"allow-extra-parameters": False}})


@pytest.fixture
def schema(data_dir: Path) -> Iterator[schemathesis.BaseSchema]:
    app = create_app(ServerState.open(data_dir, token=TOKEN, load_catalog=False))
    # The lifespan (state.start()) runs in schemathesis' own event-loop thread, with the requests.
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG, headers=AUTH)
    for method, path in CREATES_DEVBOXES:
        loaded = loaded.exclude(method=method, path=path)
    yield loaded
    asgi.shutdown_lifespans()  # state.close()


@pytest.mark.slow
def test_every_operation_passes_all_checks(schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{mode.value} {operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_the_run_uses_every_check_but_one(schema: schemathesis.BaseSchema) -> None:
    load_all_checks()
    config = schema.config.checks_config_for()
    enabled = {name for name in CHECKS.get_all_names() if config.get_by_name(name=name).enabled}
    assert set(CHECKS.get_all_names()) == enabled
    assert len(enabled) >= 10
    assert [positive_data_acceptance] == EXCLUDED


def _run(operation: schemathesis.APIOperation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=AUTH, excluded_checks=EXCLUDED)

    check()
