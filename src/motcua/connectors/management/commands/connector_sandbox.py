"""Serve the connector sandbox (synthetic population, business and results data) on loopback."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from motcua.connectors.client import config_for
from motcua.connectors.sandbox import DEFAULT_PORT, SandboxService


class Command(BaseCommand):
    help = (
        "Serve synthetic state databases (population, business registry, results) over the connectors' "
        "signed wire protocol, for the demo. It knows the client ids and secrets of MOTCUA_CONNECTORS."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)

    def handle(self, *args, host: str, port: int, **options) -> None:
        clients = {}
        for name in ("population", "business", "results"):
            # The sandbox shares the secrets the connectors are configured with (URL or not).
            config = config_for(name)
            if config is not None:
                clients[config.client_id] = config.secret
        if not clients:
            raise CommandError(
                "No connector is configured: set MOTCUA_CONNECTOR_<NAME>_URL and the secret variable "
                "(MOTCUA_CONNECTOR_SECRET by default), as `make demo` does."
            )
        sandbox = SandboxService(clients=clients, host=host, port=port)
        self.stdout.write(f"Connector sandbox on {sandbox.base_url} (clients: {', '.join(sorted(clients))})")
        try:
            sandbox.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
