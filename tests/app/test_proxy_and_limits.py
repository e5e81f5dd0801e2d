"""Behind a reverse proxy each client keeps its own login budget; without a trusted proxy X-Forwarded-For is ignored."""

import pytest
from flask import request

from app import create_app
from app.config import ConfigError
from tests.conftest import base_config, csrf_from


def login_from(client, address: str, email: str, password: str = "wrong password!"):
    """Post the login form as if the proxy in front of the app had seen `address`."""
    return _post_login(client, email, password, {"X-Forwarded-For": address})


def _post_login(client, email: str, password: str, headers: dict):
    token = csrf_from(client.get("/account/login").get_data(as_text=True), required=False)
    return client.post("/account/login", headers=headers, data={"email": email, "password": password, "csrf_token": token})


@pytest.mark.parametrize("app_config", [{"PROXY_FIX_X_FOR": 1}], indirect=True)
def test_behind_one_trusted_proxy_each_student_has_their_own_login_budget(app, client):
    # A lecture of 15 students logging in within a minute through one proxy: nobody is throttled.
    codes = [login_from(client, f"203.0.113.{i}", f"student{i}@example.org").status_code for i in range(15)]
    assert 429 not in codes and set(codes) == {200}


def test_without_a_trusted_proxy_x_forwarded_for_cannot_buy_more_attempts(app, client):
    # Default: no proxy trusted, so a client that invents addresses still shares one budget (10 per minute).
    codes = [login_from(client, f"203.0.113.{i}", f"student{i}@example.org").status_code for i in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


@pytest.mark.parametrize("app_config", [{"PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1}], indirect=True)
def test_a_trusted_proxy_also_tells_the_app_the_client_address_and_https(app, client):
    seen = {}

    @app.before_request
    def _record():
        seen.update(scheme=request.scheme, remote_addr=request.remote_addr)

    client.get("/account/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"})
    assert seen == {"scheme": "https", "remote_addr": "198.51.100.7"}


@pytest.mark.parametrize("value", [-1, "one", 1.5, True])
def test_a_proxy_hop_count_that_is_not_a_whole_number_refuses_to_start(value, tmp_path):
    with pytest.raises(ConfigError, match="PROXY_FIX_X_FOR"):
        create_app({**base_config(f"sqlite:///{tmp_path}/x.db"), "PROXY_FIX_X_FOR": value})


def test_proxy_hops_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_PROXY_FIX_X_FOR", "2")
    app = create_app(base_config(f"sqlite:///{tmp_path}/x.db"))
    assert app.config["PROXY_FIX_X_FOR"] == 2
    assert app.wsgi_app.x_for == 2
