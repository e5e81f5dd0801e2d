"""How gunicorn runs the app (the Procfile and the benchmarks read this): workers and their class.

Chosen from `make bench` on a 2-core machine (docs/deployment.md has the figures): sync workers,
WEB_CONCURRENCY of them (default 2). Override per deployment with WEB_CONCURRENCY, or
GUNICORN_CMD_ARGS for anything else.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
