"""Start and stop an emulated org: store + data + HTTPS server, in-process or from the CLI."""

import tempfile
from pathlib import Path

from .api.app import Credentials, EmulatorApp
from .api.http import serve
from .generator.live import LiveMode
from .org.profiles import parse_names
from .org.store import Store
from .tls import write_certificates, write_jwt_keypair


class Emulator:
    """One emulated org on https://127.0.0.1:PORT. `port=0` picks a free port; `profiles` names
    org profiles (org/profiles.py) such as ["plain", "hidden_fields"], or "plain,no_api"."""

    def __init__(self, org: str = "demo", scale: str = "small", seed: int = 7, port: int = 0,
                 state_dir: str | Path | None = None, daily_max: int = 1_000_000,
                 verbose: bool = False, profiles=()):
        self.org, self.scale, self.seed, self.port = org, scale, seed, port
        self.profiles = parse_names(profiles)
        self.state_dir = Path(state_dir or tempfile.mkdtemp(prefix="dealsync-emulator-"))
        self.daily_max, self.verbose = daily_max, verbose
        self.store: Store | None = None
        self.app: EmulatorApp | None = None
        self._server = None
        self.counts: dict[str, int] = {}

    def load(self) -> dict[str, int]:
        """Build the org's data: the generated demo org, a fixture file, or an empty org."""
        self.store = Store()
        if self.org == "demo":
            from .generator.demo import generate_org
            self.counts = generate_org(self.store, scale=self.scale, seed=self.seed)
        elif self.org != "empty":
            from .org.fixtures import load_fixture
            self.counts = load_fixture(self.store, self.org)
        return self.counts

    def start(self) -> "Emulator":
        if self.store is None:
            self.load()
        ca, cert, key = write_certificates(self.state_dir)
        self.ca_path = ca
        self.jwt_private_key_path, public_key = write_jwt_keypair(self.state_dir)
        credentials = Credentials(jwt_public_key_pem=public_key.read_bytes())
        self.app = EmulatorApp(self.store, credentials, daily_max=self.daily_max, seed=self.seed,
                               verbose=self.verbose, profiles=self.profiles)
        self.app.live = LiveMode(self.store, seed=self.seed)
        self._server, _ = serve(self.app, "127.0.0.1", self.port, cert, key)
        self.port = self._server.server_address[1]
        self.base_url = self.app.base_url = f"https://127.0.0.1:{self.port}"
        return self

    @property
    def credentials(self) -> Credentials:
        return self.app.credentials

    def stop(self) -> None:
        if self.app is not None:
            self.app.live.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def banner(self) -> str:
        c = self.credentials
        return "\n".join([
            f"Salesforce emulator listening on {self.base_url}",
            f"  CA certificate:   {self.ca_path}",
            f"  client id/secret: {c.client_id} / {c.client_secret}",
            f"  username:         {c.username}",
            f"  password+token:   {c.password} + {c.security_token}",
            f"  refresh token:    {c.refresh_token}",
            f"  JWT private key:  {self.jwt_private_key_path}",
            f"  org profiles:     {', '.join(self.profiles) or 'none (the full org)'}",
            f"  records:          {sum(self.counts.values())} "
            f"({', '.join(f'{k} {v}' for k, v in self.counts.items())})",
            "Point dealsync at it with:",
            f"  export SALESFORCE_INSTANCE_URL={self.base_url} SALESFORCE_CA_BUNDLE={self.ca_path}",
            f"  export SALESFORCE_CLIENT_ID={c.client_id} SALESFORCE_CLIENT_SECRET={c.client_secret}",
        ])
