"""A real SMTP server on loopback for Shipshape's tests (aiosmtpd).

It speaks STARTTLS (required before anything else) or TLS from the start
with the certificate it is given, takes only the one account it is told,
and writes each message it accepts to the output folder as N.eml. It prints
its port once it listens, and stops on SIGTERM.
"""

import argparse
import signal
import socket
import ssl
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keep:
    def __init__(self, out: Path):
        self.out = out
        # A server started again on the same folder keeps what came before.
        self.count = len(list(out.glob("*.eml")))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        mail = f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode() + envelope.content
        (self.out / f"{self.count}.eml").write_bytes(mail)
        return "250 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["starttls", "tls"], required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()
    if a.port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            a.port = s.getsockname()[1]

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(a.cert, a.key)

    def authenticate(server, session, envelope, mechanism, data):
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == a.user
            and data.password.decode() == a.password
        )
        return AuthResult(success=ok, handled=False)

    common = dict(
        hostname="127.0.0.1",
        port=a.port,
        authenticator=authenticate,
    )
    if a.mode == "starttls":
        controller = Controller(
            Keep(Path(a.out)),
            tls_context=context,
            require_starttls=True,
            auth_require_tls=True,
            **common,
        )
    else:
        # The connection is TLS from its first byte; aiosmtpd does not see
        # that and would hide AUTH if TLS were required on top.
        controller = Controller(
            Keep(Path(a.out)), ssl_context=context, auth_require_tls=False, **common
        )
    controller.start()
    print(a.port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
