"""Child processes of the benchmark (eventbot, the echo bot, a peer): start, wait for ready, memory, stop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.homeserver import Homeserver, RegisteredUser

EVENTBOT_READY = "eventbot is ready"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_S = 15.0


class ProcessFailed(RuntimeError):
    """A child process exited early or never became ready."""


class ManagedProcess:
    """One child process with its output in a log file; stop() is safe to call any number of times."""

    def __init__(self, name: str, argv: list[str], directory: Path, ready_line: str,
                 env: dict[str, str] | None = None) -> None:
        self.name = name
        self.argv = argv
        self.directory = directory
        self.ready_line = ready_line
        self.env = env
        self.log_path = directory / f"{name}.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    @property
    def pid(self) -> int:
        assert self._process is not None, f"{self.name} was never started"
        return self._process.pid

    def start(self) -> None:
        """Start the process (without waiting for it to be ready)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        # the project root on the path: `bench` is not an installed package, and the bot may not be either
        python_path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": python_path, **(self.env or {})}
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.directory,
                                             env=env)

    async def wait_ready(self, timeout: float = 60) -> float:
        """Seconds until the ready line shows up in this start's log output."""
        started = time.perf_counter()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.ready_line in self.log(self._log_offset):
                return time.perf_counter() - started
            if self._process is not None and self._process.poll() is not None:
                raise ProcessFailed(f"{self.name} exited with {self._process.returncode}:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.02)
        raise ProcessFailed(f"{self.name} not ready within {timeout:.0f} s:\n{self.log()[-3000:]}")

    async def start_ready(self, timeout: float = 60) -> float:
        self.start()
        return await self.wait_ready(timeout)

    def log(self, offset: int = 0) -> str:
        return self.log_path.read_bytes()[offset:].decode(errors="replace") if self.log_path.exists() else ""

    def rss_bytes(self) -> int:
        """Resident memory (VmRSS from /proc) of the running process."""
        return self.status_bytes("VmRSS")

    def status_bytes(self, key: str) -> int:
        """A memory figure of /proc/<pid>/status (VmRSS, VmHWM: the peak resident memory so far), in bytes."""
        value = status_bytes(self.pid, key)
        if value is None:
            raise ProcessFailed(f"no {key} for {self.name} (pid {self.pid})")
        return value

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_S."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def status_bytes(pid: int, key: str) -> int | None:
    """A memory figure of /proc/<pid>/status in bytes; None when the process is gone (or has no such line)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) * 1024
    return None


def child_pids(pid: int) -> list[int]:
    """The process's children right now: from /proc/<pid>/task/*/children, or (kernels without it) every
    /proc/<n>/stat whose parent is pid."""
    listed = list(Path(f"/proc/{pid}/task").glob("*/children"))
    if listed:
        children: list[int] = []
        for path in listed:
            try:
                children += [int(child) for child in path.read_text().split()]
            except OSError:
                continue
        return children
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()  # after the command name (which may hold spaces and brackets)
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def eventbot_process(homeserver: Homeserver, user: RegisteredUser, directory: Path, extra: str = "") -> ManagedProcess:
    """`python -m bot run` with a benchmark config: no rate limit that a benchmark could hit, INFO log."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "config.toml"
    config.write_text(
        f'[matrix]\nhomeserver = "{homeserver.url}"\nuser_id = "{user.user_id}"\npassword = "{user.password}"\n\n'
        f'[bot]\ndata_dir = "data"\nrate_limit_per_minute = 100000\nlog_level = "INFO"\n{extra}'
    )
    return ManagedProcess("eventbot", [sys.executable, "-m", "bot", "run", "--config", str(config)], directory,
                          EVENTBOT_READY)


def eventbot_database(directory: Path) -> Path:
    return directory / "data" / "eventbot.db"
