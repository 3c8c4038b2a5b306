"""The crypto store: nio's SQLite store, minus the empty write transaction after every sync."""

from __future__ import annotations

from pathlib import Path

from nio import AsyncClient, AsyncClientConfig

from bot.matrix import CryptoStore

USER, DEVICE = "@eventbot:example.org", "EVENTBOTDEVICE"


async def test_saves_encrypted_rooms_and_writes_nothing_when_none_are_new(tmp_path: Path) -> None:
    client = AsyncClient(
        "https://matrix.example.org",
        USER,
        DEVICE,
        store_path=str(tmp_path),
        config=AsyncClientConfig(store=CryptoStore, encryption_enabled=True),
    )
    try:
        client.restore_login(USER, DEVICE, "token")  # creates the olm account in the store
        store = client.store
        assert isinstance(store, CryptoStore)
        statements: list[str] = []
        store.database.connection().set_trace_callback(statements.append)

        store.save_encrypted_rooms(set())
        assert statements == []

        store.save_encrypted_rooms({"!a:example.org"})
        assert any(statement.startswith("INSERT") for statement in statements)
        assert store.load_encrypted_rooms() == {"!a:example.org"}
    finally:
        await client.close()
