"""E-mail reminders against a real SMTP server (aiosmtpd, started here on a free port).

Recipients, subject, Vietnamese body and encoding; a refusing server; a connection dropped
before and after the server accepts a message; nothing recorded for an unsent message; no
accepted message sent twice on retry.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import ssl
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from indicators import followup as FU
from sheets import clock
from sheets import schema as S
from sheets.errors import ValidationError
from sheets.load import load
from sheets.mail import Outbox, SmtpConfig, send_reminders
from sheets.stores.memory import MemoryStore
from tests import fixtures as F
from tests import smtp_server as SM

A = date(2025, 12, 31)
OFFICER = "h1@x.vn"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    clock.set_now("2025-12-31T10:00:00")
    yield
    clock.set_now(None)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SM.SmtpServer]:
    server = SM.SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture()
def server(smtp: SM.SmtpServer) -> SM.SmtpServer:
    smtp.handler.mode = SM.ACCEPT
    smtp.handler.accepted.clear()
    smtp.handler.offered = 0
    return smtp


class FlakyStore(MemoryStore):
    """Appends fail while ``broken`` (the sheet is unreachable right after the mail went out)."""

    broken = False

    def append_rows(self, *a: Any, **kw: Any) -> Any:
        if self.broken:
            raise ConnectionError("Google Sheets không trả lời")
        return super().append_rows(*a, **kw)


@pytest.fixture()
def store() -> FlakyStore:
    sheets = F.province()
    units = [dict(u) for u in F.UNITS]
    units[5] = {**units[5], "email": "c1@cd.vn"}  # C1
    units[10] = {**units[10], "email": "c6@cd.vn"}  # C6
    sheets["registry"]["DonVi"] = F.grid(S.DON_VI, units)
    officers = [dict(o) for o in F.OFFICERS_H1]
    officers[0] = {**officers[0], "email": "cb1@cd.vn"}  # CB1 of C1
    sheets["H1"]["CanBo"] = F.grid(S.CAN_BO, officers)
    return FlakyStore(sheets)


def messages(store: MemoryStore) -> tuple[Any, list[Any]]:
    ds = load(store)
    fl = FU.follow_up(ds, 2025, A, "H1")[S.TOPIC_PLAN]
    msgs = FU.build_messages(ds, fl, ["C1", "C6"], sender="H1", year=2025, as_of=A, respond_by=date(2026, 1, 10),
                             app_url="https://tdkt.example.vn/don-doc")
    return ds, msgs


def send(store: MemoryStore, server: SM.SmtpServer, outbox: Outbox) -> Any:
    ds, msgs = messages(store)
    cfg = SmtpConfig.from_secrets(server.secrets())
    return send_reminders(store, ds, OFFICER, msgs, cfg, outbox, day=A)


def recorded(store: MemoryStore) -> list[tuple[str, str, str]]:
    f = load(store).frames["NhacViec"]
    return sorted(zip(f["unit"], f["channel"], f["to"], strict=True))


def accepted_units(server: SM.SmtpServer) -> list[str]:
    return sorted(str(d.message["To"]) for d in server.handler.accepted)


def test_messages_arrive_with_recipients_subject_and_vietnamese_body(store: FlakyStore, server: SM.SmtpServer) -> None:
    report = send(store, server, Outbox("B1"))
    assert report.ok and report.sent == ["C1", "C6"]
    got = {tuple(d.rcpt_tos): d for d in server.handler.accepted}
    assert set(got) == {("c1@cd.vn", "cb1@cd.vn"), ("c6@cd.vn",)}
    d = got[("c1@cd.vn", "cb1@cd.vn")]
    assert d.mail_from == "thiduakhenthuong@ldld.vn"
    m = d.message
    assert m["Subject"] == "Đôn đốc thực hiện kế hoạch năm 2025 - CĐCS Một"
    assert m["To"] == "c1@cd.vn, cb1@cd.vn"
    assert "LĐLĐ tỉnh Bắc Kạn" in str(m["From"])
    assert m.get_content_charset() == "utf-8"
    assert d.raw.isascii()  # encoded for any server: RFC 2047 subject, base64 or quoted-printable body
    body = m.get_content()
    assert body.startswith("Kính gửi: CĐCS Một.")
    assert "1. Chưa ban hành kế hoạch thi đua năm 2025 và chưa phát động thi đua." in body
    assert "Thời hạn hoàn thành: trước ngày 10/01/2026." in body
    assert "https://tdkt.example.vn/don-doc" in body
    assert "LĐLĐ huyện Một" in body
    f = load(store).frames["NhacViec"].set_index("unit")
    assert f.at["C1", "to"] == "c1@cd.vn, cb1@cd.vn" and f.at["C1", "channel"] == "Email"
    assert f.at["C1", "topic"] == S.TOPIC_PLAN and f.at["C1", "sender"] == "H1"
    assert f.at["C1", "date"].date() == A and f.at["C1", "body"] == body.rstrip("\n")
    assert f.at["C1", "author"] == OFFICER


def test_a_refusing_server_records_nothing_then_a_retry_sends_once(store: FlakyStore, server: SM.SmtpServer) -> None:
    outbox = Outbox("B2")
    for mode in (SM.REFUSE_RCPT, SM.REFUSE_DATA):
        server.handler.mode = mode
        report = send(store, server, outbox)
        assert report.sent == [] and set(report.failed) == {"C1", "C6"}
        assert "từ chối" in report.failed["C1"]
        assert recorded(store) == [] and server.handler.accepted == []
    server.handler.mode = SM.ACCEPT
    assert send(store, server, outbox).sent == ["C1", "C6"]
    assert send(store, server, outbox).sent == ["C1", "C6"]  # pressed again: nothing new goes out
    assert len(server.handler.accepted) == 2
    assert [u for u, _, _ in recorded(store)] == ["C1", "C6"]


def test_connection_dropped_before_the_server_accepts(store: FlakyStore, server: SM.SmtpServer) -> None:
    outbox = Outbox("B3")
    server.handler.mode = SM.DROP_BEFORE
    report = send(store, server, outbox)
    assert report.sent == [] and set(report.failed) == {"C1", "C6"}
    assert "mất kết nối" in report.failed["C1"]
    assert server.handler.offered == 1  # the second one waited: the connection was gone
    assert recorded(store) == [] and outbox.accepted == {}
    server.handler.mode = SM.ACCEPT
    assert send(store, server, outbox).sent == ["C1", "C6"]
    assert accepted_units(server) == ["c1@cd.vn, cb1@cd.vn", "c6@cd.vn"]


def test_connection_dropped_after_the_server_accepts(store: FlakyStore, server: SM.SmtpServer) -> None:
    outbox = Outbox("B4")
    server.handler.mode = SM.DROP_AFTER
    report = send(store, server, outbox)
    assert report.sent == ["C1"] and list(report.failed) == ["C6"]  # C1 accepted (250), then the line dropped
    assert [u for u, _, _ in recorded(store)] == ["C1"]
    server.handler.mode = SM.ACCEPT
    report = send(store, server, outbox)
    assert report.sent == ["C1", "C6"] and report.ok
    assert accepted_units(server) == ["c1@cd.vn, cb1@cd.vn", "c6@cd.vn"]  # C1 went out once
    assert [u for u, _, _ in recorded(store)] == ["C1", "C6"]


def test_accepted_but_not_recorded_is_recorded_on_retry_without_resending(store: FlakyStore,
                                                                          server: SM.SmtpServer) -> None:
    outbox = Outbox("B5")
    store.broken = True
    report = send(store, server, outbox)
    assert report.sent == [] and set(report.unrecorded) == {"C1", "C6"} and not report.failed
    assert len(server.handler.accepted) == 2
    store.broken = False
    assert send(store, server, outbox).sent == ["C1", "C6"]
    assert len(server.handler.accepted) == 2  # not sent again
    assert len(load(store).versions["NhacViec"]) == 2


def test_a_unit_without_address_or_out_of_scope_is_not_sent(store: FlakyStore, server: SM.SmtpServer) -> None:
    ds = load(store)
    fl = FU.follow_up(ds, 2025, A)[S.TOPIC_PLAN]  # the province's list: C5 is not H1's
    msgs = FU.build_messages(ds, fl, ["C5", "C6"], sender="H1", year=2025, as_of=A, respond_by=date(2026, 1, 10),
                             app_url="http://x")
    report = send_reminders(store, ds, OFFICER, msgs, SmtpConfig.from_secrets(server.secrets()), Outbox("B6"), day=A)
    assert report.sent == ["C6"]
    assert "chưa có địa chỉ e-mail" in report.failed["C5"]  # (and not H1's anyway)
    ds2 = load(store)
    msgs = FU.build_messages(ds2, fl, ["C5"], sender="H1", year=2025, as_of=A, respond_by=date(2026, 1, 10),
                             app_url="http://x")
    msgs = [type(m)(**{**m.__dict__, "to": ("c5@cd.vn",)}) for m in msgs]
    report = send_reminders(store, ds2, OFFICER, msgs, SmtpConfig.from_secrets(server.secrets()), Outbox("B7"), day=A)
    assert "không trực thuộc" in report.failed["C5"]
    assert accepted_units(server) == ["c6@cd.vn"]


def test_config_from_secrets() -> None:
    with pytest.raises(ValidationError, match=r"\[tdkt.smtp\]"):
        SmtpConfig.from_secrets({})
    c = SmtpConfig.from_secrets({"host": "smtp.x.vn", "sender": "a@x.vn", "ssl": True})
    assert (c.security, c.port) == ("ssl", 465)
    c = SmtpConfig.from_secrets({"host": "smtp.x.vn", "sender": "a@x.vn", "user": "u", "password": "p"})
    assert (c.security, c.port, c.user) == ("starttls", 587, "u")
    with pytest.raises(ValidationError):
        SmtpConfig.from_secrets({"host": "h", "sender": "a@x.vn", "security": "tls13"})


# --- STARTTLS and SSL, with a throw-away self-signed certificate ---------------------------------


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA), and its key, written as PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    crt = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    d = tmp_path_factory.mktemp("tls")
    (d / "cert.pem").write_bytes(crt.public_bytes(serialization.Encoding.PEM))
    (d / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    return d / "cert.pem", d / "key.pem"


def server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert[0]), str(cert[1]))
    return ctx


@dataclasses.dataclass
class Logins:
    seen: list[tuple[str, str, bool]] = dataclasses.field(default_factory=list)  # (user, password, over TLS)

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        assert isinstance(auth_data, LoginPassword)
        user, password = (v.decode() if isinstance(v, bytes) else str(v) for v in (auth_data.login, auth_data.password))
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.seen.append((user, password, tls))
        ok = (user, password) == ("tdkt", "mật-khẩu-1")
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


def tls_secrets(server: SM.SmtpServer, security: str, cafile: Path | None, password: str = "mật-khẩu-1") -> Any:
    return {**server.secrets(), "security": security, "user": "tdkt", "password": password,
            **({"cafile": str(cafile)} if cafile else {})}


def send_with(store: MemoryStore, secrets: Any, outbox: Outbox) -> Any:
    ds, msgs = messages(store)
    return send_reminders(store, ds, OFFICER, msgs, SmtpConfig.from_secrets(secrets), outbox, day=A)


def test_starttls_then_login_then_the_messages(store: FlakyStore, cert: tuple[Path, Path]) -> None:
    logins = Logins()
    srv = SM.SmtpServer(tls_context=server_context(cert), require_starttls=True, authenticator=logins,
                        auth_require_tls=True).start()
    try:
        # a plain connection is refused by a server that requires STARTTLS: nothing sent, nothing recorded
        plain = {**srv.secrets(), "security": "none"}
        report = send_with(store, plain, Outbox("T0"))
        assert report.sent == [] and set(report.failed) == {"C1", "C6"}
        assert "STARTTLS" in report.failed["C1"] and recorded(store) == []
        # the certificate is checked: without its CA the handshake fails, nothing goes out
        report = send_with(store, tls_secrets(srv, "starttls", None), Outbox("T1"))
        assert report.sent == [] and "không kết nối được máy chủ thư" in report.failed["C1"]
        assert "CERTIFICATE_VERIFY_FAILED" in report.failed["C1"]
        # a wrong password: refused, nothing recorded
        report = send_with(store, tls_secrets(srv, "starttls", cert[0], password="sai"), Outbox("T2"))
        assert report.sent == [] and "từ chối (535" in report.failed["C1"] and recorded(store) == []
        report = send_with(store, tls_secrets(srv, "starttls", cert[0]), Outbox("T3"))
        assert report.ok and report.sent == ["C1", "C6"]
        assert logins.seen[-1] == ("tdkt", "mật-khẩu-1", True)  # logged in over TLS only
        assert sorted(tuple(d.rcpt_tos) for d in srv.handler.accepted) == [("c1@cd.vn", "cb1@cd.vn"), ("c6@cd.vn",)]
        assert srv.handler.accepted[0].message["Subject"].startswith("Đôn đốc thực hiện kế hoạch năm 2025")
        assert [u for u, _, _ in recorded(store)] == ["C1", "C6"]
    finally:
        srv.stop()


def test_ssl_from_the_first_byte(store: FlakyStore, cert: tuple[Path, Path]) -> None:
    logins = Logins()
    # aiosmtpd's auth_require_tls looks at STARTTLS only; on an SSL port every byte is encrypted anyway
    srv = SM.SmtpServer(ssl_context=server_context(cert), authenticator=logins, auth_require_tls=False).start()
    try:
        report = send_with(store, {**srv.secrets(), "security": "starttls", "cafile": str(cert[0])}, Outbox("S0"))
        assert report.sent == [] and set(report.failed) == {"C1", "C6"}  # a TLS port does not speak plain SMTP
        assert recorded(store) == [] and srv.handler.accepted == []
        secrets = tls_secrets(srv, "", cert[0])
        secrets = {k: v for k, v in secrets.items() if k != "security"} | {"ssl": True}  # as [tdkt.smtp] ssl = true
        outbox = Outbox("S1")
        report = send_with(store, secrets, outbox)
        assert report.sent == ["C1", "C6"], report
        assert send_with(store, secrets, outbox).sent == ["C1", "C6"]  # pressed again: nothing new goes out
        assert len(srv.handler.accepted) == 2 and logins.seen == [("tdkt", "mật-khẩu-1", True)]
        body = srv.handler.accepted[0].message.get_content()
        assert body.startswith("Kính gửi: CĐCS Một.")
        assert [u for u, _, _ in recorded(store)] == ["C1", "C6"]
    finally:
        srv.stop()
