"""Sign-in throttling that a stranger cannot turn against the admin (issue 21 item 5).

Failures are counted per (name, client) — the client is the connection's address as the serving process
sees it — so five wrong passwords from one place lock that name *from that place* for
``SIGNIN_LOCK_SECONDS``; the admin signing in from elsewhere is not locked out. A storm against one name
from many places (``SIGNIN_NAME_MAX_FAILURES`` within the window) locks the name for every client that
has not signed in as that name before (``SIGNIN_TRUST_SECONDS``); clients that have keep their way in.

The check is atomic: ``SignInGuard.begin`` reserves the attempt (counted as a failure until
``finish`` says otherwise) under one lock before the password is checked, so thirty simultaneous
attempts cannot all slip past a lockout that the first five trigger. Every failure is answered only
after ``SIGNIN_FAILURE_DELAY`` seconds. State lives in the serving process (a restart clears it).

Where every client shares one address (a reverse proxy that does not pass the client's address on,
or all users on the server itself) the per-client lock is a per-name lock again: serve the app so that
each user's address reaches it.
"""
from __future__ import annotations

import os
import threading
import time

from warehouse import users

SIGNIN_MAX_FAILURES = 5            # failures for one name from one client within the window …
SIGNIN_WINDOW_SECONDS = 900        # … lock that (name, client) for SIGNIN_LOCK_SECONDS
SIGNIN_LOCK_SECONDS = 300
SIGNIN_NAME_MAX_FAILURES = 50      # failures for one name from all clients within the window: untrusted clients locked
SIGNIN_TRUST_SECONDS = 30 * 86400  # a client that signed in as a name stays trusted for it this long
SIGNIN_FAILURE_DELAY = 1.0         # seconds every failed attempt waits before it is answered
MAX_TRACKED = 100_000              # (name, client) pairs kept before expired ones are swept
LOCAL_CLIENT = "local"


class SignInGuard:
    """Attempts, failures, locks and trusted clients of one serving process. Thread-safe; time injectable."""

    def __init__(self, clock=None):
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._pair_fails: dict[tuple[str, str], list[float]] = {}
        self._pair_locked: dict[tuple[str, str], float] = {}
        self._name_fails: dict[str, list[float]] = {}
        self._name_locked: dict[str, float] = {}
        self._trusted: dict[tuple[str, str], float] = {}

    @staticmethod
    def _key(name: str, client: str | None) -> tuple[str, str]:
        return users.normalize_name(name), str(client or LOCAL_CLIENT)

    def _recent(self, times: list[float], now: float) -> list[float]:
        return [t for t in times if now - t < SIGNIN_WINDOW_SECONDS]

    def _wait(self, key: tuple[str, str], now: float) -> float:
        wait = self._pair_locked.get(key, 0.0) - now
        trusted = now - self._trusted.get(key, -1e18) < SIGNIN_TRUST_SECONDS
        if not trusted:
            wait = max(wait, self._name_locked.get(key[0], 0.0) - now)
        return max(0.0, wait)

    def locked_for(self, name: str, client: str | None = None) -> float:
        """Seconds this name stays locked for this client (0 when it may try)."""
        with self._lock:
            return self._wait(self._key(name, client), self._clock())

    def begin(self, name: str, client: str | None = None) -> float:
        """Reserve one attempt: 0 when it may go ahead (it now counts as a failure until ``finish``),
        else the seconds the name stays locked for this client (nothing counted)."""
        key, now = self._key(name, client), self._clock()
        with self._lock:
            wait = self._wait(key, now)
            if wait > 0:
                return wait
            if len(self._pair_fails) > MAX_TRACKED:
                self._sweep(now)
            pair = self._recent(self._pair_fails.get(key, []), now) + [now]
            self._pair_fails[key] = pair
            if len(pair) >= SIGNIN_MAX_FAILURES:
                self._pair_locked[key], self._pair_fails[key] = now + SIGNIN_LOCK_SECONDS, []
            named = self._recent(self._name_fails.get(key[0], []), now) + [now]
            self._name_fails[key[0]] = named
            if len(named) >= SIGNIN_NAME_MAX_FAILURES:
                self._name_locked[key[0]], self._name_fails[key[0]] = now + SIGNIN_LOCK_SECONDS, []
            return 0.0

    def finish(self, name: str, client: str | None, ok: bool) -> None:
        """The reserved attempt's outcome: a success forgets this client's failures for the name, lifts
        its lock and trusts the client for the name; a failure stays counted."""
        if not ok:
            return
        key, now = self._key(name, client), self._clock()
        with self._lock:
            named = self._name_fails.get(key[0])
            if named:
                named.pop()          # a success is not a failure against the name either
            self._pair_fails.pop(key, None)
            self._pair_locked.pop(key, None)
            self._trusted[key] = now

    def failed(self, name: str, client: str | None = None) -> None:
        """One failed attempt recorded at once (``begin`` without the password check)."""
        self.begin(name, client)

    def _sweep(self, now: float) -> None:
        for d in (self._pair_fails, self._name_fails):
            for k in [k for k, v in d.items() if not self._recent(v, now)]:
                del d[k]
        for d in (self._pair_locked, self._name_locked):
            for k in [k for k, v in d.items() if v <= now]:
                del d[k]
        for k in [k for k, v in self._trusted.items() if now - v >= SIGNIN_TRUST_SECONDS]:
            del self._trusted[k]


def sign_in(db_path: str | os.PathLike, name: str, password: str, client: str | None, guard: SignInGuard,
            delay: float = SIGNIN_FAILURE_DELAY, sleep=time.sleep) -> tuple[str | None, str]:
    """(role, "") when the password is right; (None, "auth_locked" | "auth_failed") otherwise."""
    if guard.begin(name, client) > 0:
        return None, "auth_locked"
    role = users.verify(db_path, name, password)
    guard.finish(name, client, role is not None)
    if role is None:
        if delay > 0:
            sleep(delay)
        return None, ("auth_locked" if guard.locked_for(name, client) > 0 else "auth_failed")
    return role, ""
