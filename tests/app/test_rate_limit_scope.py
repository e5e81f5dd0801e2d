"""Rate limits are declared on views and checked there; no per-request check runs where none applies."""

import pytest

from app.extensions import limiter


def test_the_limiter_does_not_check_every_request_when_limits_live_on_views(app):
    # Flask-Limiter's before-request check applies only default, application and blueprint
    # limits; with none set it is pure cost, so it is not registered.
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])


def test_a_limit_on_a_view_still_holds_without_the_per_request_check(app, client):
    # The LMS login initiation allows 60 a minute from one address; its own wrapper enforces it.
    codes = [client.get("/lti/login").status_code for _ in range(61)]
    assert 429 not in codes[:60]
    assert codes[60] == 429


def test_no_blueprint_default_or_application_limits_are_declared(app):
    # If one is ever added, the per-request check must come back (app.extensions.check_limits_in_views_only).
    manager = limiter.limit_manager
    with app.test_request_context("/"):
        assert manager.default_limits == []
        assert manager.application_limits == []
        assert {name: manager.blueprint_limits(app, name) for name in app.blueprints} == {name: [] for name in app.blueprints}


@pytest.fixture()
def shared_limiter_reset():
    """A default limit from one app's settings stays on the shared limiter: take it off afterwards."""
    yield
    limiter.limit_manager.set_default_limits([])


@pytest.mark.parametrize("app_config", [{"RATELIMIT_DEFAULT": "2 per minute"}], indirect=True)
def test_a_default_limit_in_the_settings_keeps_the_per_request_check(app, client, shared_limiter_reset):
    assert limiter._check_request_limit in app.before_request_funcs[None]
    codes = [client.get("/account/login").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
