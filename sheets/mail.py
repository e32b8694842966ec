"""Sending reminders by e-mail (SPEC 8), with smtplib; no Streamlit.

Each message is one SMTP transaction; the server has accepted it when it answers 250 after
DATA. Only then are its ``NhacViec`` records written, through the door, with a write id
derived from the batch and the unit, so:

- a message the server refused, or that was cut off before the server answered, records
  nothing and stays selected for the next try;
- a message the server accepted is remembered in the ``Outbox`` (kept by the screen between
  tries) before it is recorded: a retry records it (the door never doubles a write id) and
  never sends it again.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from sheets import reminders as R
from sheets import schema as S
from sheets.errors import PermissionDenied, ValidationError
from sheets.parse import ERROR, parse_rows
from sheets.stores.base import Store
from sheets.write import actor_for, append

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # the From address
    security: str = "starttls"
    user: str | None = None
    password: str | None = None
    sender_name: str = ""
    cafile: str | None = None  # a private CA (a test server, an internal relay)
    timeout: float = 20.0

    @classmethod
    def from_secrets(cls, section: Mapping[str, Any] | None) -> SmtpConfig:
        """From ``[tdkt.smtp]``: host, port, starttls or ssl, user, password, sender."""
        if not section or not section.get("host") or not section.get("sender"):
            raise ValidationError("Chưa cấu hình máy chủ gửi thư: cần mục [tdkt.smtp] với host, port, sender "
                                  "trong .streamlit/secrets.toml.")
        security = str(section.get("security") or "").strip().lower()
        if not security:
            security = "ssl" if _true(section.get("ssl")) else "none" if section.get("starttls") is False else "starttls"
        if security not in SECURITY:
            raise ValidationError(f"[tdkt.smtp] security = «{security}» không hợp lệ: dùng starttls, ssl hoặc none.")
        port = int(section.get("port") or (465 if security == "ssl" else 587))
        return cls(host=str(section["host"]), port=port, sender=str(section["sender"]), security=security,
                   user=str(section["user"]) if section.get("user") else None,
                   password=str(section["password"]) if section.get("password") else None,
                   sender_name=str(section.get("sender_name") or ""),
                   cafile=str(section["cafile"]) if section.get("cafile") else None,
                   timeout=float(section.get("timeout") or 20))


def _true(v: object) -> bool:
    return v is True or (isinstance(v, str) and v.strip().lower() in {"1", "true", "yes", "có"})


@dataclass
class Outbox:
    """What a screen keeps between tries of one batch (in ``st.session_state``)."""

    batch: str  # record codes and write ids are derived from it
    accepted: dict[str, str] = field(default_factory=dict)  # unit -> Message-ID the server accepted
    to: dict[str, list[str]] = field(default_factory=dict)  # unit -> recipients the server accepted
    recorded: set[str] = field(default_factory=set)  # units whose records are written


@dataclass(frozen=True)
class SendReport:
    sent: list[str]  # units whose message is accepted and recorded (now or on an earlier try)
    failed: dict[str, str]  # unit -> why it was not sent (nothing recorded)
    unrecorded: dict[str, str]  # accepted, but the record could not be written yet (retry: no resend)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unrecorded


def write_id(batch: str, unit: str) -> str:
    return "W" + hashlib.sha1(f"{batch}|{unit}".encode()).hexdigest()[:20].upper()


def build_email(msg: R.Message, config: SmtpConfig, *, message_id: str) -> EmailMessage:
    em = EmailMessage()
    em["From"] = formataddr((config.sender_name, config.sender)) if config.sender_name else config.sender
    em["To"] = ", ".join(msg.to)
    em["Subject"] = msg.subject
    em["Date"] = formatdate(localtime=True)
    em["Message-ID"] = message_id
    em.set_content(msg.body, charset="utf-8")
    return em


def connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=config.cafile) if config.security != "none" else None
    smtp: smtplib.SMTP
    if config.security == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        if config.security == "starttls":
            smtp.starttls(context=context)
    smtp.ehlo()
    if config.user:
        _login(smtp, config.user, config.password or "")
    return smtp


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """``smtplib`` sends user and password as ASCII only; a Vietnamese password goes as AUTH
    PLAIN in UTF-8 (RFC 4616), which is what such a server expects."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, resp = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "máy chủ thư từ chối người nhận: " + ", ".join(exc.recipients)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"máy chủ thư từ chối ({exc.smtp_code} {text})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "mất kết nối với máy chủ thư trước khi thư được nhận"
    if isinstance(exc, OSError):
        return f"không kết nối được máy chủ thư ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _check(ds: Any, user: Any, rows: list[dict[str, Any]]) -> None:
    """What the door would say, before anything is sent."""
    parsed = parse_rows(S.NHAC_VIEC, rows, spreadsheet="(thư)")
    bad = [p for p in parsed.problems if p.severity == ERROR]
    if bad or len(parsed.frame) != len(rows):
        raise ValidationError("; ".join(f"{p.column}: {p.message}" for p in bad) or "Dòng không hợp lệ.", bad)
    R.check_write(ds, user, parsed.frame)


def send_reminders(
    store: Store,
    ds: Any,
    actor: str,
    messages: Sequence[R.Message],
    config: SmtpConfig,
    outbox: Outbox,
    *,
    day: date,
    opener: Callable[[SmtpConfig], smtplib.SMTP] = connect,
) -> SendReport:
    """Send each message once and record it; see the module text for what a failure leaves."""
    user = actor_for(ds, actor)
    sent: list[str] = []
    failed: dict[str, str] = {}
    unrecorded: dict[str, str] = {}
    smtp: smtplib.SMTP | None = None
    cut = ""  # set when the connection broke: the rest waits for the next try
    try:
        for msg in messages:
            unit = msg.unit
            if unit in outbox.recorded:
                sent.append(unit)
                continue
            if unit not in outbox.accepted:
                if cut:
                    failed[unit] = cut
                    continue
                if not msg.to:
                    failed[unit] = "đơn vị chưa có địa chỉ e-mail (DonVi.Email hoặc e-mail cán bộ)"
                    continue
                rows = msg.records(channel="Email", day=day, batch=outbox.batch)
                try:
                    _check(ds, user, rows)
                except (PermissionDenied, ValidationError) as exc:
                    failed[unit] = str(exc)
                    continue
                domain = config.sender.rpartition("@")[2] or None
                mid = make_msgid(idstring=write_id(outbox.batch, unit)[1:13], domain=domain)
                try:
                    if smtp is None:
                        smtp = opener(config)
                    refused = smtp.send_message(build_email(msg, config, message_id=mid),
                                                from_addr=config.sender, to_addrs=list(msg.to))
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    cut = _reason(exc)
                    failed[unit] = cut
                    smtp = None
                    continue
                except smtplib.SMTPException as exc:
                    failed[unit] = _reason(exc)
                    continue
                # 250 after DATA: accepted. Remember it before anything else can fail.
                outbox.accepted[unit] = mid
                outbox.to[unit] = [a for a in msg.to if a not in refused]
            rows = msg.records(channel="Email", day=day, batch=outbox.batch)
            for r in rows:
                r["to"] = ", ".join(outbox.to.get(unit, msg.to))
            try:
                append(store, "NhacViec", rows, actor, dataset=ds, write_id=write_id(outbox.batch, unit))
            except Exception as exc:  # the door's TdktError, or a store failing in its own way
                unrecorded[unit] = str(exc)
                continue
            outbox.recorded.add(unit)
            sent.append(unit)
    finally:
        if smtp is not None:
            with contextlib.suppress(Exception):  # accepted is accepted; a dropped goodbye changes nothing
                smtp.quit()
    return SendReport(sent, failed, unrecorded)


def record_manual(
    store: Store, ds: Any, actor: str, messages: Sequence[R.Message], *, channel: str, day: date, batch: str,
) -> Any:
    """Record reminders given by hand (Zalo, phone, letter) after their text was copied: one
    write for the batch, so a retry with the same batch is never doubled."""
    rows = [r for m in messages for r in m.records(channel=channel, day=day, batch=batch)]
    return append(store, "NhacViec", rows, actor, dataset=ds, write_id=write_id(batch, channel))
