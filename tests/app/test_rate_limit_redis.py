"""Login throttling shared across workers through Redis (runs when TEST_REDIS_URL is set)."""

import os
import uuid

import pytest

from app import create_app
from tests.conftest import Auth, base_config, make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set; .ci/run sets it")


def test_two_workers_share_one_login_budget(app, database_url):
    prefix = f"oversight-test-{uuid.uuid4().hex}"
    # A high per-address budget so only the per-account limit is measured.
    settings = {**base_config(database_url), "RATELIMIT_STORAGE_URI": REDIS_URL, "LOGIN_RATE_LIMIT": "1000 per minute"}
    worker_a, worker_b = create_app(settings), create_app(settings)
    email = f"{prefix}@example.org"  # a fresh account key: counters from other runs cannot interfere
    make_user(app, email)
    client_a, client_b = Auth(worker_a.test_client()), Auth(worker_b.test_client())
    codes = [client_a.login(email, password=f"wrong password {i}").status_code for i in range(3)]
    codes += [client_b.login(email, password=f"wrong password {i}").status_code for i in range(3)]
    assert codes == [200, 200, 200, 200, 200, 429]
    assert client_a.login(email).status_code == 429, "worker A sees the budget worker B used up"
    import redis

    stored = redis.Redis.from_url(REDIS_URL).keys(f"*{email}*")
    assert stored, "the counters live in Redis, not in a worker's memory"
    for worker in (worker_a, worker_b):
        with worker.app_context():
            from app.extensions import db

            db.engine.dispose()
