"""Key/value state: the session, the sync token, the served feed's ETag."""

from __future__ import annotations

from bot.storage.database import Database


class KvStore(Database):
    """Small named values."""

    async def get_value(self, key: str) -> str | None:
        row = await self._fetchone("SELECT value FROM kv WHERE key = ?", (key,))
        return row["value"] if row else None

    async def set_values(self, values: dict[str, str]) -> None:
        async with self.transaction() as db:
            await db.executemany(
                "INSERT INTO kv(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                values.items(),
            )
