"""HTTP details (405 names the allowed methods) and the Procfile's release step (validate before load)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import COURSE

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/account/logout", {"POST"}),
        ("DELETE", "/account/login", {"GET", "POST"}),
    ],
)
def test_a_405_names_the_allowed_methods(app, client, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers.get("Allow", "").split(",")}
    assert "does not accept that kind of request" in response.get_data(as_text=True)


def release(tmp_path: Path, bank: Path) -> subprocess.CompletedProcess:
    """Run the Procfile's release command on a fresh SQLite database with the given question bank."""
    command = next(
        line.split(":", 1)[1].strip() for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("release:")
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "OVERSIGHT_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        OVERSIGHT_ENV="production",
        SECRET_KEY="release-test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'release.db'}",
        FLASK_QUESTION_BANK=str(bank),
        FLASK_LESSONS_DIR=str(COURSE / "lessons"),
    )
    return subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_release_step_refuses_a_bank_that_fails_validation(tmp_path):
    # It parses (so `course load` alone would record it) but a quote is not verbatim in its reading.
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        (COURSE / "bank.yaml")
        .read_text()
        .replace("The city installed 1,500 cameras in 2017 to watch public squares.", "The city installed 9,999 cameras in 2017.")
    )
    result = release(tmp_path, bank)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "quote not found verbatim" in result.stdout + result.stderr
    assert "Course loaded" not in result.stdout


def test_the_release_step_loads_a_valid_course(tmp_path):
    result = release(tmp_path, COURSE / "bank.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Course loaded: 1 lessons, 1 readings, 7 questions (7 new" in result.stdout
