"""Tests for bot.config: TOML into frozen dataclasses, env secrets, every problem named by key, the CLI check."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.config import PLACEHOLDER, Config, ConfigError, load_config, parse_config

REPO_ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """
[matrix]
homeserver = "https://matrix.example.org"
user_id = "@eventbot:example.org"
password = "s3cret-Passw0rd"
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(raw: dict, env: dict[str, str] | None = None) -> list[str]:
    """The problems parse_config reports for raw (it must report some)."""
    with pytest.raises(ConfigError) as info:
        parse_config(raw, base_dir=Path("/srv/eventbot"), env=env or {})
    return info.value.problems


def valid_raw() -> dict:
    return tomllib.loads(MINIMAL)


# -- valid configurations --


def test_minimal_file_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL), env={})

    assert isinstance(config, Config)
    assert config.matrix.homeserver == "https://matrix.example.org"
    assert config.matrix.user_id == "@eventbot:example.org"
    assert config.matrix.password == "s3cret-Passw0rd"
    assert config.matrix.access_token is None


def test_defaults_are_applied(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL), env={})

    assert config.matrix.device_name == "eventbot"
    assert config.bot.timezone == "Europe/Berlin"
    assert config.bot.command_prefix == "!"
    assert config.bot.language == "de"
    assert config.bot.admins == ()
    assert config.bot.invite_allowlist == ()
    assert config.bot.rate_limit_per_minute == 10
    assert config.bot.log_level == "INFO"
    assert config.bot.data_dir == (tmp_path / "data").resolve()
    assert str(config.bot.zone) == "Europe/Berlin"


def test_all_bot_keys_are_read(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """
[bot]
timezone = "America/New_York"
command_prefix = "?"
language = "en"
admins = ["@alice:example.org"]
invite_allowlist = ["example.org"]
rate_limit_per_minute = 3
log_level = "DEBUG"
"""
    )
    bot = load_config(write(tmp_path, text), env={}).bot

    assert (bot.timezone, bot.command_prefix, bot.language) == ("America/New_York", "?", "en")
    assert bot.admins == ("@alice:example.org",)
    assert bot.invite_allowlist == ("example.org",)
    assert (bot.rate_limit_per_minute, bot.log_level) == (3, "DEBUG")


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL), env={})

    with pytest.raises(AttributeError):
        config.bot.language = "en"  # type: ignore[misc]


def test_relative_data_dir_is_taken_from_the_config_files_directory(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "etc").mkdir()
    monkeypatch.chdir(tmp_path)  # somewhere else than the config file
    path = write(tmp_path / "etc", MINIMAL + '\n[bot]\ndata_dir = "state/db"\n')

    config = load_config(path, env={})

    assert config.bot.data_dir == (tmp_path / "etc" / "state" / "db").resolve()
    assert config.bot.database_path == config.bot.data_dir / "eventbot.db"


def test_absolute_data_dir_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    config = load_config(write(tmp_path, MINIMAL + f'\n[bot]\ndata_dir = "{target.as_posix()}"\n'), env={})

    assert config.bot.data_dir == target


# -- secrets from the environment --


def without_password() -> dict:
    raw = valid_raw()
    del raw["matrix"]["password"]
    return raw


def test_password_from_environment() -> None:
    config = parse_config(without_password(), base_dir=Path("/srv"), env={"EVENTBOT_PASSWORD": "from-env"})

    assert config.matrix.password == "from-env"
    assert config.matrix.access_token is None


def test_access_token_from_environment() -> None:
    config = parse_config(without_password(), base_dir=Path("/srv"), env={"EVENTBOT_ACCESS_TOKEN": "syt_token"})

    assert config.matrix.access_token == "syt_token"
    assert config.matrix.password is None


def test_environment_password_overrides_the_file() -> None:
    config = parse_config(valid_raw(), base_dir=Path("/srv"), env={"EVENTBOT_PASSWORD": "from-env"})

    assert config.matrix.password == "from-env"


def test_empty_environment_variable_does_not_count() -> None:
    problems = problems_of(without_password(), env={"EVENTBOT_PASSWORD": "", "EVENTBOT_ACCESS_TOKEN": ""})

    assert len(problems) == 1
    assert problems[0].startswith("matrix.password:")


def test_load_config_reads_the_given_env_not_os_environ(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EVENTBOT_PASSWORD", "from-os-environ")
    path = write(tmp_path, MINIMAL)

    assert load_config(path, env={}).matrix.password == "s3cret-Passw0rd"
    assert load_config(path, env={"EVENTBOT_PASSWORD": "given"}).matrix.password == "given"


def test_password_never_appears_in_repr(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL), env={"EVENTBOT_ACCESS_TOKEN": "syt_very_secret_token"})

    assert config.matrix.password == "s3cret-Passw0rd"
    for text in (repr(config), repr(config.matrix), str(config)):
        assert "s3cret-Passw0rd" not in text
        assert "syt_very_secret_token" not in text
    assert "@eventbot:example.org" in repr(config)  # the repr itself still works


# -- problems, each named by its key --


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda raw: raw["matrix"].pop("homeserver"), "matrix.homeserver"),
        (lambda raw: raw["matrix"].pop("user_id"), "matrix.user_id"),
        (lambda raw: raw["matrix"].update(homeserver="matrix.example.org"), "matrix.homeserver"),
        (lambda raw: raw["matrix"].update(user_id="eventbot"), "matrix.user_id"),
        (lambda raw: raw["matrix"].update(password=12345), "matrix.password"),
        (lambda raw: raw["matrix"].pop("password"), "matrix.password"),
        (lambda raw: raw.update(bot={"rate_limit_per_minute": "ten"}), "bot.rate_limit_per_minute"),
        (lambda raw: raw.update(bot={"rate_limit_per_minute": True}), "bot.rate_limit_per_minute"),
        (lambda raw: raw.update(bot={"rate_limit_per_minute": 0}), "bot.rate_limit_per_minute"),
        (lambda raw: raw.update(bot={"admins": "@alice:example.org"}), "bot.admins"),
        (lambda raw: raw.update(bot={"data_dir": 7}), "bot.data_dir"),
        (lambda raw: raw.update(bot={"timezone": "Europe/Atlantis"}), "bot.timezone"),
        (lambda raw: raw.update(bot={"language": "fr"}), "bot.language"),
        (lambda raw: raw.update(bot={"command_prefix": ""}), "bot.command_prefix"),
        (lambda raw: raw.update(bot={"command_prefix": "! "}), "bot.command_prefix"),
        (lambda raw: raw.update(bot={"colour": "blue"}), "bot.colour"),
        (lambda raw: raw["matrix"].update(passwort="x"), "matrix.passwort"),
        (lambda raw: raw.update(logging={"level": "INFO"}), "logging"),
        (lambda raw: raw.update(bot="yes"), "bot"),
        (lambda raw: raw["matrix"].update(homeserver=f"https://{PLACEHOLDER}.example.org"), "matrix.homeserver"),
        (lambda raw: raw["matrix"].update(password=PLACEHOLDER), "matrix.password"),
    ],
)
def test_each_problem_is_named_by_its_key(change, key: str) -> None:
    raw = valid_raw()
    change(raw)

    problems = problems_of(raw)

    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{key}:")


def test_problem_messages_say_what_is_wrong() -> None:
    raw = valid_raw()
    raw["matrix"]["password"] = PLACEHOLDER
    raw["bot"] = {"rate_limit_per_minute": "ten", "timezone": "Europe/Atlantis", "language": "fr", "colour": 1}
    raw["logging"] = {}

    text = "\n".join(problems_of(raw))

    assert "'ten'" in text and "an integer" in text
    assert "'Europe/Atlantis'" in text
    assert "'fr'" in text and "de, en" in text
    assert "unknown key" in text and "unknown section" in text
    assert PLACEHOLDER in text


def test_every_problem_in_one_error(tmp_path: Path) -> None:
    text = f"""
[matrix]
user_id = "@eventbot:example.org"
access_token = "{PLACEHOLDER}"

[bot]
rate_limit_per_minute = "ten"
timezone = "Mars/Olympus_Mons"
language = "fr"
colour = "blue"

[logging]
level = "INFO"
"""
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env={})

    keys = sorted(problem.split(":", 1)[0] for problem in info.value.problems)
    assert keys == sorted(
        [
            "matrix.homeserver",
            "matrix.access_token",
            "bot.rate_limit_per_minute",
            "bot.timezone",
            "bot.language",
            "bot.colour",
            "logging",
        ]
    )


def test_missing_password_and_token_is_one_problem_naming_both_options() -> None:
    problems = problems_of(without_password())

    assert len(problems) == 1
    assert "matrix.access_token" in problems[0]
    assert "EVENTBOT_PASSWORD" in problems[0]
    assert "EVENTBOT_ACCESS_TOKEN" in problems[0]


def test_report_lists_each_problem_on_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[matrix]\nuser_id = "nobody"\n\n[bot]\nlanguage = "fr"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    error = info.value

    lines = error.report().splitlines()

    assert str(path) in lines[0]
    assert f"{len(error.problems)} problem" in lines[0]
    assert len(lines) == 1 + len(error.problems)
    for line, problem in zip(lines[1:], error.problems, strict=True):
        assert line.strip() == f"- {problem}"


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml", env={})

    assert info.value.problems == ["file not found"]


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "[matrix\nhomeserver = "), env={})

    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith("not valid TOML")


# -- the shipped example --


def test_example_config_has_only_the_placeholder_problem() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(REPO_ROOT / "config.example.toml", env={})

    assert len(info.value.problems) == 1, info.value.problems
    assert info.value.problems[0].startswith("matrix.password:")
    assert PLACEHOLDER in info.value.problems[0]


def test_example_config_parses_once_filled_in(tmp_path: Path) -> None:
    text = (REPO_ROOT / "config.example.toml").read_text(encoding="utf-8")
    filled = write(tmp_path, text.replace(f'password = "{PLACEHOLDER}"', 'password = "filled-in"'))

    config = load_config(filled, env={})

    assert config.matrix.password == "filled-in"
    assert config.bot.data_dir == (tmp_path / "data").resolve()


# -- the command line --


def check_config(path: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVENTBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "check-config", "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_cli_check_config_bad_file_exits_2_naming_every_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[matrix]\nuser_id = "@bot:example.org"\npassword = "x"\n\n'
        '[bot]\nrate_limit_per_minute = "ten"\ntimezone = "Nowhere/Land"\n',
    )

    result = check_config(path)

    assert result.returncode == 2
    for key in ("matrix.homeserver", "bot.rate_limit_per_minute", "bot.timezone"):
        assert key in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_check_config_good_file_exits_0(tmp_path: Path) -> None:
    result = check_config(write(tmp_path, MINIMAL))

    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    assert "s3cret-Passw0rd" not in result.stdout + result.stderr
