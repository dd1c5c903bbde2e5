"""Install and run auth0-deploy-cli (the pinned version in package.json) against the emulator.

`install(tmp)` copies package.json and package-lock.json into a temporary folder and runs
`npm ci` there (node_modules never lands in the repository). `DeployCli` runs `a0deploy import`,
`import --dry-run` and `export` with the configuration the benchmark uses:

- AUTH0_DOMAIN=127.0.0.1:PORT of `reconciler emulator serve --tls`, trusted through
  NODE_EXTRA_CA_CERTS=<the CA file it printed>;
- AUTH0_CLIENT_ID=local-client, AUTH0_CLIENT_SECRET=local-secret (the emulator's defaults);
- AUTH0_INCLUDED_ONLY=["actions","triggers"] and AUTH0_ALLOW_DELETE=false;
- the secret value comes from the environment through deploy-cli's `##BENCH_API_KEY##` keyword
  replacement (it maps every environment variable when run with its default `--env true`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def pinned_version() -> str:
    data = json.loads((HERE / "package.json").read_text())
    return str(data["dependencies"]["auth0-deploy-cli"])


def install(tmp: Path) -> Path:
    """`npm ci` the pinned deploy-cli into `tmp`; returns the path of its `a0deploy` script."""
    tmp.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / name, tmp / name)
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm ci failed: {done.stderr.strip()[-500:]}")
    script = tmp / "node_modules" / "auth0-deploy-cli" / "lib" / "index.js"
    if not script.exists():
        raise RuntimeError(f"npm ci did not install {script}")
    return script


class DeployCli:
    def __init__(self, script: Path) -> None:
        self.script = script
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH")
        self.node = node

    def env(self, domain: str, ca_file: str, secret_var: str, secret_value: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUTH0_")}
        env.update(
            NODE_EXTRA_CA_CERTS=ca_file,
            AUTH0_DOMAIN=domain,
            AUTH0_CLIENT_ID="local-client",
            AUTH0_CLIENT_SECRET="local-secret",  # noqa: S106 - the emulator's public default
            AUTH0_INCLUDED_ONLY='["actions","triggers"]',
            AUTH0_ALLOW_DELETE="false",
            NO_COLOR="1",
            FORCE_COLOR="0",
        )
        env[secret_var] = secret_value
        return env

    def import_argv(self, tenant_yaml: Path, *, dry_run: bool = False) -> list[str]:
        argv = [self.node, str(self.script), "import", "--input_file", str(tenant_yaml)]
        return [*argv, "--dry-run"] if dry_run else argv

    def export_argv(self, folder: Path) -> list[str]:
        argv = [self.node, str(self.script), "export", "--format", "yaml"]
        return [*argv, "--output_folder", str(folder)]
