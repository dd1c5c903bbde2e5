"""The shared tenant options and open_from_args."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from reconciler.commands.options import TenantArgs, open_from_args, tenant_options
from reconciler.emulator import Emulator

seen: list[TenantArgs] = []


@click.command()
@tenant_options
@click.option("--other", default="x")
def probe(tenant_args: TenantArgs, other: str) -> None:
    seen.append(tenant_args)
    click.echo(other)


def test_options_arrive_as_one_tenant_args(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not checked here")
    seen.clear()
    runner = CliRunner()
    result = runner.invoke(
        probe,
        ["--tenant", "acme.auth0.com", "--ca-bundle", str(bundle), "--rate-limit", "2.5", "-v"],
    )
    assert result.exit_code == 0, result.output
    assert result.output == "x\n"
    assert seen == [TenantArgs("acme.auth0.com", str(bundle), 2.5, True)]
    assert runner.invoke(probe, []).exit_code == 0
    assert seen[-1] == TenantArgs()


def test_bad_option_values_are_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(probe, ["--rate-limit", "0"])
    assert result.exit_code == 2
    assert "--rate-limit" in result.output
    result = runner.invoke(probe, ["--ca-bundle", str(tmp_path / "missing.pem")])
    assert result.exit_code == 2
    assert "--ca-bundle" in result.output


def test_help_lists_the_tenant_options() -> None:
    text = CliRunner().invoke(probe, ["--help"]).output
    for flag in ("--tenant T", "--ca-bundle", "--rate-limit RPS", "-v, --verbose"):
        assert flag in text


def test_open_from_args_uses_the_given_environment(emu: Emulator) -> None:
    env = {"AUTH0_CLIENT_ID": emu.client_id, "AUTH0_CLIENT_SECRET": emu.client_secret}
    with open_from_args(TenantArgs(tenant=emu.url, rate_limit=3.0), env=env) as session:
        assert session.name == emu.domain
        assert session.client.list_triggers()
        assert session.client.engine.bucket.state().rate <= 3.0
