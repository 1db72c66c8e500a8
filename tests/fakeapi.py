"""A stand-in Telegram Bot API server on 127.0.0.1, for end-to-end tests of the real Application.

It speaks the same HTTP as api.telegram.org (`POST /bot<token>/<method>`, form-encoded
parameters, `{"ok": true, "result": ...}` answers), so python-telegram-bot talks to it through
`ApplicationBuilder().base_url(api.base_url)` without knowing. Tests push updates into a queue
that getUpdates long-polls, and read back what the bot sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

BOT_USER = {"id": 7000001, "is_bot": True, "first_name": "debtdesk", "username": "debtdesk_bot"}
JSON_ARGS = {"reply_markup", "commands", "scope", "allowed_updates", "link_preview_options", "entities",
             "prices"}
INT_ARGS = {"chat_id", "offset", "limit", "timeout", "message_id"}
BOOL_ARGS = {"ok"}


@dataclass
class Sent:
    """One message the bot sent."""

    chat_id: int
    text: str
    reply_markup: dict | None
    message_id: int

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, in reading order."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]

    def data_for(self, label: str) -> str:
        """The callback data of the button labelled exactly so, else of the one whose label holds it."""
        exact = [data for text, data in self.buttons if text == label]
        found = exact or [data for text, data in self.buttons if label in text]
        assert len(found) == 1, f"{len(found)} buttons match {label!r}: {self.buttons}"
        return found[0]

    @property
    def asks_contact(self) -> bool:
        rows = (self.reply_markup or {}).get("keyboard", [])
        return any(b.get("request_contact") for row in rows for b in row)


@dataclass
class _Queued:
    update: dict
    forced: bool  # pushed again on purpose: delivered once whatever the offset says


@dataclass
class FakeBotAPI:
    token: str = "123456:TEST-token"
    sent: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict]] = field(default_factory=list)
    answered_callbacks: list[str] = field(default_factory=list)
    commands: dict[str, list[dict]] = field(default_factory=dict)  # language_code -> commands
    # method -> (HTTP status, description), answered instead of the real thing until popped.
    failures: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    invoices: list[dict] = field(default_factory=list)  # sendInvoice's arguments, in order
    precheckout_answers: dict[str, dict] = field(default_factory=dict)  # query id -> answerPreCheckoutQuery

    def __post_init__(self) -> None:
        self._queue: list[_Queued] = []
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1001)
        self._message_ids = itertools.count(1)
        self._read: dict[int, int] = {}
        self._server: HTTPServer | None = None
        self.port = 0

    # --- the server ---------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeBotAPI:
        """Listen on `port` (a free one when 0): a test may bring the API up where a bot waits."""
        app = tornado.web.Application([(r"/bot([^/]+)/(\w+)", _Handler, {"api": self})])
        sockets = bind_sockets(port, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    @property
    def base_url(self) -> str:
        """What ApplicationBuilder.base_url wants: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def call(self, method: str, args: dict[str, Any]) -> tuple[int, Any]:
        self.calls.append((method, args))
        await self._notify()  # wakes wait_for_call
        if self.failures.get(method):
            return self.failures[method].pop(0)
        if method == "getUpdates":
            return 200, await self._get_updates(args)
        handler = getattr(self, f"_m_{method}", None)
        return 200, (handler(args) if handler else True)

    # --- Bot API methods ------------------------------------------------------------------

    def _m_getMe(self, args: dict) -> dict:
        return {
            **BOT_USER,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _m_sendMessage(self, args: dict) -> dict:
        message_id = next(self._message_ids)
        sent = Sent(args["chat_id"], args.get("text", ""), args.get("reply_markup"), message_id)
        self.sent.append(sent)
        asyncio.get_running_loop().create_task(self._notify())
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": sent.chat_id, "type": "private"},
            "text": sent.text,
        }
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    def _m_sendInvoice(self, args: dict) -> dict:
        """An invoice is a message of its own; tests read its arguments from `invoices`."""
        self.invoices.append(args)
        asyncio.get_running_loop().create_task(self._notify())
        total = sum(int(price["amount"]) for price in args["prices"])
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": int(args["chat_id"]), "type": "private"},
            "invoice": {"title": args["title"], "description": args["description"], "start_parameter": "",
                        "currency": args["currency"], "total_amount": total},
        }

    def _m_answerPreCheckoutQuery(self, args: dict) -> bool:
        self.precheckout_answers[args["pre_checkout_query_id"]] = args
        asyncio.get_running_loop().create_task(self._notify())
        return True

    def _m_answerCallbackQuery(self, args: dict) -> bool:
        self.answered_callbacks.append(args["callback_query_id"])
        return True

    def _m_setMyCommands(self, args: dict) -> bool:
        self.commands[args.get("language_code", "")] = args["commands"]
        return True

    def _m_getMyCommands(self, args: dict) -> list[dict]:
        return self.commands.get(args.get("language_code", ""), [])

    async def _get_updates(self, args: dict) -> list[dict]:
        offset, limit = args.get("offset", 0), args.get("limit", 100)
        deadline = time.monotonic() + float(args.get("timeout", 0))
        async with self._changed:
            while True:
                # Telegram forgets every update below the offset: the bot confirmed it.
                self._queue = [q for q in self._queue if q.forced or q.update["update_id"] >= offset]
                if self._queue or time.monotonic() >= deadline:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
            batch = self._queue[:limit]
            self._queue = [q for q in self._queue if not (q.forced and q in batch)]
            return [q.update for q in batch]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- what tests push -------------------------------------------------------------------

    def push_raw(self, update: dict) -> dict:
        """Deliver exactly this update, even one delivered before (Telegram retrying)."""
        self._queue.append(_Queued(update, forced=True))
        asyncio.get_running_loop().create_task(self._notify())
        return update

    def _push(self, payload: dict) -> dict:
        update = {"update_id": next(self._ids), **payload}
        self._queue.append(_Queued(update, forced=False))
        asyncio.get_running_loop().create_task(self._notify())
        return update

    def _message(self, chat_id: int, user_id: int | None, language: str, **content: Any) -> dict:
        chat_type = "private" if chat_id > 0 else "group"  # Telegram's group ids are negative
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
            "from": user(user_id or chat_id, language),
            **content,
        }

    def push_text(self, chat_id: int, text: str, *, user_id: int | None = None, language: str = "en") -> dict:
        return self._push({"message": self._message(chat_id, user_id, language, text=text)})

    def push_command(
        self, chat_id: int, command: str, args: str = "", *, user_id: int | None = None, language: str = "en"
    ) -> dict:
        """`/command args`, with the bot_command entity Telegram attaches."""
        text = f"/{command}" + (f" {args}" if args else "")
        entity = {"type": "bot_command", "offset": 0, "length": len(command) + 1}
        return self._push(
            {"message": self._message(chat_id, user_id, language, text=text, entities=[entity])}
        )

    def push_button(
        self, chat_id: int, data: str, *, user_id: int | None = None, language: str = "en"
    ) -> dict:
        message = {
            "message_id": 1,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private"},
            "text": "...",
        }
        query = {
            "id": f"cq{next(self._ids)}",
            "from": user(user_id or chat_id, language),
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": message,
        }
        return self._push({"callback_query": query})

    def push_contact(
        self,
        chat_id: int,
        phone: str,
        *,
        contact_user_id: int | None,
        user_id: int | None = None,
        language: str = "en",
    ) -> dict:
        contact = {"phone_number": phone, "first_name": "Contact"}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._push({"message": self._message(chat_id, user_id, language, contact=contact)})

    def push_pre_checkout(self, chat_id: int, invoice: dict, *, total: int | None = None,
                          language: str = "en") -> dict:
        """Telegram's question before it charges the invoice sent to chat_id (a private chat:
        the payer is the chat); `total` overrides the invoice's amount in minor units."""
        amount = sum(int(p["amount"]) for p in invoice["prices"]) if total is None else total
        query = {"id": f"pcq{next(self._ids)}", "from": user(chat_id, language),
                 "currency": invoice["currency"], "total_amount": amount,
                 "invoice_payload": invoice["payload"]}
        return self._push({"pre_checkout_query": query})

    def successful_payment(self, chat_id: int, invoice: dict, charge_id: str, *,
                           language: str = "en") -> dict:
        """The service message of a payment Telegram made for the invoice: an update to push."""
        total = sum(int(p["amount"]) for p in invoice["prices"])
        payment = {"currency": invoice["currency"], "total_amount": total,
                   "invoice_payload": invoice["payload"], "telegram_payment_charge_id": charge_id,
                   "provider_payment_charge_id": f"prov-{charge_id}"}
        return {"update_id": next(self._ids),
                "message": self._message(chat_id, None, language, successful_payment=payment)}

    def push_successful_payment(self, chat_id: int, invoice: dict, charge_id: str, *,
                                language: str = "en") -> dict:
        return self.push_raw(self.successful_payment(chat_id, invoice, charge_id, language=language))

    async def wait_for_precheckout_answer(self, query_id: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while query_id not in self.precheckout_answers:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"pre-checkout query {query_id} not answered within {timeout}s")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    pass
        return self.precheckout_answers[query_id]

    def push_sticker(self, chat_id: int, *, language: str = "en") -> dict:
        sticker = {
            "file_id": "s1",
            "file_unique_id": "u1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self._push({"message": self._message(chat_id, None, language, sticker=sticker)})

    async def wait_for_messages(self, chat_id: int, n: int = 1, timeout: float = 5.0) -> list[Sent]:
        """The next n messages sent to chat_id (after those already returned), waiting for them."""
        start = self._read.get(chat_id, 0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while len(self.to(chat_id)) < start + n:
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [m.text for m in self.to(chat_id)[start:]]
                    raise AssertionError(
                        f"chat {chat_id}: wanted {n} new messages within {timeout}s, got {got}"
                    )
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    pass
        self._read[chat_id] = start + n
        return self.to(chat_id)[start : start + n]

    async def wait_for_call(self, method: str, *, after: int = 0, timeout: float = 5.0) -> tuple[str, dict]:
        """The first call of `method` at or after index `after` of `calls`, waiting for it (an
        event from the stand-in, not a sleep loop): e.g. the first getUpdates of a new start."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                found = [call for call in self.calls[after:] if call[0] == method]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {method} call within {timeout}s")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    pass

    def to(self, chat_id: int) -> list[Sent]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def unread(self, chat_id: int) -> list[Sent]:
        return self.to(chat_id)[self._read.get(chat_id, 0) :]


def user(user_id: int, language: str) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Debtor", "language_code": language}


class _Handler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotAPI) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        if token != self.api.token:
            self.set_status(401)
            self.finish({"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        status, result = await self.api.call(method, self._arguments())
        self.set_status(status)
        if status == 200:
            self.finish({"ok": True, "result": result})
        else:
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": result}
            if status == 429:
                body["parameters"] = {"retry_after": 1}
            self.finish(body)

    get = post

    def _arguments(self) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if self.request.headers.get("Content-Type", "").startswith("application/json") and self.request.body:
            return json.loads(self.request.body)
        for name in self.request.body_arguments:
            value = self.get_body_argument(name)
            if name in JSON_ARGS:
                args[name] = json.loads(value)
            elif name in INT_ARGS:
                args[name] = int(value)
            elif name in BOOL_ARGS:
                args[name] = value.lower() == "true"
            else:
                args[name] = value
        return args

    def on_connection_close(self) -> None:
        # PTB cancels a pending getUpdates when it stops; nothing to clean up here.
        pass
