"""One error root: every exception class in bot/ derives from EventbotError; every code an input error may carry
has its message in every catalog; and no call hands such an error its code as a bare string."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from enum import StrEnum
from pathlib import Path

import pytest

import bot
from bot.errors import EventbotError, InputError, InternalError
from bot.i18n import CATALOGS, KEYS
from bot.locales import LANGUAGES

SOURCE = Path(bot.__file__).parent


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every public exception class defined in a module of bot/ (private `_Name` control-flow ones excepted)."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(bot.__path__, "bot."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


EXCEPTIONS = _exception_classes()
INPUT_ERRORS = {name: cls for name, cls in EXCEPTIONS.items() if issubclass(cls, InputError) and cls is not InputError}
CODED = {name: cls for name, cls in INPUT_ERRORS.items() if cls.codes is not None}


def test_the_walk_finds_the_errors() -> None:
    assert len(EXCEPTIONS) >= 20  # the walk sees the modules
    assert {"bot.parsing.when.WhenError", "bot.storage.database.StorageUnavailable"} <= set(EXCEPTIONS)
    assert len(CODED) >= 5


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_every_exception_class_derives_from_the_root(name: str) -> None:
    assert issubclass(EXCEPTIONS[name], EventbotError)


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_no_error_is_both_the_users_and_internal(name: str) -> None:
    assert not (issubclass(EXCEPTIONS[name], InputError) and issubclass(EXCEPTIONS[name], InternalError))


@pytest.mark.parametrize("name", sorted(INPUT_ERRORS))
def test_an_input_error_has_codes_and_a_prefix_or_neither(name: str) -> None:
    error = INPUT_ERRORS[name]
    if error.codes is None:
        assert error.prefix == ""
    else:
        assert issubclass(error.codes, StrEnum) and len(error.codes) > 0
        assert error.prefix and not error.prefix.endswith("_")


CODE_MESSAGES = [
    (name, language, member)
    for name, cls in sorted(CODED.items())
    for member in cls.codes or ()
    for language in LANGUAGES
]


@pytest.mark.parametrize(
    ("name", "language", "code"),
    CODE_MESSAGES,
    ids=[f"{name.rsplit('.', 1)[1]}-{code}-{language}" for name, language, code in CODE_MESSAGES],
)
def test_every_code_has_a_message_in_every_catalog(name: str, language: str, code: StrEnum) -> None:
    key = f"{CODED[name].prefix}_{code}"
    assert key in KEYS
    assert key in CATALOGS[language].MESSAGES


@pytest.mark.parametrize("name", sorted(CODED))
def test_message_key_is_prefix_and_code(name: str) -> None:
    error = CODED[name]
    assert error.codes is not None
    member = next(iter(error.codes))
    instance = error.__new__(error)
    instance.code = member
    assert instance.message_key == f"{error.prefix}_{member.value}"


def _calls_of_coded_errors() -> list[tuple[str, int, str, ast.expr]]:
    """Each `SomeError(first, …)` in bot/ of an error with codes: (file, line, class name, its code argument)."""
    names = {cls.__name__ for cls in CODED.values()}
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if called not in names:
                continue
            code = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
            assert code is not None, f"{path}:{node.lineno}: {called} without a code"
            found.append((str(path.relative_to(SOURCE.parent)), node.lineno, called, code))
    return found


CALLS = _calls_of_coded_errors()


ENUMS = {cls.codes.__name__ for cls in CODED.values() if cls.codes is not None}


def _members_named(code: ast.expr) -> list[ast.Attribute]:
    """The `SomeCode.MEMBER` expressions in a code argument (`error.code`, passed on, is none)."""
    return [
        node
        for node in ast.walk(code)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ENUMS
    ]


def test_the_scan_finds_the_raise_sites() -> None:
    assert len(CALLS) > 50
    assert {called for _, _, called, _ in CALLS} >= {"WhenError", "FieldError", "LinkError", "FetchError"}


@pytest.mark.parametrize(("path", "line", "called", "code"), CALLS, ids=[f"{p}:{n}" for p, n, _, _ in CALLS])
def test_no_call_passes_a_code_as_a_string(path: str, line: int, called: str, code: ast.expr) -> None:
    strings = [node for node in ast.walk(code) if isinstance(node, ast.JoinedStr | ast.Constant)]
    assert not any(isinstance(node, ast.JoinedStr) or isinstance(node.value, str) for node in strings), (
        f"{path}:{line}: {called} gets its code as a string; use its enumeration"
    )


@pytest.mark.parametrize(("path", "line", "called", "code"), CALLS, ids=[f"{p}:{n}" for p, n, _, _ in CALLS])
def test_every_code_named_in_the_source_is_a_member_of_its_errors_enumeration(
    path: str, line: int, called: str, code: ast.expr
) -> None:
    (error,) = {cls for cls in CODED.values() if cls.__name__ == called}
    assert error.codes is not None
    for member in _members_named(code):
        assert isinstance(member.value, ast.Name)
        assert member.value.id == error.codes.__name__, f"{path}:{line}: {called} takes a {error.codes.__name__}"
        assert member.attr in error.codes.__members__, f"{path}:{line}: no {error.codes.__name__}.{member.attr}"
