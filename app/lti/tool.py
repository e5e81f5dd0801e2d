"""PyLTI1p3 wired to the database: registrations from `lti_platform`, stricter id_token checks, single-use nonces.

PyLTI1p3 (the maintained fork `pylti1p3next`) does the OIDC login, JWKS fetch and signature check.
Two things it leaves open are closed here: it decodes the id_token without checking `aud`, and it
checks that a nonce was issued but never consumes it, so a replayed id_token would be accepted.
`StrictLaunch` verifies aud/azp/exp/iat with a small leeway and deletes the nonce in one
conditional statement, so exactly one launch per nonce succeeds, on any worker or host.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from pylti1p3.contrib.flask import FlaskCookieService, FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest, FlaskSessionService
from pylti1p3.contrib.flask.service_connector import FlaskServiceConnector
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select

from app.extensions import db
from app.lti import keys
from app.lti.models import LtiDeployment, LtiPlatform
from app.lti.storage import DatabaseLaunchStorage

LEEWAY_SECONDS = 60  # clock skew allowed between the platform and this server
HTTP_TIMEOUT = 10  # seconds for any call to a platform (keys, tokens, scores, rosters)


class LaunchRefused(Exception):
    """A launch that must not sign anyone in; `reason` is shown to the user and audited."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class ToolRegistration(Registration):
    """A platform registration signing with the tool's current key (its kid in every JWT header)."""

    def get_kid(self) -> str | None:
        """The signing key's id."""
        return keys.signing_key().kid

    def get_jwks(self) -> list[Any]:
        """Every published public key."""
        return keys.published()


def registration_for(platform: LtiPlatform) -> ToolRegistration:
    """PyLTI1p3's registration object for a stored platform."""
    reg = ToolRegistration()
    reg.set_issuer(platform.issuer).set_client_id(platform.client_id).set_auth_login_url(
        platform.auth_login_url
    ).set_auth_token_url(platform.auth_token_url).set_key_set_url(platform.key_set_url)
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    reg.set_tool_private_key(keys.signing_key().private_pem)
    return reg


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The platform registered for this issuer (and client id, when the issuer has several)."""
    stmt = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        stmt = stmt.where(LtiPlatform.client_id == client_id)
    found = list(db.session.scalars(stmt.limit(2)))
    return found[0] if len(found) == 1 else None


class DatabaseToolConf(ToolConfAbstract[FlaskRequest]):
    """Registrations and deployments read from the database (an issuer may have many client ids)."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        """Always look registrations up by issuer and client id."""
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        """Always look registrations up by issuer and client id."""
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        """Not used: every lookup names the client id."""
        raise NotImplementedError

    def find_registration_by_params(self, iss: str, client_id: str | None, *args: Any, **kwargs: Any) -> Registration:
        """The registration of (issuer, client id)."""
        platform = find_platform(iss, client_id)
        if platform is None:
            raise LaunchRefused("This LMS is not registered with Oversight (unknown issuer or client id).")
        return registration_for(platform)

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        """Not used: every lookup names the client id."""
        raise NotImplementedError

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        """The deployment, if registered for this platform."""
        platform = find_platform(iss, client_id)
        if platform is None:
            return None
        known = db.session.get(LtiDeployment, (platform.id, deployment_id))
        return Deployment().set_deployment_id(deployment_id) if known is not None else None


class ToolServiceConnector(FlaskServiceConnector):
    """Service calls with a timeout, so a platform that hangs cannot hold a worker."""

    def __init__(self, registration: Registration, requests_session: requests.Session | None = None) -> None:
        session = requests_session or requests.Session()
        session.headers["User-Agent"] = "Oversight-LTI"
        session.request = _with_timeout(session.request)  # type: ignore[method-assign]
        super().__init__(registration, session)


def _with_timeout(send: Any) -> Any:
    def request(method: str, url: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return send(method, url, **kwargs)

    return request


def _storage() -> DatabaseLaunchStorage:
    return DatabaseLaunchStorage()


def flask_request() -> FlaskRequest:
    """PyLTI1p3's view of the current Flask request."""
    return FlaskRequest()


def oidc_login(request: FlaskRequest) -> FlaskOIDCLogin:
    """An OIDC login initiation handler with launch state in the database."""
    login = FlaskOIDCLogin(request, DatabaseToolConf(), launch_data_storage=_storage())
    return login


class StrictLaunch(FlaskMessageLaunch):
    """A message launch with the checks PyLTI1p3 leaves out (aud, azp, exp/iat leeway, single-use nonce)."""

    def __init__(self, request: FlaskRequest) -> None:
        self._storage = _storage()
        session = requests.Session()
        session.request = _with_timeout(session.request)  # type: ignore[method-assign]
        super().__init__(
            request,
            DatabaseToolConf(),
            launch_data_storage=self._storage,
            requests_session=session,
            service_connector_cls=ToolServiceConnector,
        )

    def validate(self) -> StrictLaunch:
        """Every check, the nonce last: a token that fails any other check does not use up its nonce."""
        self._validated = True
        try:
            self.validate_state().validate_jwt_format().validate_registration().validate_jwt_signature()
            self.validate_deployment().validate_message().validate_nonce().save_launch_data()
        except Exception:
            self._validated = False
            raise
        return self

    def validate_nonce(self) -> StrictLaunch:
        """Consume the nonce: the first launch with it passes, any replay fails (one DELETE decides)."""
        nonce = self._get_jwt_body().get("nonce")
        if not nonce or not isinstance(nonce, str):
            raise LaunchRefused('The launch has no "nonce".')
        key = FlaskSessionService(self._request)._get_key("nonce", nonce)
        if not self._storage.take(key):
            raise LaunchRefused(
                "This launch was already used or has expired (nonce not recognised). Start it again from the LMS."
            )
        return self

    def validate_jwt_signature(self) -> StrictLaunch:
        """Check the signature with the platform's key and the registered-claim rules of LTI 1.3 §5.1.3."""
        assert self._registration is not None
        client_id = self._registration.get_client_id()
        public_key, alg = self.get_public_key()
        try:
            body = jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[alg],
                audience=client_id,
                issuer=self._registration.get_issuer(),
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise LaunchRefused(f"The launch token was refused: {exc}.") from exc
        aud = body.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and body.get("azp") != client_id:
            raise LaunchRefused("The launch token names several audiences but its azp is not this tool.")
        if "azp" in body and body["azp"] != client_id:
            raise LaunchRefused("The launch token's azp is not this tool.")
        return self

    def validate_message(self) -> StrictLaunch:
        """PyLTI1p3's message checks, plus a roles claim on every launch (roles decide what the account may do)."""
        body = self._get_jwt_body()
        if not isinstance(body.get("https://purl.imsglobal.org/spec/lti/claim/roles"), list):
            raise LaunchRefused("The launch has no roles claim, so Oversight cannot tell a learner from an instructor.")
        super().validate_message()
        return self


def new_launch() -> StrictLaunch:
    """A launch handler for the current request."""
    return StrictLaunch(flask_request())


def restored_launch(launch_id: str) -> Any:
    """A launch validated earlier (kept in the database), for the deep-linking response."""
    storage = _storage()
    return FlaskMessageLaunch.from_cache(
        launch_id,
        flask_request(),
        DatabaseToolConf(),
        launch_data_storage=storage,
        service_connector_cls=ToolServiceConnector,
    )


__all__ = ["FlaskCookieService", "LaunchRefused", "LtiException", "new_launch", "oidc_login", "restored_launch"]
