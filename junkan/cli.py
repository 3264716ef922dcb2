"""The `junkan` command line: serve, migrate, onboard participants, load the demo."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from junkan.config import get_settings
from junkan.db import make_engine, make_sessionmaker
from junkan.errors import Problem
from junkan.ledger.service import PLATFORM

app = typer.Typer(
    help="Junkan: open data linkage for the battery value chain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
participant_app = typer.Typer(help="Participants (legal entities).", no_args_is_help=True)
client_app = typer.Typer(help="API client credentials.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(participant_app, name="participant")
app.add_typer(client_app, name="client")
pact_app = typer.Typer(help="Footprint exchange with other PACT hosts.", no_args_is_help=True)
app.add_typer(pact_app, name="pact")
user_app = typer.Typer(help="People who sign in to the web pages.", no_args_is_help=True)
app.add_typer(user_app, name="user")
telemetry_app = typer.Typer(help="Battery telemetry.", no_args_is_help=True)
app.add_typer(telemetry_app, name="telemetry")

console = Console()
err_console = Console(stderr=True)


def fail(message: str, hint: str | None = None) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    if hint:
        err_console.print(f"[dim]{hint}[/]", highlight=False)
    return typer.Exit(code=2)


@contextlib.contextmanager
def open_session() -> Iterator[Session]:
    """A session on the configured database, with user errors turned into readable messages."""
    import junkan.services  # noqa: F401  (every record type the ledger vouches for)

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        try:
            migrated = inspect(engine).has_table("alembic_version")
        except OperationalError as exc:
            raise fail(f"cannot open the database {engine.url!r}: {exc.orig}") from exc
        if not migrated:
            raise fail(
                f"the database {engine.url!r} has no schema yet", "Run `junkan db upgrade` first."
            )
        with make_sessionmaker(engine, settings.key_dir)() as session:
            try:
                yield session
            except Problem as exc:
                session.rollback()
                for error in exc.errors:
                    err_console.print(f"  {error.get('field', '')}: {error.get('message', '')}")
                raise fail(exc.detail) from exc
    finally:
        engine.dispose()


# --- serve and db -------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes.")] = False,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    console.print(
        f"Junkan listening on [bold]http://{host}:{port}[/] (API docs at http://{host}:{port}/docs)"
    )
    uvicorn.run(
        "junkan.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level="info",
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from junkan import migrate

    settings = get_settings()
    try:
        migrate.upgrade(settings.database_url, revision)
    except OperationalError as exc:
        raise fail(f"cannot migrate {settings.database_url}: {exc.orig}") from exc
    console.print(f"Database at revision [bold]{migrate.current(settings.database_url)}[/]")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision."""
    from junkan import migrate

    console.print(migrate.current(get_settings().database_url) or "(empty database)")


# --- participants -------------------------------------------------------------------------------


def _parse_identifier(text: str) -> dict[str, str]:
    scheme, sep, value = text.partition(":")
    if scheme == "did":  # did:web:... keeps its own colons
        return {"scheme": "did", "value": text}
    if not sep:
        raise typer.BadParameter(f"{text!r}: write SCHEME:VALUE, e.g. bpnl:BPNL00000003AYRE")
    return {"scheme": scheme, "value": value}


def _participant_table(participants) -> Table:
    table = Table("name", "roles", "country", "identifiers", "id", show_lines=False)
    for p in participants:
        identifiers = "\n".join(
            i.value if i.scheme == "did" else f"{i.scheme}:{i.value}"
            for i in p.identifiers
            if not i.site_id
        )
        table.add_row(p.name, ", ".join(p.role_names), p.country or "", identifiers, p.id)
    return table


@participant_app.command("add")
def participant_add(
    name: Annotated[str, typer.Argument(help="Legal name.")],
    role: Annotated[list[str], typer.Option("--role", "-r", help="A role; repeatable.")],
    identifier: Annotated[
        list[str] | None,
        typer.Option("--id", "-i", help="SCHEME:VALUE, e.g. bpnl:BPNL00000003AYRE; repeatable."),
    ] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2.")] = None,
) -> None:
    """Register a participant."""
    from pydantic import ValidationError

    from junkan.errors import field_path
    from junkan.identity import schemas, service

    try:
        data = schemas.ParticipantIn.model_validate(
            {
                "name": name,
                "country": country,
                "roles": role,
                "identifiers": [_parse_identifier(i) for i in identifier or []],
            }
        )
    except ValidationError as exc:
        for error in exc.errors():
            dotted, _ = field_path(error["loc"])
            err_console.print(f"  {dotted}: {error['msg'].removeprefix('Value error, ')}")
        raise fail("the participant was not added") from exc
    with open_session() as session:
        participant = service.create_participant(session, data, actor=PLATFORM)
        console.print(_participant_table([participant]))


@participant_app.command("list")
def participant_list(
    role: Annotated[str | None, typer.Option(help="Only participants with this role.")] = None,
) -> None:
    """List participants."""
    from junkan.identity import service
    from junkan.identity.models import Role

    try:
        role_filter = Role(role) if role else None
    except ValueError as exc:
        raise fail(f"unknown role {role!r}; known: {', '.join(r.value for r in Role)}") from exc
    with open_session() as session:
        console.print(_participant_table(service.list_participants(session, role_filter, 10_000)))


# --- clients ------------------------------------------------------------------------------------


@client_app.command("create")
def client_create(
    participant: Annotated[str, typer.Argument(help="Participant id or any of its identifiers.")],
    name: Annotated[str, typer.Option(help="A label for this credential.")] = "cli",
) -> None:
    """Create an OAuth2 client credential; the secret is shown once."""
    from junkan.identity import service

    with open_session() as session:
        owner = service.resolve_participant(session, participant)
        client, secret = service.create_client(session, owner, name, actor=PLATFORM)
    console.print(f"participant    {owner.name} ({owner.id})")
    console.print(f"client_id      [bold]{client.client_id}[/]")
    console.print(f"client_secret  [bold]{secret}[/]")
    console.print("[dim]The secret is not stored; keep it now.[/]")


# --- users -------------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    participant: Annotated[str, typer.Argument(help="Participant id or any of its identifiers.")],
    email: Annotated[str, typer.Option(help="Sign-in e-mail address.")],
    name: Annotated[str, typer.Option(help="The person's name.")],
    language: Annotated[str | None, typer.Option(help="ja or en (default: the browser's).")] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, help="10+ characters."
        ),
    ] = "",
) -> None:
    """Create a web user acting for a participant, with the participant's roles."""
    from pydantic import ValidationError

    from junkan.errors import field_path
    from junkan.identity import service as identity
    from junkan.users import schemas, service

    try:
        data = schemas.UserIn(email=email, name=name, password=password, language=language)
    except ValidationError as exc:
        for error in exc.errors():
            dotted, _ = field_path(error["loc"])
            err_console.print(f"  {dotted}: {error['msg'].removeprefix('Value error, ')}")
        raise fail("the user was not added") from exc
    with open_session() as session:
        owner = identity.resolve_participant(session, participant)
        user = service.create_user(session, owner, data)
        console.print(f"user [bold]{user.email}[/] signs in for {owner.name} ({owner.id})")


@user_app.command("list")
def user_list(
    participant: Annotated[str | None, typer.Argument(help="Only this participant's.")] = None,
) -> None:
    """List web users."""
    from rich.table import Table

    from junkan.identity import service as identity
    from junkan.users import service

    with open_session() as session:
        owner = identity.resolve_participant(session, participant) if participant else None
        table = Table("e-mail", "name", "participant", "language")
        for user in service.list_users(session, owner.id if owner else None):
            table.add_row(user.email, user.name, user.participant.name, user.language or "")
        console.print(table)


# --- ledger -----------------------------------------------------------------------------------


def _progress_bar(total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    task = progress.add_task("verifying entries", total=total or None)
    return progress, lambda done: progress.advance(task, done)


def _download_export(url: str, client_id: str, client_secret: str, target: Path) -> dict:
    import httpx

    base = url.rstrip("/")
    try:
        with httpx.Client(timeout=60) as http:
            discovery = http.get(f"{base}/.well-known/openid-configuration")
            token_url = (
                discovery.json().get("token_endpoint")
                if discovery.status_code == 200
                else f"{base}/auth/token"
            )
            token = http.post(
                token_url,
                data={"grant_type": "client_credentials"},
                auth=(client_id, client_secret),
            )
            if token.status_code != 200:
                raise fail(f"{base} refused the credentials: {token.text}")
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            with http.stream("GET", f"{base}/ledger/export", headers=headers) as response:
                if response.status_code != 200:
                    raise fail(f"{base}/ledger/export answered {response.status_code}")
                with target.open("wb") as handle:
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
            return http.get(f"{base}/ledger/sth").json()
    except httpx.HTTPError as exc:
        raise fail(f"cannot reach {base}: {exc}") from exc


@app.command()
def verify(
    file: Annotated[Path | None, typer.Option(help="Verify an export file, offline.")] = None,
    url: Annotated[str | None, typer.Option(help="Verify a live node's ledger.")] = None,
    client_id: Annotated[str | None, typer.Option(help="With --url.")] = None,
    client_secret: Annotated[str | None, typer.Option(help="With --url.")] = None,
) -> None:
    """Recompute every hash, signature and proof; name every record that was tampered with.

    Without options it checks the configured database, including every stored record the
    ledger vouches for. Exits 1 when anything is wrong.
    """
    import tempfile

    from junkan.ledger import verify as checks

    live_head = None
    if url:
        if not (client_id and client_secret):
            raise fail("--url needs --client-id and --client-secret")
        scratch = tempfile.TemporaryDirectory()
        file = Path(scratch.name) / "ledger.jsonl"
        live_head = _download_export(url, client_id, client_secret, file)
    if file:
        if not file.exists():
            raise fail(f"{file} does not exist")
        lines = sum(1 for _ in file.open(encoding="utf-8"))
        progress, advance = _progress_bar(lines)
        try:
            with progress:
                report = checks.verify_export(file, advance)
        except checks.ExportError as exc:
            raise fail(f"{file}: {exc}") from exc
        source = url or str(file)
    else:
        from junkan.ledger.proofs import tree_size

        with open_session() as session:
            progress, advance = _progress_bar(tree_size(session))
            with progress:
                report = checks.verify_database(session, advance)
        source = "the database"
    if (
        live_head
        and live_head["tree_size"] == report.entries
        and live_head["root_hash"] != report.root
    ):
        report.add("live tree head", "the node's current root differs from its export")
    table = Table(show_header=False, title=f"Ledger verification of {source}")
    for label, value in [
        ("entries", report.entries),
        ("signatures", report.signatures),
        ("tree heads", report.tree_heads),
        ("merkle nodes", report.nodes),
        ("records", report.records),
        ("root", report.root),
    ]:
        table.add_row(label, str(value))
    console.print(table)
    if report.ok:
        console.print("[bold green]verified:[/] nothing was altered, removed or reordered")
        return
    for finding in report.findings:
        console.print(f"[bold red]✗[/] {finding}", highlight=False)
    console.print(f"[bold red]{len(report.findings)} problem(s) found[/]")
    raise typer.Exit(code=1)


@app.command("export-ledger")
def export_ledger(
    target: Annotated[Path, typer.Argument(help="JSON-lines file to write.")],
) -> None:
    """Write the ledger (keys, signed tree heads, entries) for third parties to verify."""
    from junkan.ledger.verify import export_lines

    with open_session() as session, target.open("w", encoding="utf-8") as handle:
        count = 0
        for line in export_lines(session):
            handle.write(line)
            count += 1
    console.print(
        f"Wrote {count} lines to [bold]{target}[/]; check it with `junkan verify --file {target}`"
    )


# --- demo ---------------------------------------------------------------------------------------


@pact_app.command("pull")
def pact_pull(
    from_url: Annotated[str, typer.Option("--from", help="The PACT host's base URL.")],
    client_id: Annotated[str, typer.Option(help="Your client id at that host.")],
    client_secret: Annotated[str, typer.Option(help="Your client secret at that host.")],
    as_participant: Annotated[
        str, typer.Option("--as", help="The participant here who holds them (id or identifier).")
    ],
) -> None:
    """Fetch every footprint a PACT host shares with you (v3, else v2; all pages) and keep
    them, with their provenance, as supplier footprints for your bills of materials."""
    import httpx

    from junkan.footprint.exchange import pull
    from junkan.footprint.pact import PactError
    from junkan.identity.service import resolve_participant

    with open_session() as session:
        participant = resolve_participant(session, as_participant)
        try:
            stored = pull(session, participant.id, from_url, client_id, client_secret)
        except (httpx.HTTPError, RuntimeError, PactError) as exc:
            raise fail(f"pulling from {from_url} failed: {exc}") from exc
    table = Table("footprint", "company", "kgCO2e per unit", "unit")
    for footprint in stored:
        company = (footprint.provenance or {}).get("company", "")
        table.add_row(footprint.id, company, f"{footprint.total:.6g}", footprint.declared_unit)
    console.print(table)
    console.print(f"{len(stored)} footprint(s) from {from_url}")


@pact_app.command("deliver")
def pact_deliver() -> None:
    """Post the queued PACT events now (the server also does this every few seconds)."""
    from junkan.footprint.exchange import deliver_due

    with open_session() as session:
        delivered = deliver_due(session)
    console.print(f"{delivered} event(s) delivered")


@telemetry_app.command("listen")
def telemetry_listen(
    as_participant: Annotated[
        str, typer.Option("--as", help="The economic operator whose batteries report.")
    ],
    host: Annotated[str, typer.Option(help="MQTT broker host.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="MQTT broker port.")] = 1883,
    flush_seconds: Annotated[float, typer.Option(min=0.1, help="Store a batch this often.")] = 2.0,
) -> None:
    """Store readings published to junkan/telemetry/{battery-id} (JSON reading or JSON lines)."""
    import logging

    import junkan.services  # noqa: F401  (every record type the ledger vouches for)
    from junkan.circularity.mqtt import listen, wait_for_broker
    from junkan.identity.service import Caller, resolve_participant

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = get_settings()
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine, settings.key_dir)
    with sessions() as session:
        participant = resolve_participant(session, as_participant)
        caller = Caller(
            participant_id=participant.id,
            roles=frozenset(participant.role_names),
            name=participant.name,
        )
    if not wait_for_broker(host, port):
        raise fail(f"no MQTT broker answers at {host}:{port}")
    console.print(f"Listening on {host}:{port} junkan/telemetry/# for {participant.name}")
    listen(
        sessions,
        caller,
        host,
        port,
        flush_seconds,
        on_batch=lambda r: console.print(
            f"stored {r['stored']} reading(s), {len(r['errors'])} refused"
        ),
    )


@app.command()
def demo(
    credentials_file: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the demo credentials (default: JUNKAN_DEMO_CREDENTIALS_PATH)."
        ),
    ] = None,
    passports: Annotated[int, typer.Option(min=0, help="How many battery passports.")] = 1000,
) -> None:
    """Load the demo: the cast, its battery passports and the footprint chain from cathode to
    pack (idempotent; fresh secrets each run)."""
    from junkan.demo import run_demo

    settings = get_settings()
    path = credentials_file or settings.demo_credentials_path
    with open_session() as session:
        participants = run_demo(session, path, passports, settings.cfp_class_boundaries)
    # Plain lines, never cropped, so the secrets can be copied from any terminal or log.
    console.print("[bold]Demo credentials[/] (key, roles, client_id, client_secret)")
    for p in participants:
        typer.echo(
            f"{p['key']:<21} {','.join(p['roles']):<40} {p['client_id']}  {p['client_secret']}"
        )
    console.print("[bold]Web sign-in[/] (e-mail, password) at /app")
    for p in participants:
        typer.echo(f"{p['user']['email']:<44} {p['user']['password']}")
    console.print(f"Written to [bold]{path}[/]")


if __name__ == "__main__":
    app()
