"""A throwaway Synapse homeserver on loopback, for the demo, the end-to-end tests and the benchmarks."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.errors import EventbotError

_UNLIMITED = {"per_second": 10000, "burst_count": 100000}


class HomeserverError(EventbotError, RuntimeError):
    """The throwaway homeserver could not be started or used."""


@dataclass(frozen=True)
class RegisteredUser:
    user_id: str
    password: str
    access_token: str
    device_id: str


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def synapse_available() -> bool:
    """Whether matrix-synapse is importable (it comes with the `demo` and `dev` extras)."""
    try:
        import synapse  # noqa: F401
    except ImportError:
        return False
    return True


def _signing_key_line() -> str:
    from signedjson.key import encode_signing_key_base64, generate_signing_key

    key = generate_signing_key("a_eventbot")
    return f"ed25519 {key.version} {encode_signing_key_base64(key)}\n"


class Homeserver:
    """A Synapse process with SQLite in its own directory; JSON is valid YAML, so the config is written as JSON."""

    def __init__(
        self,
        directory: Path,
        *,
        port: int | None = None,
        rate_limits: bool = False,
        message_rate: dict[str, float] | None = None,
    ) -> None:
        """rate_limits keeps Synapse's defaults; message_rate alone sets rc_message (e.g. to provoke 429s)."""
        self.directory = Path(directory)
        self.port = port or free_port()
        self.rate_limits = rate_limits
        self.message_rate = message_rate
        self.server_name = "localhost"
        self.url = f"http://127.0.0.1:{self.port}"
        self._shared_secret = secrets.token_hex(16)
        self._process: subprocess.Popen[bytes] | None = None

    def write_config(self) -> Path:
        """Write hs.yaml, the log config and a signing key; returns the config path."""
        d = self.directory
        d.mkdir(parents=True, exist_ok=True)
        (d / "signing.key").write_text(_signing_key_line())
        log_config = {
            "version": 1,
            "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
            "handlers": {
                "file": {"class": "logging.FileHandler", "filename": str(d / "homeserver.log"), "formatter": "plain"}
            },
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }
        (d / "log.config").write_text(json.dumps(log_config))
        config: dict[str, object] = {
            "server_name": self.server_name,
            "pid_file": str(d / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(d / "homeserver.db")}},
            "log_config": str(d / "log.config"),
            "media_store_path": str(d / "media_store"),
            "registration_shared_secret": self._shared_secret,
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "signing_key_path": str(d / "signing.key"),
            "report_stats": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "enable_registration": False,
            "presence": {"enabled": False},
        }
        if not self.rate_limits:
            config.update(
                {
                    "rc_message": _UNLIMITED,
                    "rc_login": {"address": _UNLIMITED, "account": _UNLIMITED, "failed_attempts": _UNLIMITED},
                    "rc_joins": {"local": _UNLIMITED, "remote": _UNLIMITED},
                    "rc_invites": {"per_room": _UNLIMITED, "per_user": _UNLIMITED, "per_issuer": _UNLIMITED},
                    "rc_registration": _UNLIMITED,
                    "rc_admin_redaction": _UNLIMITED,
                    "rc_room_creation": _UNLIMITED,
                    "rc_reports": _UNLIMITED,
                }
            )
        if self.message_rate is not None:
            config["rc_message"] = self.message_rate
        path = d / "hs.yaml"
        path.write_text(json.dumps(config, indent=1) + "\n")
        return path

    def start(self, timeout: float = 60.0) -> None:
        """Start Synapse and wait until its client API answers."""
        config = self.directory / "hs.yaml"
        if not config.exists():
            config = self.write_config()
        out = open(self.directory / "stdout.log", "ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=self.directory,
        )
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = (self.directory / "stdout.log").read_text(errors="replace")[-2000:]
                raise HomeserverError(f"Synapse exited with {self._process.returncode}:\n{log}")
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=1):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise HomeserverError(f"Synapse did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        """Stop Synapse (SIGTERM, then SIGKILL after 10 s)."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _request(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise HomeserverError(f"{method} {path}: {exc.code} {exc.read()[:500]!r}") from exc

    def register(self, localpart: str, password: str | None = None, *, admin: bool = False) -> RegisteredUser:
        """Register a user through the shared-secret admin API (no process per user)."""
        password = password or secrets.token_hex(12)
        nonce = self._request("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(self._shared_secret.encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join([nonce.encode(), localpart.encode(), password.encode(), b"admin" if admin else b"notadmin"])
        )
        result = self._request(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            },
        )
        return RegisteredUser(result["user_id"], password, result["access_token"], result["device_id"])

    def exempt_from_rate_limits(self, user_id: str) -> None:
        """Lift the message rate limit for one user (through an admin account made for it)."""
        if not hasattr(self, "_admin"):
            self._admin = self.register(f"admin_{secrets.token_hex(4)}", admin=True)
        self._request(
            "POST",
            f"/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            {"messages_per_second": 0, "burst_count": 0},
            token=self._admin.access_token,
        )

    def __enter__(self) -> Homeserver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
