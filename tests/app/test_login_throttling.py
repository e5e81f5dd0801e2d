"""The per-account login limit counts failed log-ins only, and a throttled log-in says why and until when."""

import re

from tests.conftest import csrf_from, make_user


def _post_login(client, email: str, password: str):
    token = csrf_from(client.get("/account/login").get_data(as_text=True), required=False)
    return client.post("/account/login", data={"email": email, "password": password, "csrf_token": token})


def test_successful_logins_never_lock_an_account(app, client, auth):
    make_user(app)
    codes = []
    for _ in range(7):  # more than the 5 per minute the account limit allows
        codes.append(auth.login().status_code)
        auth.logout()
    assert codes == [302] * 7


def test_failed_logins_lock_the_account_and_the_page_says_why_and_until_when(app, client, auth):
    make_user(app)
    codes = [auth.login(password=f"wrong password {i}").status_code for i in range(5)]
    assert codes == [200] * 5
    throttled = auth.login()  # even the right password waits: the account is under attack
    assert throttled.status_code == 429
    html = throttled.get_data(as_text=True)
    assert re.search(r"Too many failed log-ins for this account; try again in \d+ minutes?\.", html), html
    assert throttled.headers.get("Retry-After")


def test_the_per_address_limit_says_why_too(app, client):
    codes = [_post_login(client, f"someone{i}@example.org", "wrong password!").status_code for i in range(11)]
    assert codes[-1] == 429
    html = _post_login(client, "x@example.org", "wrong password!").get_data(as_text=True)
    assert re.search(r"Too many log-in attempts from your network address; try again in \d+ minutes?\.", html), html
