"""A live server for browser tests: the app in a thread, on a free port of 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server

RESPONSES_KEY = "tests.live_server.responses"


class ClosingRequestHandler(WSGIRequestHandler):
    """Close every response iterable, even when the client drops the connection.

    werkzeug's ``run_wsgi`` (3.1) calls ``application_iter.close()`` at the end of a ``finally``
    block that first drains the socket; when the client resets the connection right after the
    response (as a browser dropping a favicon request does), that drain raises
    ConnectionResetError, ``close()`` is skipped, and the file behind a static response leaks (a
    ResourceWarning, which ``filterwarnings = error`` turns into a failed test). Closing again here
    is harmless: file and response ``close()`` are idempotent.
    """

    def make_environ(self):
        environ = super().make_environ()
        self._responses: list = []
        environ[RESPONSES_KEY] = self._responses
        return environ

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            for response in getattr(self, "_responses", ()):
                close = getattr(response, "close", None)
                if close is not None:
                    close()
            self._responses = []


def recording(app):
    """Wrap a WSGI app so the handler learns which response iterables it must close."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        environ.get(RESPONSES_KEY, []).append(response)
        return response

    return wsgi


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve a WSGI app from a thread until the block ends; yield its base URL."""
    server = make_server("127.0.0.1", 0, recording(app), threaded=True, request_handler=ClosingRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
