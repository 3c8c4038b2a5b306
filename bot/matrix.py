"""The only module that speaks matrix-nio: login and session, sync with gap filling, sending replies."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    DownloadResponse,
    JoinError,
    LoginError,
    MegolmEvent,
    MessageDirection,
    RoomGetEventResponse,
    RoomMessagesError,
    RoomSendResponse,
    SyncError,
    UploadResponse,
    WhoamiResponse,
)
from nio.crypto import ENCRYPTION_ENABLED
from nio.crypto.attachments import decrypt_attachment
from nio.exceptions import EncryptionError
from nio.store import DefaultStore

from bot.config import MatrixConfig
from bot.errors import EventbotError, InternalError
from bot.models import FileRef, Invite, Joined, Message, Outgoing, Posted, Reaction, Redaction, SyncBatch
from bot.storage import Storage

log = logging.getLogger(__name__)

TIMELINE_LIMIT = 100
TYPING_TIMEOUT_MS = 30_000
MAX_GAP_PAGES = 50
CREATOR_POWER = 2**53  # "infinite" power of room creators in room version 12
SYNC_FILTER: dict[str, Any] = {
    "room": {
        "timeline": {"limit": TIMELINE_LIMIT},
        "state": {"lazy_load_members": True},
        "ephemeral": {"not_types": ["*"]},
        "account_data": {"not_types": ["*"]},
    },
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
}


class MediaError(InternalError):
    """A file could not be fetched from the media repository."""


class MatrixLoginError(EventbotError):
    """The homeserver refused the credentials."""


class SendError(InternalError):
    """The homeserver did not take a message; `retryable` when trying again later may help (429, 5xx, network)."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def _send_error(response: Any) -> SendError:
    """What a nio error response says, as a SendError: 429, 5xx and no answer at all are worth a retry."""
    transport = getattr(response, "transport_response", None)
    status = getattr(transport, "status", None)
    errcode = getattr(response, "status_code", None)
    retryable = status is None or status == 429 or status >= 500 or errcode == "M_LIMIT_EXCEEDED"
    reason = " ".join(str(part) for part in (status, errcode, getattr(response, "message", "")) if part)
    return SendError(reason or type(response).__name__, retryable=retryable)


async def crypto_housekeeping(client: AsyncClient) -> None:
    """What nio's sync_forever would do for end-to-end encryption: keys up, devices queried, to-device out."""
    if client.olm is None:
        return
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    await client.send_to_device_messages()


def file_ref(content: dict[str, Any]) -> FileRef | None:
    """The file an m.file message carries: plain (`url`) or an encrypted attachment (`file`)."""
    if content.get("msgtype") != "m.file":
        return None
    encrypted = content.get("file")
    if isinstance(encrypted, dict):
        try:
            return FileRef(
                url=encrypted["url"],
                key=encrypted["key"]["k"],
                iv=encrypted["iv"],
                sha256=encrypted["hashes"]["sha256"],
            )
        except (KeyError, TypeError):
            return None
    return FileRef(url=content["url"]) if isinstance(content.get("url"), str) else None


def strip_reply_fallback(body: str) -> str:
    """The message text without the quoted `> <@user> ...` lines of a rich reply."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    return "\n".join(lines[index:]).lstrip("\n")


def relates_to(outgoing: Outgoing) -> dict[str, Any]:
    """An answer's relation: in the command's thread (a real reply within it), else a rich reply, else none."""
    if outgoing.thread_root:
        relation: dict[str, Any] = {"rel_type": "m.thread", "event_id": outgoing.thread_root, "is_falling_back": False}
        if outgoing.in_reply_to:
            relation["m.in_reply_to"] = {"event_id": outgoing.in_reply_to}
        return relation
    if outgoing.in_reply_to:
        return {"m.in_reply_to": {"event_id": outgoing.in_reply_to}}
    return {}


def edit_content(content: dict[str, Any], original: str) -> dict[str, Any]:
    """An edit (m.replace) of one of the bot's messages to `content`; the fallback body is marked with `* `, and an
    edit notifies nobody again."""
    new_content = {**content, "m.mentions": {}}
    return {
        **new_content,
        "body": "* " + content["body"],
        "formatted_body": "* " + content["formatted_body"],
        "m.new_content": new_content,
        "m.relates_to": {"rel_type": "m.replace", "event_id": original},
    }


class CryptoStore(DefaultStore):
    """nio's crypto store, without the write transaction nio opens after every sync to save the rooms that became
    encrypted in it, even when there are none (a synchronous SQLite transaction on the event loop per sync)."""

    def save_encrypted_rooms(self, rooms: set[str]) -> None:
        if rooms:
            super().save_encrypted_rooms(rooms)


class MatrixGateway:
    """A logged-in nio client, reduced to what the bot needs."""

    def __init__(self, config: MatrixConfig, storage: Storage, crypto_dir: Path | None = None) -> None:
        self.config = config
        self.storage = storage
        self.user_id = config.user_id
        encryption = crypto_dir is not None and ENCRYPTION_ENABLED
        if encryption:
            crypto_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # type: ignore[union-attr]
        client_config = AsyncClientConfig(
            max_timeout_retry_wait_time=8,
            request_timeout=45,
            store=CryptoStore,
            store_sync_tokens=False,
            encryption_enabled=encryption,
        )
        self.client = AsyncClient(
            config.homeserver, config.user_id, config=client_config, store_path=str(crypto_dir) if encryption else ""
        )
        self._creators: dict[str, frozenset[str]] = {}
        self._direct_invites: set[str] = set()

    async def login(self) -> None:
        """Reuse the stored session; otherwise log in (password or token) and store the session."""
        stored_token = await self.storage.get_value("session.access_token")
        stored_device = await self.storage.get_value("session.device_id")
        stored_user = await self.storage.get_value("session.user_id")
        if (
            stored_token
            and stored_device
            and stored_user == self.user_id
            and await self._try_token(stored_token, stored_device)
        ):
            log.info("resumed session of %s on device %s", self.user_id, stored_device)
            await self.crypto_housekeeping()
            return
        if self.config.access_token and await self._try_token(self.config.access_token, stored_device):
            log.info("logged in with access token as %s on device %s", self.user_id, self.client.device_id)
        elif self.config.password:
            self.client.device_id = stored_device or ""
            response = await self.client.login(self.config.password, device_name=self.config.device_name)
            if isinstance(response, LoginError):
                raise MatrixLoginError(f"login as {self.user_id} failed: {response.message}")
            log.info("logged in with password as %s on device %s", self.user_id, response.device_id)
        else:
            raise MatrixLoginError(f"the access token for {self.user_id} was refused and no password is set")
        await self.storage.set_values(
            {
                "session.user_id": self.user_id,
                "session.device_id": self.client.device_id,
                "session.access_token": self.client.access_token,
            }
        )
        await self.crypto_housekeeping()

    async def crypto_housekeeping(self) -> None:
        await crypto_housekeeping(self.client)

    async def _try_token(self, token: str, device_id: str | None) -> bool:
        self.client.access_token = token
        response = await self.client.whoami()
        if not isinstance(response, WhoamiResponse) or response.user_id != self.user_id:
            self.client.access_token = ""
            return False
        self.client.restore_login(self.user_id, response.device_id or device_id or "", token)
        return True

    async def close(self) -> None:
        await self.client.close()

    async def sync(self, since: str | None, timeout_ms: int, *, full_state: bool = False) -> SyncBatch | None:
        """One sync; None when the homeserver answered with an error (the caller backs off).

        The first sync after a start asks for the full state, so power levels are known again after a restart.
        """
        response = await self.client.sync(
            timeout=timeout_ms, sync_filter=SYNC_FILTER, since=since, full_state=full_state or None
        )
        if isinstance(response, SyncError):
            log.warning("sync failed: %s %s", response.status_code, response.message)
            return None
        await self.crypto_housekeeping()
        items: list[Message | Reaction | Redaction | Joined] = []
        for room_id, room in response.rooms.join.items():
            await self._report_undecryptable(room_id, room.timeline.events)
            sources = [event.source for event in room.timeline.events]
            if room.timeline.limited and since and room.timeline.prev_batch:
                sources = await self._fill_gap(room_id, room.timeline.prev_batch, since) + sources
            state = [event.source for event in room.state]
            self._remember_creators(room_id, state + sources)
            own_join = self._own_join(room_id, state + sources)
            if own_join is not None:
                items.append(own_join)
            items.extend(self._convert(room_id, sources))
        invites = tuple(
            Invite(room_id, self._inviter(info.invite_state)) for room_id, info in response.rooms.invite.items()
        )
        self._direct_invites.update(
            room_id for room_id, info in response.rooms.invite.items() if self._invited_directly(info.invite_state)
        )
        return SyncBatch(
            next_batch=response.next_batch, items=tuple(items), invites=invites, left=tuple(response.rooms.leave)
        )

    async def _report_undecryptable(self, room_id: str, events: Iterable[Any]) -> None:
        """Log what could not be decrypted and ask the sender's devices for the key; never fails."""
        for event in events:
            if not isinstance(event, MegolmEvent):
                continue
            log.warning(
                "cannot decrypt %s from %s in %s (session %s); requesting the room key",
                event.event_id,
                event.sender,
                room_id,
                event.session_id,
            )
            try:
                await self.client.request_room_key(event)
            except Exception as exc:  # an outstanding request for the same session, or the homeserver is down
                log.info("room key request for %s not sent: %s", event.event_id, exc)

    async def _fill_gap(self, room_id: str, prev_batch: str, since: str) -> list[dict[str, Any]]:
        """The events a limited timeline skipped, oldest first, fetched with /messages back to `since`."""
        pages: list[list[dict[str, Any]]] = []
        token = prev_batch
        for _ in range(MAX_GAP_PAGES):
            response = await self.client.room_messages(
                room_id, start=token, end=since, direction=MessageDirection.back, limit=TIMELINE_LIMIT
            )
            if isinstance(response, RoomMessagesError):
                log.warning("could not fill a timeline gap in %s: %s", room_id, response.message)
                break
            if not response.chunk:
                break
            await self._report_undecryptable(room_id, response.chunk)
            pages.append([event.source for event in reversed(response.chunk)])
            if not response.end or response.end == token:
                break
            token = response.end
        else:
            log.warning("timeline gap in %s longer than %d pages; older events skipped", room_id, MAX_GAP_PAGES)
        log.info("filled a timeline gap in %s with %d events", room_id, sum(map(len, pages)))
        return [source for page in reversed(pages) for source in page]

    def _own_join(self, room_id: str, sources: Iterable[dict[str, Any]]) -> Joined | None:
        for source in sources:
            if (
                source.get("type") == "m.room.member"
                and source.get("state_key") == self.user_id
                and source.get("content", {}).get("membership") == "join"
            ):
                return Joined(room_id, int(source.get("origin_server_ts", 0)))
        return None

    def _invited_directly(self, invite_state: Iterable[Any]) -> bool:
        """The invite is marked as a direct chat (`is_direct` on the bot's member event)."""
        for event in invite_state:
            source = getattr(event, "source", None) or {}
            if source.get("type") == "m.room.member" and source.get("state_key") == self.user_id:
                return bool((source.get("content") or {}).get("is_direct"))
        return False

    def _inviter(self, invite_state: Iterable[Any]) -> str | None:
        for event in invite_state:
            source = getattr(event, "source", None) or {}
            if source.get("type") == "m.room.member" and source.get("state_key") == self.user_id:
                return source.get("sender")
            if getattr(event, "state_key", None) == self.user_id:
                return getattr(event, "sender", None)
        return None

    def _remember_creators(self, room_id: str, sources: Iterable[dict[str, Any]]) -> None:
        """From room version 12 on, a room's creators outrank every power level (they are not listed there)."""
        for source in sources:
            if source.get("type") != "m.room.create" or source.get("state_key") != "":
                continue
            content = source.get("content", {})
            version = str(content.get("room_version", "1"))
            if (version.isdigit() and int(version) >= 12) or version.startswith("org.matrix.hydra"):
                extra = content.get("additional_creators", [])
                self._creators[room_id] = frozenset(
                    [source.get("sender", ""), *(c for c in extra if isinstance(c, str))]
                )

    def may_notify_room(self, room_id: str) -> bool:
        """Whether the bot's power level allows @room in this room (notifications.room, default 50)."""
        room = self.client.rooms.get(room_id)
        if room is None:
            return False
        needed = room.power_levels.defaults.notifications.get("room", 50)
        return self.power_level(room_id, self.user_id) >= needed

    def power_level(self, room_id: str, user_id: str) -> int:
        if user_id in self._creators.get(room_id, ()):
            return CREATOR_POWER
        room = self.client.rooms.get(room_id)
        return room.power_levels.get_user_level(user_id) if room else 0

    def _convert(self, room_id: str, sources: Iterable[dict[str, Any]]) -> list[Message | Reaction | Redaction]:
        """Incoming events as plain objects: text messages and reactions of others, nothing else."""
        items: list[Message | Reaction | Redaction] = []
        for source in sources:
            sender = source.get("sender")
            content = source.get("content")
            if sender == self.user_id or not isinstance(content, dict) or not isinstance(sender, str):
                continue
            relation = content.get("m.relates_to")
            relates: dict[str, Any] = relation if isinstance(relation, dict) else {}
            common = {
                "room_id": room_id,
                "event_id": source.get("event_id", ""),
                "sender": sender,
                "timestamp_ms": int(source.get("origin_server_ts", 0)),
                "sender_power": self.power_level(room_id, sender),
            }
            kind = source.get("type")
            redacts = source.get("redacts") or content.get("redacts")
            if kind == "m.room.redaction" and isinstance(redacts, str):
                items.append(Redaction(redacts=redacts, **{k: v for k, v in common.items() if k != "sender_power"}))
            elif kind == "m.reaction" and relates.get("rel_type") == "m.annotation":
                if isinstance(relates.get("key"), str) and isinstance(relates.get("event_id"), str):
                    items.append(Reaction(key=relates["key"], target_event_id=relates["event_id"], **common))
            elif kind == "m.room.message" and relates.get("rel_type") == "m.replace":
                edit = self._edit(room_id, relates, content, common)
                if edit is not None:
                    items.append(edit)
            elif (
                kind == "m.room.message"
                and content.get("msgtype") in ("m.text", "m.file")
                and isinstance(content.get("body"), str)
            ):
                body, attachment = strip_reply_fallback(content["body"]), file_ref(content)
                if content.get("msgtype") == "m.file":
                    # a file's caption is its body when a separate filename is given (MSC2530)
                    body = body if content.get("filename") not in (None, body) else ""
                items.append(
                    Message(body=body, attachment=attachment, **self._context(room_id, relates, content), **common)
                )
        return items

    def _context(self, room_id: str, relates: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        """Where a message stands: the message it replies to, its thread, a direct chat, the bot mentioned."""
        in_reply_to = relates.get("m.in_reply_to")
        reply_to = in_reply_to.get("event_id") if isinstance(in_reply_to, dict) else None
        thread_root = None
        if relates.get("rel_type") == "m.thread" and isinstance(relates.get("event_id"), str):
            thread_root = relates["event_id"]
            if relates.get("is_falling_back", True):
                reply_to = None  # the fallback points at the thread's last message; it is no real reply
        mentions = content.get("m.mentions")
        user_ids = mentions.get("user_ids") if isinstance(mentions, dict) else None
        return {
            "reply_to": reply_to if isinstance(reply_to, str) else None,
            "thread_root": thread_root,
            "direct": self.is_direct(room_id),
            "mentions_bot": isinstance(user_ids, list) and self.user_id in user_ids,
        }

    def _edit(
        self, room_id: str, relates: dict[str, Any], content: dict[str, Any], common: dict[str, Any]
    ) -> Message | None:
        """An edit (m.replace) of a text message, as a message carrying the new content; None when malformed.

        The edit refers to the original (an edit of an edit does too); whether its sender may edit it is checked
        against the original by the inbox.
        """
        new = content.get("m.new_content")
        original = relates.get("event_id")
        if (
            not isinstance(new, dict)
            or not isinstance(original, str)
            or new.get("msgtype") != "m.text"
            or not isinstance(new.get("body"), str)
        ):
            return None
        context = self._context(room_id, new.get("m.relates_to") or {}, new)
        context["reply_to"] = None  # m.new_content carries no reply relation; the original's stays in effect
        return Message(body=new["body"], replaces=original, **context, **common)

    def is_direct(self, room_id: str) -> bool:
        """A direct chat: the bot and one other person (joined or invited)."""
        room = self.client.rooms.get(room_id)
        if room is None:
            return False
        return int(getattr(room, "member_count", 0) or 0) == 2 or room_id in self._direct_invites

    async def event_sender(self, room_id: str, event_id: str) -> str | None:
        """Who sent an event of the room (for edits of messages the bot has not recorded); None if unknown."""
        try:
            response = await self.client.room_get_event(room_id, event_id)
        except (aiohttp.ClientError, TimeoutError, OSError):
            return None
        if not isinstance(response, RoomGetEventResponse):
            return None
        sender = response.event.source.get("sender")
        return sender if isinstance(sender, str) else None

    async def own_names(self) -> tuple[str, ...]:
        """What people call the bot at the start of a message: its display name, localpart and user id."""
        localpart = self.user_id.removeprefix("@").partition(":")[0]
        names = [self.user_id, localpart]
        try:
            response = await self.client.get_displayname(self.user_id)
            displayname = getattr(response, "displayname", None)
            if isinstance(displayname, str) and displayname.strip():
                names.insert(0, displayname.strip())
        except (aiohttp.ClientError, TimeoutError, OSError):
            pass
        return tuple(dict.fromkeys(names))

    async def download(self, ref: FileRef, max_bytes: int) -> bytes:
        """A file from the media repository, decrypted if it is an encrypted attachment (refused above max_bytes)."""
        response = await self.client.download(ref.url)
        if not isinstance(response, DownloadResponse):
            raise MediaError(getattr(response, "message", "download failed"))
        if len(response.body) > max_bytes:
            raise MediaError(f"larger than {max_bytes} bytes")
        if ref.key is None:
            return response.body
        try:
            return decrypt_attachment(response.body, ref.key, ref.sha256, ref.iv)
        except (EncryptionError, ValueError, KeyError) as exc:
            raise MediaError(f"cannot decrypt the attachment: {exc}") from None

    async def _event_source(self, room_id: str, event_id: str) -> dict[str, Any] | None:
        """An earlier event of the room as sent (decrypted if needed), or None when it cannot be had."""
        response = await self.client.room_get_event(room_id, event_id)
        if not isinstance(response, RoomGetEventResponse):
            return None
        event = response.event
        if isinstance(event, MegolmEvent) and self.client.olm is not None:
            try:
                event = self.client.decrypt_event(event)
            except EncryptionError:
                return None
        return dict(event.source)

    async def attachment_of(self, room_id: str, event_id: str) -> FileRef | None:
        """The file in a room's message (decrypting the message if needed), if it carries one."""
        source = await self._event_source(room_id, event_id)
        return file_ref(source.get("content", {})) if source is not None else None

    async def posted(self, room_id: str, event_id: str) -> Posted | None:
        """A text message of the room as it was sent (decrypted if needed), or None for anything else."""
        source = await self._event_source(room_id, event_id)
        if source is None:
            return None
        content = source.get("content", {})
        body = content.get("body")
        if source.get("type") != "m.room.message" or not isinstance(body, str):
            return None
        relates = content.get("m.relates_to") or {}
        thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
        return Posted(sender=str(source.get("sender", "")), body=body, thread_root=thread)

    async def join(self, room_id: str) -> bool:
        response = await self.client.join(room_id)
        if isinstance(response, JoinError):
            log.warning("could not join %s: %s", room_id, response.message)
            return False
        return True

    async def leave(self, room_id: str) -> None:
        await self.client.room_leave(room_id)

    async def send_file(self, outgoing: Outgoing) -> str:
        """Upload the attachment to the media repository and post it as m.file (in reply to the command)."""
        attachment = outgoing.attachment
        assert attachment is not None
        room = self.client.rooms.get(outgoing.room_id)
        encrypt = bool(room and room.encrypted and self.client.olm)
        try:
            upload, keys = await self.client.upload(
                io.BytesIO(attachment.data),
                content_type=attachment.mimetype,
                filename=attachment.filename,
                filesize=len(attachment.data),
                encrypt=encrypt,
            )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise SendError(f"upload failed: {type(exc).__name__}", retryable=True) from None
        if not isinstance(upload, UploadResponse):
            raise _send_error(upload)
        content: dict[str, Any] = {
            "msgtype": "m.file",
            "body": attachment.filename,
            "filename": attachment.filename,
            "info": {"mimetype": attachment.mimetype, "size": len(attachment.data)},
            "m.mentions": {},
        }
        if encrypt and keys:
            content["file"] = {"url": upload.content_uri, **keys}
        else:
            content["url"] = upload.content_uri
        relation = relates_to(outgoing)
        if relation:
            content["m.relates_to"] = relation
        return await self._send_content(outgoing, content)

    async def send(self, outgoing: Outgoing) -> str:
        """Send a reply; the transaction id makes a repeated send (after a crash) a no-op. Returns its event id.

        Raises SendError when the homeserver refuses it.
        """
        reply = outgoing.reply
        content: dict[str, Any] = {
            "msgtype": "m.notice" if reply.notice else "m.text",
            "body": reply.text,
            "format": "org.matrix.custom.html",
            "formatted_body": reply.html,
            "m.mentions": {"user_ids": list(outgoing.mentions)} if outgoing.mentions else {},
        }
        if outgoing.room_mention and self.may_notify_room(outgoing.room_id):
            content["body"] = "@room " + content["body"]
            content["formatted_body"] = "@room " + content["formatted_body"]
            content["m.mentions"]["room"] = True
        if outgoing.replaces:
            content = edit_content(content, outgoing.replaces)
        else:
            relation = relates_to(outgoing)
            if relation:
                content["m.relates_to"] = relation
        return await self._send_content(outgoing, content)

    async def _send_content(self, outgoing: Outgoing, content: dict[str, Any]) -> str:
        try:
            response = await self.client.room_send(
                outgoing.room_id, "m.room.message", content, tx_id=outgoing.txn_id, ignore_unverified_devices=True
            )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise SendError(f"no answer from the homeserver: {type(exc).__name__}", retryable=True) from None
        if isinstance(response, RoomSendResponse) and response.event_id:
            return response.event_id
        error = _send_error(response)
        log.warning("could not send to %s: %s", outgoing.room_id, error.reason)
        raise error

    async def typing(self, room_id: str, typing: bool) -> None:
        """Show (or stop showing) that the bot is working on something in the room; best effort."""
        try:
            await self.client.room_typing(room_id, typing_state=typing, timeout=TYPING_TIMEOUT_MS)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.debug("typing notice to %s not sent: %s", room_id, exc)
