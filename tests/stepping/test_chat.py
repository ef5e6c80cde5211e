"""ChatAgent against a real local fake OpenAI server, stepped on the real repo-bugfix scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.fake_model import fake_model, say, tool_call
from support.repo_bugfix import FILE, FIX, SED, scenario_id

from runloop_nb.client import RunloopClient
from runloop_nb.errors import ModelError
from runloop_nb.stepping import Action, ChatAgent, Observation, Stepper


async def test_tool_calls_agent_steps_to_a_score_of_one(
    client: RunloopClient, tmp_path: Path
) -> None:
    replies = [
        tool_call("bash", "Look around first.", command="ls src/cachetools"),
        tool_call("bash", "Fix the eviction order.", command=SED),
        say("The bug is fixed."),
    ]
    with fake_model(replies, key="sk-test") as model:
        agent = ChatAgent(model.base_url, "fake-4", api_key="sk-test", max_tokens=256)
        stepper = await Stepper.start(
            client, await scenario_id(client), agent, trajectory=tmp_path / "t.jsonl"
        )
        try:
            first = await stepper.propose()
            assert first == Action.run("ls src/cachetools", thought="Look around first.")
            await stepper.reject("Do not list; fix the file.")
            assert (await stepper.propose()) == Action.run(SED, "Fix the eviction order.")
            fixed = await stepper.approve()
            assert fixed.files_changed == [FILE]
            assert await stepper.propose() is None
            assert (await stepper.score()).score == 1.0
        finally:
            if not stepper.finished:
                await stepper.cancel()
    headers, body = model.requests[0]
    assert headers["Authorization"] == "Bearer sk-test"
    assert (body["model"], body["max_tokens"], body["temperature"]) == ("fake-4", 256, 0.0)
    assert [t["function"]["name"] for t in body["tools"]] == ["bash", "write_file"]
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "LRU" in body["messages"][1]["content"] or "evict" in body["messages"][1]["content"]
    second = model.requests[1][1]["messages"]
    assert "rejected" in second[-1]["content"]
    assert "fix the file" in second[-1]["content"]
    third = model.requests[2][1]["messages"]
    assert third[-2]["tool_calls"][0]["function"]["arguments"] == json.dumps({"command": SED})
    assert third[-1]["role"] == "tool"
    assert third[-1]["content"].startswith("exit code: 0")
    assert agent.usage == [
        {"prompt_tokens": 20, "completion_tokens": 7},
        {"prompt_tokens": 30, "completion_tokens": 7},
        {"prompt_tokens": 40, "completion_tokens": 7},
    ]


async def test_fenced_agent_retries_a_format_error_then_scores_one(
    client: RunloopClient, tmp_path: Path
) -> None:
    replies = [
        say("I will fix it, no block here."),
        say(f"Fix it.\n\n```bash\n{SED}\n```"),
        say("```bash\nls\n```\n```bash\nls\n```"),
        say("Done. TASK_COMPLETE"),
    ]
    with fake_model(replies) as model:
        agent = ChatAgent(
            model.base_url, "fake-fenced", format="fenced", api_key_env="NO_SUCH_KEY_VAR"
        )
        stepper = await Stepper.start(
            client, await scenario_id(client), agent, trajectory=tmp_path / "f.jsonl"
        )
        try:
            assert (await stepper.propose()) == Action.run(SED, thought="Fix it.")
            assert (await stepper.approve()).files_changed == [FILE]
            assert await stepper.propose() is None
            assert (await stepper.score()).score == 1.0
        finally:
            if not stepper.finished:
                await stepper.cancel()
    assert "Authorization" not in model.requests[0][0]
    assert "tools" not in model.requests[0][1]
    retry = model.requests[1][1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": "I will fix it, no block here."}
    assert retry[-1]["content"].startswith("Format error: your reply had no ```bash block")
    after_two = model.requests[3][1]["messages"]
    assert "2 ```bash blocks" in after_two[-1]["content"]
    assert f"```bash\n{SED}\n```" in after_two[2]["content"]
    assert FIX not in after_two[3]["content"]
    assert after_two[3]["content"].startswith("exit code: 0")


async def test_format_errors_are_bounded() -> None:
    with fake_model([say("no block")] * 2) as model:
        agent = ChatAgent(model.base_url, "m", format="fenced", format_retries=1)
        with pytest.raises(ModelError, match="broke the reply format 2 times"):
            await agent.next_action(Observation("fix it", "/home/user"))
        assert len(model.requests) == 2


async def test_a_wrong_key_says_to_check_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_MODEL_KEY", "sk-wrong")
    with fake_model([], key="sk-right") as model:
        agent = ChatAgent(model.base_url, "m", api_key_env="FAKE_MODEL_KEY")
        with pytest.raises(ModelError, match=r"401.*check the FAKE_MODEL_KEY environment variable"):
            await agent.next_action(Observation("fix it", "/home/user"))
        assert model.requests[0][0]["Authorization"] == "Bearer sk-wrong"
        wrong_url = ChatAgent(model.base_url.removesuffix("/v1"), "m", api_key="sk-right")
        with pytest.raises(ModelError, match="404; check base_url"):
            await wrong_url.next_action(Observation("fix it", "/home/user"))


async def test_a_refused_connection_says_to_check_the_base_url() -> None:
    with fake_model([]) as model:
        url = model.base_url
    agent = ChatAgent(url, "m")
    with pytest.raises(ModelError, match=r"cannot reach .*check base_url"):
        await agent.next_action(Observation("fix it", "/home/user"))
