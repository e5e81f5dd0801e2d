"""The browser tests' live server closes every response, even when a client drops the connection."""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from tests.live_server import serve

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


def fetch_then_reset(base_url: str, path: str) -> bytes:
    """Read a whole response, then reset the connection the way a browser drops a request."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        data = b""
        while b"</svg>" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        # SO_LINGER 0: close() sends RST, so the server's read of "the rest of the request" fails.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return data


def test_live_server_closes_static_files_when_the_browser_resets_the_connection(monkeypatch):
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(repr(u.exc_value)))
    app = Flask(__name__, static_folder=str(STATIC))
    baseline = threading.active_count()
    with serve(app) as url:
        for _ in range(10):
            assert b"200 OK" in fetch_then_reset(url, "/static/favicon.svg")
        for _ in range(500):  # bounded wait for the handler threads to finish
            if threading.active_count() <= baseline + 1:
                break
            time.sleep(0.01)
    assert unraisable == []
