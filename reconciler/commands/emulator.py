"""`reconciler emulator serve`: run the local tenant emulator until SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from reconciler.commands import output
from reconciler.emulator import EmulatorConfig, start_emulator
from reconciler.emulator.config import is_loopback


@click.group(name="emulator")
def command() -> None:
    """A local stand-in for the Auth0 Management API (Actions). It is not Auth0."""


@command.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port (0: pick a free one).")
@click.option("--state", "state_file", type=click.Path(dir_okay=False), help="JSON state file.")
@click.option("--rate-limit", type=click.FloatRange(min=0.001), default=16.0, show_default=True)
@click.option("--burst", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0.0, show_default=True)
@click.option("--build-seconds", type=click.FloatRange(min=0), default=1.0, show_default=True)
@click.option("--fault-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option(
    "--fail-dependency", "fail_dependencies", multiple=True, help="npm name whose builds fail."
)
@click.option("--tls", is_flag=True, help="Serve HTTPS with a generated self-signed certificate.")
def serve(
    host: str,
    port: int,
    state_file: str | None,
    rate_limit: float,
    burst: int,
    latency_ms: float,
    build_seconds: float,
    fault_rate: float,
    fail_dependencies: tuple[str, ...],
    tls: bool,
) -> int:
    """Serve the emulator and print the domain and credentials to use."""
    cfg = EmulatorConfig(
        host=host,
        port=port,
        state_file=state_file,
        rate_limit=rate_limit,
        burst=burst,
        latency_ms=latency_ms,
        build_seconds=build_seconds,
        fault_rate=fault_rate,
        tls=tls,
        fail_dependencies=fail_dependencies,
    )
    if not is_loopback(host):
        output.warn(f"binding to {host}, not loopback: anyone who can reach it can use it")
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    emu = start_emulator(cfg)
    try:
        where = "loopback only" if is_loopback(host) else "NOT loopback"
        output.echo(f"Tenant emulator listening on {emu.url} ({where}). This is not Auth0.")
        # Plain HTTP: give the http:// URL (a bare domain means HTTPS to clients).
        output.echo(f"AUTH0_DOMAIN={emu.domain if emu.ca_file else emu.url}")
        output.echo(f"AUTH0_CLIENT_ID={emu.client_id}")
        output.echo(f"AUTH0_CLIENT_SECRET={emu.client_secret}")
        if emu.ca_file:
            output.echo(f"CA file: {emu.ca_file}")
        if state_file:
            output.echo(f"State file: {state_file}")
        output.echo("Press Ctrl-C to stop.", nl=True)
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    output.notice("emulator stopped")
    return 0
