"""A real SMTP server for tests (aiosmtpd), on a free local port, with ways to misbehave."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller

ACCEPT = "accept"
REFUSE_RCPT = "refuse_rcpt"  # 550 to every recipient
REFUSE_DATA = "refuse_data"  # 554 after DATA: not accepted
DROP_BEFORE = "drop_before"  # the connection drops after DATA, before any reply: not accepted
DROP_AFTER = "drop_after"  # 250 after DATA, then the connection drops: accepted


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> Message:
        return email.message_from_bytes(self.raw, policy=default)


@dataclass
class Handler:
    mode: str = ACCEPT
    accepted: list[Delivered] = field(default_factory=list)  # what the server answered 250 to
    offered: int = 0  # DATA transactions seen, accepted or not
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.mode == REFUSE_RCPT:
            return "550 5.1.1 Người nhận không tồn tại"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.offered += 1
        if self.mode == REFUSE_DATA:
            return "554 5.7.1 Thư bị từ chối"
        if self.mode == DROP_BEFORE:
            server.transport.close()
            return "250 OK"  # never reaches the client
        with self.lock:
            self.accepted.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if self.mode == DROP_AFTER:
            await server.push("250 OK")
            server.transport.close()
            return "421 closing"  # never reaches the client
        return "250 OK"


class SmtpServer:
    def __init__(self, **kw: Any) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kw)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def secrets(self) -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": self.port, "security": "none", "sender": "thiduakhenthuong@ldld.vn",
                "sender_name": "LĐLĐ tỉnh Bắc Kạn"}
