"""Sign-in that cannot be turned against the admin (issue 21 item 5): failures lock a name only from the
client that made them, and the check is atomic, so simultaneous attempts cannot pass the lockout."""
from __future__ import annotations

import threading

import pytest

from warehouse import signin, users

PASSWORD = "correct horse 42"


@pytest.fixture
def wh(empty_db):
    users.add_user(empty_db, "admin", "admin", PASSWORD)
    return empty_db


def test_a_stranger_cannot_lock_the_admin_out_from_elsewhere(wh):
    guard = signin.SignInGuard()
    stranger, office = "203.0.113.7", "198.51.100.20"
    answers = [signin.sign_in(wh, "admin", f"guess{i}", stranger, guard, delay=0)[1] for i in range(8)]
    assert answers[:signin.SIGNIN_MAX_FAILURES - 1] == ["auth_failed"] * (signin.SIGNIN_MAX_FAILURES - 1)
    assert set(answers[signin.SIGNIN_MAX_FAILURES - 1:]) == {"auth_locked"}
    # the stranger is locked out, even with the right password …
    assert signin.sign_in(wh, "admin", PASSWORD, stranger, guard, delay=0) == (None, "auth_locked")
    # … the admin at the office is not
    assert signin.sign_in(wh, "ａｄｍｉｎ", PASSWORD, office, guard, delay=0) == ("admin", "")


def test_a_storm_from_many_places_spares_a_client_the_admin_used_before():
    now = [0.0]
    guard = signin.SignInGuard(clock=lambda: now[0])
    guard.begin("admin", "office")
    guard.finish("admin", "office", ok=True)            # the admin signed in from the office once
    for i in range(signin.SIGNIN_NAME_MAX_FAILURES):
        guard.failed("admin", f"10.1.{i // 250}.{i % 250}")
    assert guard.locked_for("admin", "somewhere-new") > 0
    assert guard.locked_for("admin", "office") == 0
    now[0] += signin.SIGNIN_LOCK_SECONDS + 1
    assert guard.locked_for("admin", "somewhere-new") == 0


def test_thirty_one_simultaneous_attempts_cannot_pass_the_lockout(wh, monkeypatch):
    from services import auth

    checked = []
    real_verify = users.verify

    def counted_verify(*args):                          # the real check, counted
        checked.append(1)
        return real_verify(*args)

    monkeypatch.setattr(signin.users, "verify", counted_verify)
    auth._guard.clear()                                  # the server's one guard, fresh for this test
    n = 31
    barrier = threading.Barrier(n)
    answers: list[tuple | None] = [None] * n

    def attempt(i: int) -> None:
        barrier.wait()
        answers[i] = auth.sign_in(str(wh), "admin", f"wrong{i}")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    after = auth.sign_in(str(wh), "admin", PASSWORD)
    auth._guard.clear()
    assert all(a is not None for a in answers)
    # Only as many passwords as the lockout allows were checked at all; the others were refused unchecked
    # (before: all 31 were checked, so a right one among them signed in despite the lockout).
    assert len(checked) == signin.SIGNIN_MAX_FAILURES, answers
    assert sum(a == (None, "auth_locked") for a in answers) >= n - signin.SIGNIN_MAX_FAILURES
    assert after == (None, "auth_locked") and len(checked) == signin.SIGNIN_MAX_FAILURES


def test_a_success_clears_the_clients_failures_and_the_lock_expires():
    now = [0.0]
    guard = signin.SignInGuard(clock=lambda: now[0])
    for _ in range(signin.SIGNIN_MAX_FAILURES - 1):
        guard.failed("ana", "a")
    assert guard.begin("ana", "a") == 0                  # the fifth attempt goes ahead …
    guard.finish("ana", "a", ok=True)                    # … and succeeds: the count starts again
    for _ in range(signin.SIGNIN_MAX_FAILURES - 1):
        guard.failed("ana", "a")
    assert guard.locked_for("ana", "a") == 0
