"""``TelegramFront``: the Telegram bot (python-telegram-bot, long polling) as one more front end.

Commands reach the bot through the RPC facade, like the REST API; notifications come off the bus
through ``TelegramChannel``, a channel like the webhook's. Only the configured chat (and topic)
is answered, and, when ``authorized_users`` is set, only those users in it; anything else is
logged and left without an answer.

The bot token is part of every Bot API URL, so the HTTP client's request log (which prints URLs)
is kept at WARNING, and failures are logged by their kind only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from ftserver.config import Settings
from ftserver.config.sections import TelegramSettings
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.core.messages import Message, MessageType
from ftserver.errors import FtServerError
from ftserver.notify.candles import LastCandles
from ftserver.notify.channel import Channel
from ftserver.notify.delivery import RetryPolicy
from ftserver.notify.placeholders import NOTIFIABLE_TYPES
from ftserver.notify.policy import Loudness, loudness, may_send
from ftserver.rpc.access_port import AccessStore
from ftserver.rpc.facade import Rpc
from ftserver.telegram.audit import REFUSED, CommandAudit
from ftserver.telegram.commands import (
    ALIASES,
    COMMANDS,
    REFRESHABLE,
    CommandContext,
    canonical,
    changes_state,
    run_command,
)
from ftserver.telegram.notices import notice_text
from ftserver.telegram.replies import Buttons, Reply, esc

log = logging.getLogger(__name__)

DEFAULT_KEYBOARD = (("/daily", "/profit", "/balance"), ("/status", "/status table", "/performance"),
                    ("/count", "/start", "/stop", "/help"))  # fmt: skip
MAX_TEXT = 4000  # Telegram refuses messages over 4096 characters


def _chunks(text: str) -> list[str]:
    """``text`` in pieces Telegram accepts, cut between paragraphs (never inside a tag)."""
    pieces: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) > MAX_TEXT and current:
            pieces.append(current)
            candidate = block
        current = candidate
    pieces.append(current[: MAX_TEXT + 96])
    return pieces


class TelegramChannel(Channel):
    """Notifications to the configured chat, with freqtrade's Telegram notification settings."""

    name = "telegram"

    def __init__(
        self,
        front: TelegramFront,
        *,
        dry_run: bool,
        clock: Clock,
        candles: LastCandles | None,
        bus: MessageBus,
    ) -> None:
        super().__init__(bus, queue_size=front.settings.queue_size)
        self.front = front
        self.dry_run = dry_run
        self.clock = clock
        self.candles = candles
        self.retry = RetryPolicy(front.settings.retries, front.settings.retry_delay)

    def types(self) -> Iterable[MessageType]:
        s = self.front.settings
        return [
            kind
            for kind in NOTIFIABLE_TYPES
            if may_send(s.notification_settings, kind, allow_custom_messages=s.allow_custom_messages)
        ]

    def text(self, message: Message) -> tuple[str, bool] | None:
        """(text, silent) for ``message``, or None when it is not sent."""
        s = self.front.settings
        level = loudness(s.notification_settings, message, allow_custom_messages=s.allow_custom_messages)
        if level is Loudness.OFF:
            return None
        pair = message.data.get("pair") if isinstance(message.data, dict) else None
        candle = None
        if s.notification_settings.show_candle == "ohlc" and self.candles is not None and isinstance(pair, str):
            candle = self.candles.get(pair)
        text = notice_text(message, dry_run=self.dry_run, candle=candle)
        return None if text is None else (text, level is Loudness.SILENT)

    async def deliver(self, message: Message) -> bool | None:
        composed = self.text(message)
        if composed is None:
            return None
        await self.front.ready.wait()
        text, silent = composed
        attempts = self.retry.retries + 1
        wait = 0.0
        for attempt in range(attempts):
            if attempt:
                await self.clock.sleep(max(wait, self.retry.delay_before(attempt)))
            try:
                await self.front.send(text, silent=silent)
                return True
            except RetryAfter as exc:
                # Telegram's flood control says how long to wait.
                after = exc.retry_after
                wait = after.total_seconds() if isinstance(after, timedelta) else float(after)
                log.warning("telegram: flood control, waiting %g s before sending again", wait)
            except TelegramError as exc:
                log.warning(
                    "telegram: could not deliver %s #%d (attempt %d of %d): %s",
                    message.type.value,
                    message.seq,
                    attempt + 1,
                    attempts,
                    type(exc).__name__,
                )
        return False


class TelegramFront:
    def __init__(
        self,
        settings: Settings,
        bus: MessageBus,
        rpc: Rpc,
        *,
        clock: Clock,
        poll_timeout: float = 10.0,
        audit: AccessStore | None = None,
    ) -> None:
        self.settings: TelegramSettings = settings.telegram
        self._audit = CommandAudit(audit, clock) if audit is not None else None
        show_candle = self.settings.notification_settings.show_candle == "ohlc"
        self.candles = LastCandles(bus) if show_candle else None
        self.ready = asyncio.Event()
        self.rejected = 0
        self._poll_timeout = poll_timeout
        self._clock = clock
        self._context = CommandContext(rpc=rpc, settings=self.settings, stake_currency=settings.stake_currency)
        self._chat_id = int(self.settings.chat_id)
        self._topic_id = int(self.settings.topic_id) if self.settings.topic_id else None
        api = self.settings.api_url.rstrip("/")
        self._app: Application[Any, Any, Any, Any, Any, Any] = (
            Application.builder()
            .token(self.settings.token)
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .read_timeout(self.settings.timeout)
            .write_timeout(self.settings.timeout)
            .connect_timeout(self.settings.timeout)
            .get_updates_read_timeout(poll_timeout + self.settings.timeout)
            .build()
        )
        self._app.add_handler(MessageHandler(filters.COMMAND, self._on_command))
        self._app.add_handler(CallbackQueryHandler(self._on_button))
        self.channel = TelegramChannel(self, dry_run=settings.dry_run, clock=clock, candles=self.candles, bus=bus)
        self._starter: asyncio.Task[None] | None = None

    @property
    def bot(self) -> Bot:
        bot: Bot = self._app.bot
        return bot

    # ---- life ------------------------------------------------------------------------------
    async def start(self) -> None:
        # Each Bot API URL holds the token: the HTTP client's request log must stay quiet.
        # Its own level, so a root logger turned to INFO or DEBUG later still leaves it out.
        httpx_log = logging.getLogger("httpx")
        httpx_log.setLevel(max(logging.WARNING, httpx_log.level))
        # The library logs its API URL at DEBUG; never make it chattier than it already is.
        library_log = logging.getLogger("telegram")
        if library_log.getEffectiveLevel() < logging.INFO:
            library_log.setLevel(logging.INFO)
        if self.candles is not None:
            await self.candles.start()
        self.channel.start()
        self._starter = asyncio.get_running_loop().create_task(self._connect(), name="telegram-connect")

    async def _connect(self) -> None:
        """Reach the Bot API (retrying with growing waits: the network may come later), then poll."""
        wait = RetryPolicy(retries=0, delay=self.settings.retry_delay or 1.0, max_delay=300)
        attempt = 0
        while True:
            try:
                await self._app.initialize()
                break
            except TelegramError as exc:
                attempt += 1
                log.warning("Telegram: cannot reach the Bot API (%s); trying again", type(exc).__name__)
                # Wall time, not the bot's clock: the network comes back in real seconds.
                await asyncio.sleep(wait.delay_before(attempt))
        await self._app.start()
        updater = self._app.updater
        if updater is not None:
            await updater.start_polling(timeout=timedelta(seconds=self._poll_timeout), allowed_updates=Update.ALL_TYPES)
        self.ready.set()
        log.info("Telegram is listening to chat %s", self._chat_id)

    async def close(self, *, grace: float = 5.0) -> None:
        await self.channel.close(grace=grace)
        if self.candles is not None:
            await self.candles.close()
        if self._starter is not None and not self._starter.done():
            self._starter.cancel()
            await asyncio.gather(self._starter, return_exceptions=True)
        if self.ready.is_set():
            updater = self._app.updater
            if updater is not None and updater.running:
                await updater.stop()
            if self._app.running:
                await self._app.stop()
            await self._app.shutdown()

    # ---- sending ---------------------------------------------------------------------------
    def _keyboard(self, buttons: Buttons) -> InlineKeyboardMarkup | ReplyKeyboardMarkup:
        if buttons:
            return InlineKeyboardMarkup(
                [[InlineKeyboardButton(text=label, callback_data=data) for label, data in row] for row in buttons]
            )
        rows = self.settings.keyboard or DEFAULT_KEYBOARD
        return ReplyKeyboardMarkup([list(row) for row in rows], resize_keyboard=True)

    async def send(self, text: str, *, silent: bool = False, buttons: Buttons = ()) -> None:
        for piece in _chunks(text):
            await self.bot.send_message(
                self._chat_id,
                piece,
                parse_mode=ParseMode.HTML,
                disable_notification=silent,
                message_thread_id=self._topic_id,
                reply_markup=self._keyboard(buttons),
            )

    # ---- receiving -------------------------------------------------------------------------
    def _in_chat(self, update: Update) -> bool:
        """From the configured chat (and topic)."""
        message, chat = update.effective_message, update.effective_chat
        if chat is None or chat.id != self._chat_id:
            return False
        return self._topic_id is None or (message is not None and message.message_thread_id == self._topic_id)

    def authorized(self, update: Update) -> bool:
        """Only the configured chat (and topic), and in it only the authorized users when listed."""
        chat = update.effective_chat
        user = update.effective_user
        if not self._in_chat(update):
            self.rejected += 1
            if chat is None or chat.id != self._chat_id:
                log.info("Telegram: rejected a message from unauthorized chat %s", chat.id if chat else "?")
            return False
        allowed = self.settings.authorized_users
        if allowed and (user is None or (str(user.id) not in allowed and (user.username or "") not in allowed)):
            self.rejected += 1
            log.info("Telegram: rejected a command from unauthorized user %s", user.id if user else "?")
            return False
        return True

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        words = message.text.split()
        name = words[0][1:].split("@", 1)[0].lower()
        args = words[1:]
        if not self.authorized(update):
            # A member of the chat who is not an authorized user tried a control command: recorded, as
            # a refused REST request is. Other chats are not: anyone on Telegram can write to the bot.
            known = name in COMMANDS or name in ALIASES
            if self._audit is not None and known and self._in_chat(update) and changes_state(name, args):
                await self._audit.record(update, canonical(name), args, REFUSED, button=False, authorized=False)
            return
        if name not in COMMANDS and name not in ALIASES:
            return
        reply = await run_command(self._context, name, args)
        if self._audit is not None and changes_state(name, args):
            await self._audit.record(update, canonical(name), args, reply, button=False)
        await self._answer(reply)

    async def _answer(self, reply: Reply) -> None:
        try:
            await self.send(reply.text, buttons=reply.buttons)
        except TelegramError as exc:
            log.warning("Telegram: could not answer a command: %s", type(exc).__name__)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or not self.authorized(update):
            return
        data = query.data or ""
        with contextlib.suppress(TelegramError):
            await query.answer()
        if data in REFRESHABLE:
            name, args = REFRESHABLE[data]
            await self._edit(query, await run_command(self._context, name, args))
        elif data.startswith("force_exit__"):
            target = data.removeprefix("force_exit__")
            reply = await self._force_exit(target)
            await self._record_button(update, "forceexit", target, reply)
            await self._edit(query, reply)
        elif data.startswith("force_enter__"):
            target = data.removeprefix("force_enter__")
            reply = await self._force_enter(target)
            await self._record_button(update, "forcelong", target.partition("_||_")[0], reply)
            await self._edit(query, reply)

    async def _record_button(self, update: Update, command: str, target: str, reply: Reply) -> None:
        if self._audit is not None and target != "cancel":
            await self._audit.record(update, command, [target], reply, button=True)

    async def _force_exit(self, target: str) -> Reply:
        if target == "cancel":
            return Reply("Force exit cancelled.")
        try:
            return Reply(esc((await self._context.rpc.force_exit(target)).result))
        except FtServerError as exc:
            return Reply(f"Error: {esc(exc.message)}", error=exc.message)

    async def _force_enter(self, target: str) -> Reply:
        if target == "cancel":
            return Reply("Force entry cancelled.")
        pair, _, side = target.partition("_||_")
        try:
            trade = await self._context.rpc.force_enter(pair, side=side or "long")
        except FtServerError as exc:
            return Reply(f"Error: {esc(exc.message)}", error=exc.message)
        return Reply(f"Entered {esc(trade.pair)} (trade {esc(trade.trade_id)}).", trade_id=trade.trade_id)

    async def _edit(self, query: CallbackQuery, reply: Reply) -> None:
        markup = self._keyboard(reply.buttons) if reply.buttons else None
        try:
            await query.edit_message_text(
                _chunks(reply.text)[0],
                parse_mode=ParseMode.HTML,
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )
        except TelegramError as exc:
            # "Message is not modified" (a refresh with nothing new) is one of these too.
            log.debug("Telegram: could not edit a message: %s", type(exc).__name__)
