"""`rasd serve`: the JSON API and the web UI over one database, read-only.

On a loopback address anyone on this machine may use it; on any other address
POST /analyze would let the network run the pipeline, so a token is required.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import sys

from rasd.cli import EXIT_USAGE, CliError
from rasd.store import DEFAULT_DB

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--token", default=None,
                   help="token POST /analyze requires (default $RASD_TOKEN); required off loopback")


def run(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get("RASD_TOKEN") or None
    if not is_loopback(args.host) and not token:
        raise CliError(f"refusing to listen on {args.host} without a token: pass --token or set RASD_TOKEN",
                       EXIT_USAGE)
    if not 0 < args.port < 65536:
        raise CliError(f"--port must be between 1 and 65535, got {args.port}", EXIT_USAGE)
    import uvicorn

    from rasd.serve.app import create_app
    from rasd.serve.server import server_config
    from rasd.store import DatabaseUnreadable

    try:
        app = create_app(args.db, token=token)
    except (FileNotFoundError, DatabaseUnreadable) as e:
        raise CliError(str(e)) from None
    print(f"rasd serve: {args.db} on http://{args.host}:{args.port}/ (API docs at /docs)", file=sys.stderr)
    uvicorn.Server(server_config(app, args.host, args.port, "info")).run()
    return 0
