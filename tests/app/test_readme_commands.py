"""Every command the README shows works when pasted into a fresh shell (no venv activated, nothing exported).

The commands run in a copy of the repository (modification times kept, so `make` sees the
installed venv as current) against a throwaway SQLite database, after `make run` has served
once. The suite's own commands (`make test`, `make test-repeat` ...) are checked with `make -n`,
since this test is part of that suite.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SUITE_TARGETS = ("test", "test-fast", "test-repeat", "lock", "lint", "format")  # the suite itself, or slow and networked


def fenced_commands() -> list[str]:
    """The shell commands of every ```sh block, comments dropped."""
    commands = []
    for block in re.findall(r"```(?:sh|bash|shell)\n(.*?)```", README, re.S):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def inline_make_commands() -> list[str]:
    """`make ...` commands quoted inline in the text."""
    return sorted({m for m in re.findall(r"`((?:[A-Z_]+=\S+ )*make [^`]+)`", README)})


def target_of(command: str) -> str:
    words = [w for w in command.split() if "=" not in w]
    return words[words.index("make") + 1] if len(words) > words.index("make") + 1 else "all"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> dict:
    """A copy of the repository sharing the installed venv, and a fresh shell's environment."""
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.fail("run `make install` first: the README commands use the project's venv")
    copy = tmp_path_factory.mktemp("repo") / "oversight"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    home = tmp_path_factory.mktemp("home")
    env = {
        "PATH": ":".join(p for p in os.environ.get("PATH", "").split(":") if ".venv" not in p),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "DATABASE_URL": f"sqlite:///{home / 'readme.db'}",
    }
    return {"dir": copy, "env": env}


def run(sandbox: dict, command: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command], cwd=sandbox["dir"], env=sandbox["env"], input=stdin, capture_output=True, text=True, timeout=600
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_readme_shows_no_command_that_needs_an_activated_venv():
    bare = re.findall(r"(?<![/\w])flask --app app", README)
    assert not bare, (
        "README commands must work without activating the venv: use make targets (or .venv/bin/flask in production notes)"
    )
    assert "python -m course" not in README


def test_every_readme_command_works_in_a_fresh_shell_after_make_run(sandbox):
    commands = fenced_commands()
    assert "make run" in commands and any(c.startswith("make demo") for c in commands)
    port = free_port()
    server = subprocess.Popen(
        ["bash", "-c", "make run"],
        cwd=sandbox["dir"],
        env={**sandbox["env"], "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"make run did not serve: {server.stdout.read() if server.stdout else ''}")
                time.sleep(0.5)
        for command in commands:
            if command.startswith("make run") or re.search(r"\bmake run\b", command):
                continue  # serving now
            if target_of(command) in SUITE_TARGETS:
                result = run(sandbox, command.replace("make ", "make -n ", 1))
            else:
                result = run(sandbox, command)
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr and "No such command" not in result.stderr, command
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if server.stdout:
            server.stdout.close()
    assert (sandbox["dir"] / "unit.imscc").exists() and (sandbox["dir"] / "grades-canvas.csv").exists()
    listed = run(sandbox, "make users").stdout
    assert "demo-instructor@example.org" in listed  # the owner of the demo section, as the README says


def test_inline_make_commands_name_real_targets(sandbox):
    for command in inline_make_commands():
        result = run(sandbox, command.replace("make ", "make -n ", 1))
        assert result.returncode == 0, f"{command}\n{result.stderr}"


def test_make_user_creates_an_account_reading_the_password_from_stdin(sandbox):
    result = run(sandbox, "make user EMAIL=ta@example.org ROLE=instructor PASSWORD_STDIN=1", stdin="a long enough password 7\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Created instructor account ta@example.org" in result.stdout
    usage = run(sandbox, "make user")
    assert usage.returncode != 0 and "Usage: make user EMAIL=" in usage.stdout
