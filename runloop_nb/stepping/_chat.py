"""`ChatAgent`: a step agent over an OpenAI-compatible chat-completions endpoint (httpx, async).

Two action formats:

- ``tool_calls``: the model gets two tools, ``bash`` {command} and ``write_file`` {path,
  content}; the message content is the thought. Done: a reply that calls no tool.
- ``fenced`` (mini-swe-agent style): one ```` ```bash ```` block per reply, the text before it
  is the thought. Done: a reply with no block that contains `DONE_SENTINEL`. A reply with zero
  (and no sentinel) or several blocks goes back to the model as a format error, at most
  `format_retries` times; then `ModelError`.

The conversation is rebuilt from each `Observation` (problem statement, every step with its exit
code and the end of its output, then the person's feedback), so edits, skips, rejections and a
person's own steps are what the model sees. Token usage of every request is kept in `usage`
(the `Step` record has no free-form field).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Literal

import httpx

from runloop_nb.errors import ModelError
from runloop_nb.stepping._protocol import Action, Observation

Format = Literal["tool_calls", "fenced"]
DONE_SENTINEL = "TASK_COMPLETE"
_FENCE = re.compile(r"```(?:bash|sh)[ \t]*\n(.*?)```", re.DOTALL)

SYSTEM_PROMPT = """You are a software engineer working in a Linux shell, in {working_directory}.
Solve the task by running one action at a time; you will see each action's exit code and output.
Each command runs in a fresh shell, but the working directory and exported variables persist.
{format_rules}"""

_RULES = {
    "tool_calls": "Use the bash tool to run a command and the write_file tool to write a file. "
    "When the task is solved, reply without calling a tool.",
    "fenced": "Reply with your reasoning, then exactly one ```bash code block holding the command "
    f"to run. When the task is solved, reply with {DONE_SENTINEL} and no code block.",
}

_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "bash",
            "description": "Run a shell command in the working directory.",
            "parameters": {
                "type": "object",
                "properties": {"command": {"type": "string"}},
                "required": ["command"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "write_file",
            "description": "Write text to a file (relative to the working directory).",
            "parameters": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
                "required": ["path", "content"],
            },
        },
    },
]


class ChatAgent:
    """Proposes the actions an OpenAI-compatible chat model chooses; see the module docstring.

    `api_key` is the key itself; without it the key is read from the environment variable
    `api_key_env` when a request is made (never at import). No key: no Authorization header
    (local servers). `system_prompt` is a `str.format` template with `{working_directory}`,
    `{format_rules}` and `{problem_statement}`. `transport` is for tests (an httpx transport).

    Raises (from `next_action`):
        ModelError: the endpoint failed (what to check is in the message), or the model kept
            breaking the format.
    """

    name = "chat"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        format: Format = "tool_calls",
        temperature: float = 0.0,
        max_tokens: int | None = None,
        system_prompt: str = SYSTEM_PROMPT,
        format_retries: int = 2,
        output_limit: int = 4000,
        timeout: float = 120.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if format not in ("tool_calls", "fenced"):
            raise ValueError(f"format is 'tool_calls' or 'fenced' (got {format!r})")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.api_key_env = api_key_env
        self.format: Format = format
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.system_prompt = system_prompt
        self.format_retries = format_retries
        self.output_limit = output_limit
        self.timeout = timeout
        self.transport = transport
        self.usage: list[dict[str, int]] = []

    # -- the protocol --------------------------------------------------------------------------

    async def next_action(self, observation: Observation) -> Action | None:
        """Ask the model for the next action (None: it says it is done)."""
        messages = self.messages(observation)
        for _ in range(self.format_retries + 1):
            reply = await self._complete(messages)
            if self.format == "tool_calls":
                return _from_tool_calls(reply)
            content = reply.get("content") or ""
            blocks = _FENCE.findall(content)
            if len(blocks) == 1:
                thought = content[: content.find("```")].strip()
                return Action.run(blocks[0].strip(), thought=thought)
            if not blocks and DONE_SENTINEL in content:
                return None
            messages += [
                {"role": "assistant", "content": content},
                {"role": "user", "content": _format_error(len(blocks))},
            ]
        raise ModelError(
            f"{self.model} broke the reply format {self.format_retries + 1} times in a row "
            "(exactly one ```bash block per reply); try another model or the 'tool_calls' format."
        )

    # -- messages ------------------------------------------------------------------------------

    def messages(self, observation: Observation) -> list[dict[str, Any]]:
        """The chat messages for `observation` (what the next request sends)."""
        system = self.system_prompt.format(
            working_directory=observation.working_directory,
            format_rules=_RULES[self.format],
            problem_statement=observation.problem_statement,
        )
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": f"Task:\n{observation.problem_statement}"},
        ]
        for step in observation.steps:
            messages += self._step_messages(step)
        if observation.feedback:
            notes = "\n".join(f"- {note}" for note in observation.feedback)
            messages.append({"role": "user", "content": f"About your last proposals:\n{notes}"})
        return messages

    def _step_messages(self, step: Any) -> list[dict[str, Any]]:
        action: Action = step.action
        result = _result(step, self.output_limit)
        if step.who == "human":
            said = f"A person ran: {action.describe()}\n{result}"
            return [{"role": "user", "content": said}]
        if self.format == "fenced":
            body = action.command if action.kind == "command" else _heredoc(action)
            said = f"{action.thought}\n\n```bash\n{body}\n```".lstrip()
            return [{"role": "assistant", "content": said}, {"role": "user", "content": result}]
        call_id = f"step-{step.step}"
        if action.kind == "command":
            name, arguments = "bash", {"command": action.command}
        else:
            name, arguments = "write_file", {"path": action.path, "content": action.contents}
        call = {"id": call_id, "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments)}}  # fmt: skip
        return [
            {"role": "assistant", "content": action.thought or None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": call_id, "content": result},
        ]

    # -- HTTP ----------------------------------------------------------------------------------

    def _key(self) -> str | None:
        return self.api_key or os.environ.get(self.api_key_env) or None

    async def _complete(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
        }
        if self.max_tokens is not None:
            body["max_tokens"] = self.max_tokens
        if self.format == "tool_calls":
            body["tools"] = _TOOLS
        key = self._key()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        url = f"{self.base_url}/chat/completions"
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as http:
                response = await http.post(url, json=body, headers=headers)
        except httpx.TimeoutException as error:
            raise ModelError(f"{url} did not answer in {self.timeout:g} s; raise timeout or "
                             "check the server.") from error  # fmt: skip
        except httpx.TransportError as error:
            raise ModelError(f"cannot reach {url} ({error}); check base_url and that the model "
                             "server is running.") from error  # fmt: skip
        return self._reply(url, response)

    def _reply(self, url: str, response: httpx.Response) -> dict[str, Any]:
        snippet = response.text[:300]
        if response.status_code == 401:
            where = "api_key" if self.api_key else f"the {self.api_key_env} environment variable"
            raise ModelError(f"{url} refused the key (401); check {where}. Server said: {snippet}")
        if response.status_code == 404:
            raise ModelError(
                f"{url} answered 404; check base_url (it usually ends in /v1) "
                f"and the model name {self.model!r}. Server said: {snippet}"
            )
        if response.status_code >= 400:
            raise ModelError(f"{url} answered {response.status_code}: {snippet}")
        try:
            data = response.json()
            message = data["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise ModelError(
                f"{url} did not answer as an OpenAI chat completion: {snippet}"
            ) from error
        usage = data.get("usage") or {}
        self.usage.append(
            {k: int(usage.get(k) or 0) for k in ("prompt_tokens", "completion_tokens")}
        )
        return dict(message)

    def __repr__(self) -> str:
        return f"ChatAgent({self.model!r} at {self.base_url}, format={self.format!r})"


def _from_tool_calls(message: dict[str, Any]) -> Action | None:
    calls = message.get("tool_calls") or []
    if not calls:
        return None
    thought = message.get("content") or ""
    function = calls[0].get("function") or {}
    try:
        arguments = json.loads(function.get("arguments") or "{}")
        if function.get("name") == "bash":
            return Action.run(arguments["command"], thought=thought)
        if function.get("name") == "write_file":
            return Action.write(arguments["path"], arguments["content"], thought=thought)
    except (ValueError, KeyError, TypeError) as error:
        raise ModelError(f"the model called {function.get('name')!r} with bad arguments: "
                         f"{function.get('arguments')!r}") from error  # fmt: skip
    raise ModelError(f"the model called an unknown tool {function.get('name')!r} "
                     "(the tools are bash and write_file)")  # fmt: skip


def _format_error(blocks: int) -> str:
    found = "no ```bash block" if blocks == 0 else f"{blocks} ```bash blocks"
    return (f"Format error: your reply had {found}. Reply with exactly one ```bash block, "
            f"or with {DONE_SENTINEL} and no block when the task is solved.")  # fmt: skip


def _tail(text: str, limit: int) -> str:
    return (
        text if len(text) <= limit else f"[... {len(text) - limit} characters cut]\n{text[-limit:]}"
    )


def _result(step: Any, limit: int) -> str:
    parts = [f"exit code: {step.exit_code}"]
    if step.stdout:
        parts.append(f"stdout:\n{_tail(step.stdout, limit)}")
    if step.stderr:
        parts.append(f"stderr:\n{_tail(step.stderr, limit)}")
    return "\n".join(parts)


def _heredoc(action: Action) -> str:
    return f"cat > {action.path} <<'EOF'\n{action.contents}\nEOF"
