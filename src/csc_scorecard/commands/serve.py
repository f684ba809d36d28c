"""`scorecard serve`: the dashboard over a store (docs/dashboard.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import DEFAULT_STORE_PATH, AuthorityOption, StoreOption


@app.command()
def serve(
    store: StoreOption = DEFAULT_STORE_PATH,
    host: Annotated[
        str, typer.Option(help="Address to listen on (behind a proxy: 127.0.0.1).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    la_code: AuthorityOption = None,
    framework: Annotated[
        Path | None,
        typer.Option(
            help="Framework YAML: targets and tolerances (default: every measure for information)."
        ),
    ] = None,
    idle_minutes: Annotated[
        float, typer.Option(help="Sign a session out after this long unused.")
    ] = 30,
    lifetime_hours: Annotated[
        float, typer.Option(help="Sign every session out after this long.")
    ] = 10,
    oidc_issuer: Annotated[
        str | None,
        typer.Option(
            help="Single sign-on: the OpenID Connect issuer URL (secret in $SCORECARD_OIDC_CLIENT_SECRET)."
        ),
    ] = None,
    oidc_client_id: Annotated[
        str | None, typer.Option(help="Single sign-on: the client id.")
    ] = None,
    oidc_claim: Annotated[
        str, typer.Option(help="Single sign-on: the claim equal to the user name at first sign-in.")
    ] = "email",
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Mark cookies Secure (default: when the request came over HTTPS).",
        ),
    ] = None,
) -> None:
    """Serve the dashboard; users, sessions and the audit log live beside the store."""
    import uvicorn

    from csc_scorecard.web.app import create_app
    from csc_scorecard.web.auth import Limits
    from csc_scorecard.web.data import Config
    from csc_scorecard.web.state import state_path

    if not store.exists():
        raise typer.BadParameter(
            f"no store at {store}; run `scorecard ingest` first", param_hint="--store"
        )
    if framework is not None and not framework.exists():
        raise typer.BadParameter(f"no framework file {framework}", param_hint="--framework")
    from csc_scorecard.web.sso import OidcConfig

    try:
        oidc = OidcConfig.from_options(oidc_issuer, oidc_client_id, oidc_claim)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--oidc-issuer") from None
    config = Config(store=store, state=state_path(store), la_code=la_code, framework=framework)
    application = create_app(
        config,
        Limits(idle_minutes=idle_minutes, lifetime_hours=lifetime_hours),
        secure_cookies=secure_cookies,
        oidc=oidc,
    )
    web = application.state.web
    if not web.state.users():
        typer.echo(
            f"No users yet: add one with `scorecard users add NAME --role admin --password-stdin --store {store}`",
            err=True,
        )
    web.data.warm()
    typer.echo(f"Dashboard for {store} on http://{host}:{port}/ (state: {config.state})")
    uvicorn.run(
        application,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="warning",
    )
