"""An LTI 1.3 platform for the round-trip tests, built on the `lti1p3platform` package and served on loopback.

It plays the LMS: it starts launches (OIDC login initiation to the tool), answers the tool's
authentication request with a signed id_token, publishes its keys, issues access tokens to the
tool (verifying the tool's signed client assertion against the tool's published key set), and
records what the tool sends: scores (AGS), line-item reads, deep-linking responses. Its roster
(NRPS) is served in pages joined by `Link: <...>; rel="next"`.
"""

from __future__ import annotations

import json
import secrets
import threading
import typing as t
from dataclasses import dataclass, field

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request as PlatformRequest

CLIENT_ID = "oversight-tool"
DEPLOYMENT_ID = "deployment-1"
CONTEXT_ID = "course-42"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def rsa_pair() -> tuple[str, str]:
    """A fresh RSA key pair as PEM (private, public)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


class _Req(PlatformRequest):
    def build_metadata(self, req: t.Any) -> t.Any:
        return {
            "method": req.method,
            "form_data": dict(req.form),
            "get_data": dict(req.args),
            "headers": dict(req.headers),
            "content_type": req.content_type,
            "path": req.path,
            "json": None,
        }


@dataclass
class LaunchSpec:
    """What the LMS will say about one launch: who, with which roles, into what."""

    sub: str
    roles: list[str]
    email: str | None = None
    name: str | None = None
    resource_link: str = "link-1"
    custom: dict[str, str] = field(default_factory=dict)
    deep_linking: bool = False
    lineitem: str | None = None
    # Tamper with the token to check the tool's refusals
    claims_override: dict[str, t.Any] = field(default_factory=dict)
    drop_claims: tuple[str, ...] = ()
    sign_with: str | None = None  # a different private key: a bad signature


class LMS:
    """The platform: registration, keys, and a record of every service call."""

    def __init__(self) -> None:
        self.private_pem, self.public_pem = rsa_pair()
        self.base = ""
        self.tool = ""
        self.launches: dict[str, LaunchSpec] = {}
        self.scores: list[dict[str, t.Any]] = []
        self.lineitems: dict[str, dict[str, t.Any]] = {}
        self.deep_link_items: list[dict[str, t.Any]] = []
        self.members: list[dict[str, t.Any]] = []
        self.page_size = 2
        self.fail_scores = 0  # answer the next N score posts with 503
        self.html_forms = False  # answer the authentication request with an HTML form a browser submits (else JSON)
        self.lock = threading.Lock()
        self.app = self._make_app()

    # -- configuration shared by the lti1p3platform objects --
    def registration(self) -> Registration:
        reg = Registration()
        reg.set_iss(self.base).set_client_id(CLIENT_ID).set_deployment_id(DEPLOYMENT_ID)
        reg.set_oidc_login_url(f"{self.tool}/lti/login").set_launch_url(f"{self.tool}/lti/launch")
        reg.set_deeplink_launch_url(f"{self.tool}/lti/launch")
        reg.set_platform_public_key(self.public_pem).set_platform_private_key(self.private_pem)
        reg.set_tool_key_set_url(f"{self.tool}/lti/jwks")
        return reg

    def conf(self) -> LTI1P3PlatformConfAbstract:
        lms = self

        class Conf(LTI1P3PlatformConfAbstract):
            def init_platform_config(self, **kwargs: t.Any) -> None:
                pass

            def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
                return lms.registration()

        conf = Conf()
        conf.get_registration()
        return conf

    def register_with_tool(self, runner) -> None:
        """Register this platform in the tool through its CLI, as an admin would."""
        result = runner.invoke(
            args=[
                "lti",
                "register",
                "--name",
                "Test LMS",
                "--issuer",
                self.base,
                "--client-id",
                CLIENT_ID,
                "--login-url",
                f"{self.base}/auth",
                "--token-url",
                f"{self.base}/token",
                "--jwks-url",
                f"{self.base}/jwks",
                "--deployment",
                DEPLOYMENT_ID,
            ]
        )
        assert result.exit_code == 0, result.output

    # -- the browser side of a launch --
    def login_url(self, spec: LaunchSpec) -> str:
        """The OIDC login initiation URL the LMS sends the browser to."""
        hint = secrets.token_hex(8)
        self.launches[hint] = spec
        reg = self.registration()
        target = f"{self.tool}/lti/launch"
        params = {
            "iss": self.base,
            "login_hint": spec.sub,
            "target_link_uri": target,
            "lti_message_hint": hint,
            "client_id": reg.get_client_id(),
            "lti_deployment_id": DEPLOYMENT_ID,
        }
        return f"{self.tool}/lti/login?" + requests.compat.urlencode(params)

    def _make_app(self) -> Flask:
        app = Flask("test-lms")
        lms = self

        class Launch(LTIAdvantageMessageLaunchAbstract):
            def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> t.Any:
                return jsonify(launch_data)

        @app.get("/auth")
        def auth():
            spec = lms.launches[request.args["lti_message_hint"]]
            launch = Launch(_Req(request), lms.conf())
            launch.set_user_data(spec.sub, spec.roles, spec.name, spec.email)
            launch.set_resource_link_claim(spec.resource_link)
            launch.set_launch_context_claim(CONTEXT_ID, context_title="Digital authoritarianism 2026", context_label="DA26")
            if spec.custom:
                launch.set_custom_parameters_claim(spec.custom)
            launch.set_ags(f"{lms.base}/lineitems", spec.lineitem, True, True, True)
            launch.set_nrps(f"{lms.base}/memberships")
            if spec.deep_linking:
                launch.set_dl(f"{lms.base}/deep_link_return", accept_types={"ltiResourceLink"})
            response = launch.lti_launch()
            data = response.get_json()
            if spec.claims_override or spec.drop_claims or spec.sign_with:
                body = jwt.decode(data["id_token"], options={"verify_signature": False})
                body.update(spec.claims_override)
                for claim in spec.drop_claims:
                    body.pop(claim, None)
                header = jwt.get_unverified_header(data["id_token"])
                data["id_token"] = jwt.encode(
                    body, spec.sign_with or lms.private_pem, algorithm="RS256", headers={"kid": header.get("kid")}
                )
            if lms.html_forms:
                return (
                    f'<!doctype html><html lang="en"><title>Test LMS</title><form method="post" action="{data["launch_url"]}">'
                    f'<input type="hidden" name="id_token" value="{data["id_token"]}">'
                    f'<input type="hidden" name="state" value="{data["state"]}"><button>Continue to the tool</button></form></html>'
                )
            return jsonify(data)

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": lms.registration().get_jwks()})

        @app.post("/token")
        def token():
            conf = lms.conf()
            try:
                return jsonify(conf.get_access_token(dict(request.form)))
            except Exception as exc:  # the tool's client assertion was refused
                return jsonify({"error": "invalid_client", "detail": str(exc)}), 401

        def _authorised(scope: str) -> bool:
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer "):
                return False
            return lms.conf().validate_token(header[7:], allowed_scopes=[scope])

        @app.route("/lineitems", methods=["GET", "POST"])
        def lineitems():
            if not _authorised(AGS_SCOPES[0]):
                return "", 401
            if request.method == "POST":
                item = request.get_json(force=True)
                item_id = f"{lms.base}/lineitems/{len(lms.lineitems) + 1}"
                item["id"] = item_id
                lms.lineitems[item_id] = item
                return jsonify(item), 201
            return jsonify(list(lms.lineitems.values()))

        @app.post("/lineitems/<int:number>/scores")
        def scores(number: int):
            if not _authorised(AGS_SCOPES[2]):
                return "", 401
            with lms.lock:
                if lms.fail_scores > 0:
                    lms.fail_scores -= 1
                    return "platform busy", 503
                lms.scores.append(
                    {
                        "lineitem": f"{lms.base}/lineitems/{number}",
                        **json.loads(request.data),
                        "content_type": request.content_type,
                    }
                )
            return "", 204

        @app.get("/memberships")
        def memberships():
            if not _authorised("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"):
                return "", 401
            page = int(request.args.get("page", "0"))
            chunk = lms.members[page * lms.page_size : (page + 1) * lms.page_size]
            response = jsonify({"id": f"{lms.base}/memberships", "context": {"id": CONTEXT_ID}, "members": chunk})
            if (page + 1) * lms.page_size < len(lms.members):
                response.headers["Link"] = f'<{lms.base}/memberships?page={page + 1}>; rel="next"'
            return response

        @app.post("/deep_link_return")
        def deep_link_return():
            items = lms.conf().validate_deeplinking_resp(dict(request.form))
            lms.deep_link_items.extend(items)
            return jsonify({"accepted": len(items)})

        return app

    def add_line_item(self, label: str, maximum: float, resource_id: str) -> str:
        """A gradebook column the LMS made when the tool's deep link was placed."""
        item_id = f"{self.base}/lineitems/{len(self.lineitems) + 1}"
        self.lineitems[item_id] = {"id": item_id, "label": label, "scoreMaximum": maximum, "resourceId": resource_id}
        return item_id


class Browser:
    """A user agent with a cookie jar that follows the LMS's launch steps."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def launch(self, lms: LMS, spec: LaunchSpec) -> requests.Response:
        """Do the whole LTI launch: login initiation at the tool, authentication at the LMS, form post to the tool."""
        to_lms = self.http.get(lms.login_url(spec), allow_redirects=False)
        if to_lms.status_code != 302:
            return to_lms
        form = self.http.get(to_lms.headers["Location"]).json()
        return self.http.post(
            form["launch_url"], data={"id_token": form["id_token"], "state": form["state"]}, allow_redirects=False
        )

    def last_form(self, lms: LMS, spec: LaunchSpec) -> tuple[requests.Response, dict[str, str]]:
        """Like launch, but also return the posted form (to replay it)."""
        to_lms = self.http.get(lms.login_url(spec), allow_redirects=False)
        form = self.http.get(to_lms.headers["Location"]).json()
        data = {"id_token": form["id_token"], "state": form["state"]}
        return self.http.post(form["launch_url"], data=data, allow_redirects=False), {**data, "url": form["launch_url"]}
