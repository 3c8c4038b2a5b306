"""The database underneath every store: a writing and a reading connection, nested transactions, one error type.

Writes run in `transaction()`: one writer at a time (an asyncio lock, then BEGIN IMMEDIATE). A transaction opened
inside another one by the same task joins it as a SAVEPOINT, so store methods compose into one atomic unit, and an
inner failure that the outer code catches undoes only the inner part. Reads inside a transaction run on its
connection and see its own changes; reads outside one run on a second, query-only connection, which in WAL mode
sees only committed data: never the rows of a transaction that is still running or is later rolled back.

Every SQLite error leaves this package as a `StorageError`: `StorageUnavailable` when the database cannot be used
right now (locked, full, unreadable, corrupt), plain `StorageError` for a statement SQLite refuses (a bug).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self, TypeVar

import aiosqlite

from bot.clock import Clock, system_clock
from bot.errors import InternalError
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

Params = Iterable[Any] | Mapping[str, Any]
T = TypeVar("T")

DEFAULT_BUSY_TIMEOUT_MS = 5000


class StorageError(InternalError):
    """The database cannot be used (for example, it is newer than this code); the root of all storage errors."""


class StorageUnavailable(StorageError):
    """SQLite cannot do it now: the database is locked beyond the busy timeout, full, unreadable or corrupt."""


def _translated(exc: sqlite3.Error) -> StorageError:
    if isinstance(exc, sqlite3.OperationalError | sqlite3.InternalError) or type(exc) is sqlite3.DatabaseError:
        return StorageUnavailable(str(exc))
    return StorageError(f"{type(exc).__name__}: {exc}")


@contextmanager
def _sqlite_errors() -> Iterator[None]:
    """Turn the SQLite errors raised inside into StorageError / StorageUnavailable."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _translated(exc) from exc


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of at most `size` (SQLite caps the parameters of one statement)."""
    listed = list(items)
    for start in range(0, len(listed), size):
        yield listed[start : start + size]


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


@dataclass(frozen=True)
class Written:
    """What a write statement did."""

    rowcount: int
    lastrowid: int | None = None


class Transaction:
    """The open transaction's connection: statements on it, SQLite errors out as StorageError."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    def _check_open(self) -> None:
        # SQLite rolls the whole transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, …); going on
        # would run the next statements in autocommit mode, outside the unit they belong to
        if not self._db.in_transaction:
            raise StorageUnavailable("the transaction was rolled back by SQLite after an earlier error")

    async def execute(self, sql: str, params: Params = ()) -> Written:
        self._check_open()
        with _sqlite_errors():
            async with self._db.execute(sql, params) as cursor:
                return Written(cursor.rowcount, cursor.lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any] | Mapping[str, Any]]) -> Written:
        self._check_open()
        with _sqlite_errors():
            async with self._db.executemany(sql, rows) as cursor:
                return Written(cursor.rowcount, cursor.lastrowid)

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        self._check_open()
        with _sqlite_errors():
            return list(await self._db.execute_fetchall(sql, params))


# The transactions open in this context: (database, task) -> nesting depth. Keyed by task as well, because a task
# started inside a transaction inherits the context but must not write into a transaction it does not own.
_TaskKey = tuple["Database", "asyncio.Task[Any] | None"]
_Depths = Mapping[_TaskKey, int]
_open_transactions: ContextVar[_Depths | None] = ContextVar("open_storage_transactions", default=None)
# The databases whose reading connection this context holds in one read transaction (one snapshot).
_open_snapshots: ContextVar[frozenset[_TaskKey]] = ContextVar("open_storage_snapshots", default=frozenset())


async def _connect(path: Path | str, busy_timeout_ms: int) -> aiosqlite.Connection:
    with _sqlite_errors():
        db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = aiosqlite.Row
    try:
        with _sqlite_errors():
            await db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            # SQLite's lower() and LIKE fold ASCII only; German needs Ü = ü
            await db.create_function("casefold", 1, _casefold, deterministic=True)
    except BaseException:
        await db.close()
        raise
    return db


class Database:
    """Connections, transactions, reads and migrations; the stores of each domain build on it."""

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection | None = None, clock: Clock = system_clock
    ) -> None:
        self._writer = writer
        self.clock = clock
        self._lock = asyncio.Lock()
        # An in-memory database cannot be opened twice: it reads through the writer, waiting for the write lock
        self._reader = reader or writer
        self._read_lock = asyncio.Lock() if reader is not None else self._lock

    @classmethod
    async def open(
        cls, path: Path | str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, clock: Clock = system_clock
    ) -> Self:
        """Open (and create or migrate) the database at path; a locked or unreadable one is StorageUnavailable."""
        writer = await _connect(path, busy_timeout_ms)
        reader: aiosqlite.Connection | None = None
        try:
            with _sqlite_errors():
                await writer.execute("PRAGMA journal_mode=WAL")
                await writer.execute("PRAGMA foreign_keys=ON")
                # WAL with synchronous=NORMAL: a commit survives a crash of the bot (not of the OS) without an fsync
                await writer.execute("PRAGMA synchronous=NORMAL")
            database = cls(writer, clock=clock)
            await database._migrate()
            if str(path) not in (":memory:", ""):
                reader = await _connect(path, busy_timeout_ms)
                with _sqlite_errors():
                    await reader.execute("PRAGMA query_only=ON")
                database = cls(writer, reader, clock)
        except BaseException:
            if reader is not None:
                await reader.close()
            await writer.close()
            raise
        return database

    def _now(self) -> int:
        """Unix time for the timestamps the stores write (created_at, scheduled_at, handled_at, …)."""
        return int(self.clock().timestamp())

    async def close(self) -> None:
        with _sqlite_errors():
            if self._reader is not self._writer:
                await self._reader.close()
            await self._writer.close()

    # -- transactions --

    def _key(self) -> _TaskKey:
        return self, asyncio.current_task()

    def _transaction_depth(self) -> int:
        return (_open_transactions.get() or {}).get(self._key(), 0)

    def _enter_transaction(self, depth: int) -> Token[_Depths | None]:
        return _open_transactions.set({**(_open_transactions.get() or {}), self._key(): depth})

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; inside an open one of this task, a SAVEPOINT in it."""
        depth = self._transaction_depth()
        if depth:
            async with self._savepoint(depth) as transaction:
                yield transaction
            return
        if self._key() in _open_snapshots.get():
            raise RuntimeError("a storage transaction cannot be opened inside a read snapshot")
        async with self._lock:
            token = self._enter_transaction(1)
            try:
                await self._begin()
                try:
                    yield Transaction(self._writer)
                except BaseException as exc:
                    await self._quietly("ROLLBACK")
                    if isinstance(exc, sqlite3.Error):
                        raise _translated(exc) from exc
                    raise
                try:
                    await self._writer.execute("COMMIT")
                except sqlite3.Error as exc:
                    await self._quietly("ROLLBACK")
                    raise _translated(exc) from exc
            finally:
                _open_transactions.reset(token)

    async def _begin(self) -> None:
        try:
            await self._writer.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _translated(exc) from exc
        except asyncio.CancelledError:
            # the BEGIN still runs on the connection's thread; the ROLLBACK queued behind it ends what it opens
            await self._quietly("ROLLBACK")
            raise

    @asynccontextmanager
    async def _savepoint(self, depth: int) -> AsyncIterator[Transaction]:
        name = f"nested_{depth}"
        token = self._enter_transaction(depth + 1)
        try:
            transaction = Transaction(self._writer)
            await transaction.execute(f"SAVEPOINT {name}")
            try:
                yield transaction
            except BaseException as exc:
                if self._writer.in_transaction:
                    await self._quietly(f"ROLLBACK TO {name}")
                    await self._quietly(f"RELEASE {name}")
                if isinstance(exc, sqlite3.Error):
                    raise _translated(exc) from exc
                raise
            await transaction.execute(f"RELEASE {name}")
        finally:
            _open_transactions.reset(token)

    async def _quietly(self, sql: str) -> None:
        """Run an undo statement; shielded, so that a cancellation cannot leave the connection mid-transaction."""

        async def run() -> None:
            try:
                await self._writer.execute(sql)
            except (sqlite3.Error, ValueError) as exc:
                # the transaction may already be gone (SQLite rolls back by itself on some errors), or the
                # connection closed; the error that led here is the one that matters
                log.debug("%s failed: %s", sql, exc)

        await asyncio.shield(asyncio.ensure_future(run()))

    # -- reads --

    @asynccontextmanager
    async def _snapshot(self) -> AsyncIterator[None]:
        """Several reads from one committed state (inside a transaction: from the transaction's state)."""
        key = self._key()
        if self._transaction_depth() or key in _open_snapshots.get():
            yield
            return
        async with self._read_lock:
            token = _open_snapshots.set(_open_snapshots.get() | {key})
            try:
                if self._reader is self._writer:
                    yield  # in memory: holding the write lock keeps every writer out
                    return
                with _sqlite_errors():
                    await self._reader.execute("BEGIN")
                try:
                    yield
                finally:
                    with _sqlite_errors():
                        await self._reader.execute("COMMIT")
            finally:
                _open_snapshots.reset(token)

    async def _fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        if self._transaction_depth():
            return await Transaction(self._writer).fetchall(sql, params)
        if self._key() in _open_snapshots.get():
            with _sqlite_errors():
                return list(await self._reader.execute_fetchall(sql, params))
        async with self._read_lock:
            with _sqlite_errors():
                return list(await self._reader.execute_fetchall(sql, params))

    async def _fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    # -- schema --

    async def schema_version(self) -> int:
        row = await self._fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        current = await self.schema_version()
        if current > SCHEMA_VERSION:
            raise StorageError(
                f"the database has schema version {current}, but this eventbot only knows up to "
                f"{SCHEMA_VERSION}; upgrade eventbot or use a backup of the database"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            async with self.transaction() as db:
                for statement in MIGRATIONS[version - 1]:
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {version}")
