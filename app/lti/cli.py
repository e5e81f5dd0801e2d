"""`flask --app app lti ...`: register a platform, show the tool's URLs, rotate the key, post queued grades."""

from __future__ import annotations

import click
from flask.cli import AppGroup

lti_cli = AppGroup("lti", help="LTI 1.3: platforms, the tool's keys, grade sync.")


@lti_cli.command("register")
@click.option("--name", required=True, help="A name for the LMS, e.g. 'Canvas, Example University'.")
@click.option("--issuer", required=True, help="The platform's issuer (Canvas: https://canvas.instructure.com).")
@click.option("--client-id", required=True)
@click.option("--login-url", "auth_login_url", required=True, help="The platform's OIDC authorisation URL.")
@click.option("--token-url", "auth_token_url", required=True, help="The platform's access token URL.")
@click.option("--jwks-url", "key_set_url", required=True, help="The platform's public key set URL.")
@click.option("--deployment", "deployments", multiple=True, required=True, help="A deployment id (repeat for several).")
@click.option("--audience", default=None, help="The token audience, if the LMS names one.")
def register_platform(
    name: str,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    deployments: tuple[str, ...],
    audience: str | None,
) -> None:
    """Add or update a platform registration."""
    from app.services.lti_platforms import PlatformDetails, PlatformError, register

    try:
        platform = register(
            None, PlatformDetails(name, issuer, client_id, auth_login_url, auth_token_url, key_set_url, deployments, audience)
        )
    except PlatformError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Registered {platform.name} (issuer {platform.issuer}, client id {platform.client_id}).")


@lti_cli.command("urls")
@click.option("--base", required=True, help="The tool's public address, e.g. https://oversight.example.edu")
def urls(base: str) -> None:
    """Print what to paste into the LMS."""
    from app.services.lti_platforms import tool_urls

    for label, url in tool_urls(base).items():
        click.echo(f"{label}: {url}")


@lti_cli.command("platforms")
def platforms() -> None:
    """List registered platforms."""
    from app.services.lti_platforms import all_platforms

    rows = all_platforms()
    if not rows:
        click.echo("No platform registered.")
    for platform, deployments in rows:
        click.echo(f"{platform.id}\t{platform.name}\t{platform.issuer}\t{platform.client_id}\t{','.join(deployments)}")


@lti_cli.command("rotate-key")
def rotate_key() -> None:
    """Make a new signing key; the previous one stays published during the overlap."""
    from app.extensions import db
    from app.lti.keys import OVERLAP, rotate
    from app.services import audit

    new, retired = rotate()
    audit.record(None, "lti.key_rotated", "lti", kid=new.kid, retired=retired)
    db.session.commit()
    click.echo(f"New signing key {new.kid}; {len(retired)} previous key(s) stay published for {OVERLAP.days} days.")


@lti_cli.command("sync")
def sync() -> None:
    """Post grades whose next try has come, and forget expired launch state (run every minute from cron)."""
    from app.lti.storage import purge_expired
    from app.services.lti_grades import deliver, due

    sent, failed = deliver(due())
    purged = purge_expired()
    click.echo(f"Sent {sent} grades; {failed} failed and wait for their next try; {purged} expired launch values removed.")
