"""Who may see the admin pages: the holder of ``BACKCHECK_ADMIN_TOKEN``.

- ``Authorization: Bearer <token>``, or the login form's cookie: the word ``admin`` signed with a
  key derived from the token (itsdangerous, with a timestamp: it expires; changing the token
  logs everyone out), HttpOnly, SameSite=Strict, Secure behind https.
- Constant-time comparison (hmac.compare_digest).
- A wrong token slows its sender down: after each failure from one client address, that address
  must wait twice as long before trying again (0.5 s, 1 s, 2 s ... up to a minute); meanwhile its
  attempts are refused with 429 without looking at the token.
- No token configured: everyone is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, TimestampSigner
from starlette.requests import Request

COOKIE = "backcheck_admin"
#: A login lasts this long.
COOKIE_MAX_AGE = 12 * 3600
FIRST_DELAY = 0.5
MAX_DELAY = 60.0
#: Client addresses remembered for backoff (oldest forgotten first).
MAX_CLIENTS = 10_000


@dataclass
class _Failures:
    count: int
    until: float


class Gate:
    def __init__(self, token: str | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.token = token or None
        self.clock = clock
        self._failures: OrderedDict[str, _Failures] = OrderedDict()
        key = hashlib.sha256(b"backcheck-admin-cookie\0" + (token or "").encode()).digest()
        self._signer = TimestampSigner(key, salt="backcheck-admin")

    @property
    def enabled(self) -> bool:
        return self.token is not None

    # --- backoff --------------------------------------------------------------------------------

    @staticmethod
    def client(request: Request) -> str:
        return request.client.host if request.client else "?"

    def wait(self, client: str) -> float:
        """Seconds ``client`` must still wait before its next try (0: it may try now)."""
        f = self._failures.get(client)
        return max(0.0, f.until - self.clock()) if f else 0.0

    def failed(self, client: str) -> float:
        f = self._failures.pop(client, None) or _Failures(0, 0.0)
        f.count += 1
        delay = min(MAX_DELAY, FIRST_DELAY * 2 ** (f.count - 1))
        f.until = self.clock() + delay
        self._failures[client] = f
        while len(self._failures) > MAX_CLIENTS:
            self._failures.popitem(last=False)
        return delay

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)

    # --- checks ---------------------------------------------------------------------------------

    def token_ok(self, given: str) -> bool:
        if self.token is None:
            return False
        return hmac.compare_digest(given.encode(), self.token.encode())

    def bearer(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        return value.strip() if scheme.lower() == "bearer" else None

    def cookie_ok(self, request: Request) -> bool:
        value = request.cookies.get(COOKIE)
        if not value or self.token is None:
            return False
        try:
            return self._signer.unsign(value, max_age=COOKIE_MAX_AGE) == b"admin"
        except BadSignature:  # also SignatureExpired
            return False

    def cookie_value(self) -> str:
        return self._signer.sign(b"admin").decode()
