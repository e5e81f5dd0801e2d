"""OVERSIGHT_ENV accepts a fixed list of values and refuses anything else with one line, never failing open."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.config import ConfigError

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("value", ["Production", "prod", "PRODUCTION ", "dev", "staging", ""])
def test_an_unknown_oversight_env_refuses_to_start(monkeypatch, tmp_path, value):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="OVERSIGHT_ENV must be one of development, testing, production") as caught:
        create_app({"OVERSIGHT_ENV": value, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert "\n" not in str(caught.value)


def test_an_unknown_oversight_env_in_the_environment_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("OVERSIGHT_ENV", "Production")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    with pytest.raises(ConfigError, match="got 'Production'"):
        create_app()


@pytest.mark.parametrize(("value", "secure"), [("production", True), ("development", False), ("testing", False)])
def test_the_known_environments_start(tmp_path, value, secure):
    from app.config import ENVIRONMENTS

    app = create_app({"OVERSIGHT_ENV": value, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["OVERSIGHT_ENV"] == value
    assert ENVIRONMENTS == ("development", "testing", "production")
    if value == "production":
        assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def _environ(tmp_path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "OVERSIGHT_"))}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", SECRET_KEY="x", DATABASE_URL=f"sqlite:///{tmp_path}/x.db", **extra)
    return env


def test_flask_commands_refuse_an_unknown_oversight_env_with_one_line(tmp_path):
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "app", "routes"],
        cwd=ROOT,
        env=_environ(tmp_path, OVERSIGHT_ENV="prod"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "OVERSIGHT_ENV must be one of development, testing, production" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_the_procfile_web_process_refuses_an_unknown_oversight_env_with_one_line(tmp_path):
    web = next(line.split(":", 1)[1].strip() for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    try:
        result = subprocess.run(
            ["bash", "-c", web],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env=_environ(tmp_path, OVERSIGHT_ENV="prod", PORT="0", WEB_CONCURRENCY="1"),
        )
    except subprocess.TimeoutExpired:
        pytest.fail("gunicorn started serving with OVERSIGHT_ENV=prod instead of refusing")  # a correct run exits at once
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and "OVERSIGHT_ENV must be one of development, testing, production" in lines[0], result.stderr
