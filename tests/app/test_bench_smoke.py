"""The database benchmarks of issue 15 run end to end at a tiny size (figures are not checked: no timing here).

`make bench` runs them at full size; these only keep them working as the app changes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import (
    _harness,
    answer_save,
    dashboard_500,
    export_db,
    instructions,
    item_analysis_db,
    lesson_page,
    profile_app,
    start_300,
)


@pytest.fixture()
def sqlite_only(monkeypatch, tmp_path):
    """SQLite only, raw results to a temp folder (not over a real run's bench/results)."""
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    monkeypatch.setattr(_harness, "RESULTS", tmp_path)


def test_export_db_runs_at_a_tiny_size(sqlite_only):
    figures = export_db.run(learners=20, repeats=1)
    assert set(figures) >= {
        "export_db_10k_seconds_sqlite",
        "export_db_peak_rss_mb_10k_sqlite",
        "export_db_peak_rss_mb_40k_sqlite",
    }


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL")
def test_export_db_loads_postgresql_with_copy(monkeypatch, tmp_path):
    monkeypatch.setattr(_harness, "RESULTS", tmp_path)
    figures = export_db.run(learners=20, repeats=1, include_sqlite=False)
    assert set(figures) >= {"export_db_10k_seconds", "export_db_peak_rss_mb_10k", "export_db_peak_rss_mb_40k"}


def test_item_analysis_db_runs_at_a_tiny_size(sqlite_only):
    figures = item_analysis_db.run(attempts=40, repeats=1)
    assert figures["item_analysis_db_10k_attempts"] == 40 and "item_analysis_db_10k_seconds" in _harness.SPREADS


def test_dashboard_500_runs_at_a_tiny_size(sqlite_only):
    figures = dashboard_500.run(learners=15, requests=2, rounds=1)
    assert set(figures) == {"dashboard_500_ms", "dashboard_500_p50_ms"}


def test_start_300_runs_at_a_tiny_size(sqlite_only):
    figures = start_300.run(repeats=1, students=6)
    assert figures["burst_300_errors"] == 0
    assert {"burst_300_start_p99_ms", "burst_300_flow_p99_ms", "start_300_server_cpu_s"} <= set(figures)
    # the floor (a bare app, the same 9-request shape) ran in the same invocation, every journey through
    assert figures["burst_300_floor_errors"] == 0 and figures["burst_300_floor_flow_p99_ms"] > 0
    assert {"burst_300_floor_start_p99_ms", "burst_300_floor_app_cpu_s"} <= set(figures)


def test_answer_save_runs_at_a_tiny_size_and_prices_each_request_in_cpu(sqlite_only):
    figures = answer_save.run(repeats=1, students=3, duration_s=1)
    assert figures["answer_save_errors"] == 0 and figures["ceiling_errors"] == 0
    for conns in (16, 64):
        assert figures[f"answer_save_cpu_ms_c{conns}"] > 0 and figures[f"ceiling_cpu_ms_c{conns}"] > 0
    assert not any("_db_" in key for key in figures)  # SQLite has no database server of its own


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL")
def test_answer_save_on_postgresql_prices_the_database_server_apart():
    figures, _ = answer_save.run_backend(_harness.Backend("postgresql", "_pg"), students=3, repeats=1, duration_s=1)
    assert figures["answer_save_errors_pg"] == 0
    for key in ("answer_save_cpu_ms", "ceiling_cpu_ms"):
        assert 0 <= figures[f"{key}_db_c16_pg"] < figures[f"{key}_c16_pg"]  # the database's part of the whole


def test_paired_runs_price_a_request_by_the_cpu_its_probe_saw(monkeypatch):
    served = {"http://app": 100, "http://ceiling": 50, "http://other": 10}  # requests per wrk run
    monkeypatch.setattr(
        _harness, "run_wrk", lambda base, tuples, conns, duration: _harness.WrkResult(1.0, served[base], 0, 0, 1.0, 2.0)
    )
    clocks = {"app": [0.0, 0.0], "ceiling": [0.0, 0.0]}

    def probe(name, database):
        def read():
            clocks[name][0] += 0.2  # each read 0.2 s of CPU after the one before
            clocks[name][1] += 0.05
            return clocks[name][0], clocks[name][1] if database else None

        return read

    pair = [(name, f"http://{name}", Path("unused")) for name in ("app", "ceiling", "other")]
    cpu = {"app": probe("app", True), "ceiling": probe("ceiling", False)}
    runs = _harness.paired_runs("t", pair, (16, 64), 3, 1, cpu=cpu)
    for run in runs:
        assert (run["app_c16"].cpu_ms, run["app_c16"].db_cpu_ms) == pytest.approx((2.0, 0.5))
        assert (run["ceiling_c64"].cpu_ms, run["ceiling_c64"].db_cpu_ms) == (pytest.approx(4.0), None)
        assert run["other_c16"].cpu_ms is None  # no probe: no price
    figures = _harness.cpu_figures(runs, (16, 64), ("app", "app_cpu_ms"), ("ceiling", "ref_cpu_ms"), "_pg")
    expected = {f"{key}_c{conns}_pg": value for conns in (16, 64) for key, value in (("app_cpu_ms", 2.0), ("ref_cpu_ms", 4.0))}
    expected |= {"app_cpu_ms_db_c16_pg": 0.5, "app_cpu_ms_db_c64_pg": 0.5}
    assert figures == pytest.approx(expected)


def test_lesson_page_runs_at_a_tiny_size_for_logged_in_learners(sqlite_only):
    figures = lesson_page.run(repeats=1, duration_s=1, learners=3)
    assert figures["lesson_page_errors"] == 0 and figures["lesson_page_anon_errors"] == 0
    assert {"lesson_page_ratio", "lesson_page_anon_ratio", "lesson_page_ratio_c16"} <= set(figures)
    # the floor (a bare app reading one row) is served and measured in the same runs
    assert figures["lesson_floor_errors"] == 0 and figures["lesson_floor_rps"] > 0
    assert {"lesson_floor_ratio", "lesson_floor_ratio_c16"} <= set(figures)


def test_instruction_counts_are_read_from_cachegrind_and_taken_per_request():
    printed = "==10593== Collected : 8343150265\n==10593== \n==10593== I   refs:      8,343,150,265\n"
    assert instructions.instructions_in(printed) == 8_343_150_265
    assert instructions.per_request(1_000, 6_001_000, 100, 600) == 12_000  # setup cancels out
    with pytest.raises(ValueError):
        instructions.instructions_in("valgrind: no such tool")
    with pytest.raises(ValueError):
        instructions.per_request(1, 2, 600, 100)


def test_instruction_counts_run_valgrind_on_the_profiled_endpoint_or_the_ceiling():
    app_run = instructions.command("answer", 600, pg=True)
    assert app_run[:2] == ["valgrind", "--tool=cachegrind"]
    assert app_run[-6:] == ["bench.profile_app", "--only", "answer", "--requests", "600", "--pg"]
    assert instructions.command("ceiling", 100, pg=False)[-4:] == ["-m", "bench.instructions", "--ceiling-loop", "100"]


def test_the_counted_ceiling_loop_runs_at_a_tiny_size(sqlite_only):
    assert instructions.main(["--ceiling-loop", "3"]) == 0


def test_each_endpoint_the_instruction_count_names_is_one_endpoint_of_profile_app(sqlite_only, capsys):
    for endpoint in instructions.DEFAULT_ENDPOINTS:
        if endpoint == "ceiling":
            continue
        assert profile_app.main(["--only", endpoint, "--requests", "2"]) == 0
        assert capsys.readouterr().out.count("\n== ") == 1, endpoint


def test_the_in_process_app_holds_the_recorded_course_so_nothing_is_reread_mid_measurement(sqlite_only):
    # The setup records the course version; had the process not known it held that version, its
    # first check (CONTENT_CHECK_SECONDS later, inside a measured loop) would read every file again.
    from app.services.content import get_course

    backend = _harness.Backend("sqlite", "")
    with _harness.database(backend, "recorded") as url:
        _harness.migrate(url)
        with _harness.setup_app(url) as app:
            app.config["CONTENT_CHECK_SECONDS"] = 0  # check the stored version on every call
            held = app.extensions["oversight_course"]
            assert get_course() is held


def test_profile_app_draws_the_same_questions_every_run_and_gives_the_real_seeds_back():
    # Instruction counts compare code only if both runs draw the same questions.
    from app import randomness

    real = randomness.new_seed
    with profile_app.fixed_seeds():
        first = [randomness.new_seed() for _ in range(3)]
    with profile_app.fixed_seeds():
        again = [randomness.new_seed() for _ in range(3)]
    assert first == again
    assert len(set(first)) == 3
    assert randomness.new_seed is real
