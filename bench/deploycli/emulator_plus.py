"""The tenant emulator plus the one route auth0-deploy-cli's dry run needs: `GET /api/v2/clients`.

`a0deploy import --dry-run` starts with `dryRunFormatAssets()`, which lists the tenant's clients
(`GET /api/v2/clients?page=0&per_page=100&include_totals=true`) to turn client names into ids,
even when AUTH0_INCLUDED_ONLY is ["actions","triggers"]. The emulator serves Actions only and
answers 404, which aborts the dry run. This launcher adds that one route, answering an empty
list (`{"clients": [], "start": 0, "limit": 100, "length": 0, "total": 0}`), through the
emulator's own routing, so the request is authenticated, rate limited and logged like any
other. Nothing else changes; the options and printed lines are those of
`reconciler emulator serve`.

    python bench/deploycli/emulator_plus.py --tls --state FILE [serve options]
"""

from __future__ import annotations

import argparse
import signal
import threading

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from reconciler.emulator import EmulatorConfig, start_emulator
from reconciler.emulator.app import API
from reconciler.emulator.replies import json_response
from reconciler.emulator.routing import Route, q_int, query
from reconciler.emulator.tenant import Tenant

CLIENT_PARAMS = ("page", "per_page", "include_totals", "fields", "include_fields", "is_global")


def list_clients(tenant: Tenant, request: Request) -> Response:
    args = query(request, CLIENT_PARAMS)
    per_page = q_int(args, "per_page", 50, 1, 100)
    body = {"clients": [], "start": 0, "limit": per_page, "length": 0, "total": 0}
    if args.get("include_totals") != "true":
        return json_response([])
    return json_response(body)


# The real scope is read:clients; the emulator's default client holds only the Actions scopes.
CLIENTS = Route("/clients", ("GET",), "read:actions", list_clients)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state")
    parser.add_argument("--rate-limit", type=float, default=16.0)
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--build-seconds", type=float, default=1.0)
    parser.add_argument("--tls", action="store_true")
    args = parser.parse_args()
    cfg = EmulatorConfig(
        port=args.port,
        state_file=args.state,
        rate_limit=args.rate_limit,
        burst=args.burst,
        latency_ms=args.latency_ms,
        build_seconds=args.build_seconds,
        tls=args.tls,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    emu = start_emulator(cfg)
    emu.app.routes.add(Rule(API + CLIENTS.rule, methods=list(CLIENTS.methods), endpoint=CLIENTS))
    try:
        print(f"Tenant emulator (+ GET /api/v2/clients) listening on {emu.url}", flush=True)
        print(f"AUTH0_DOMAIN={emu.domain if emu.ca_file else emu.url}", flush=True)
        if emu.ca_file:
            print(f"CA file: {emu.ca_file}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()


if __name__ == "__main__":
    main()
