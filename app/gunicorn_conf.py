"""How gunicorn runs the app (the Procfile and the benchmarks read this): workers, their class, their start.

Chosen from `make bench` on a 2-core machine (docs/deployment.md has the figures): sync workers,
WEB_CONCURRENCY of them (default 2); threads or more workers than cores only added queueing. Override
per deployment with WEB_CONCURRENCY, or GUNICORN_CMD_ARGS for anything else.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"


def post_worker_init(worker):
    """Load the course and freeze the long-lived heap before the first request (app/warmup.py says why)."""
    from app.warmup import prepare_worker

    prepare_worker(worker.wsgi)
