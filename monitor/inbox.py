"""The inbox per user and city, derived by query from the books (``budget.inbox``): nothing is written
when a budget moves or an objection is answered — the inbox reads what the records say. A city's
users see their city's items; province-wide users see what awaits them (objections to answer,
filings due or overdue, sign-offs awaited).

Optional e-mail through the province's own SMTP server, configured only by the environment
(``SMTP_ENV``): ``CARBON_BUDGET_SMTP_HOST`` (required to send), ``…_PORT`` (25), ``…_FROM``,
``…_STARTTLS`` (1 to upgrade), ``…_USER`` / ``…_PASSWORD`` (optional login; never stored). ``send``
mails only the items not mailed before (``inbox_sent``)."""
from __future__ import annotations

import os
import smtplib
from datetime import date
from email.message import EmailMessage

from budget import inbox as bi
from budget import measures as bm
from budget import province as bp
from warehouse import budget_books, db, users
from warehouse import measures as mstore
from warehouse import province as store

SMTP_ENV = {"host": "CARBON_BUDGET_SMTP_HOST", "port": "CARBON_BUDGET_SMTP_PORT", "from": "CARBON_BUDGET_SMTP_FROM",
            "starttls": "CARBON_BUDGET_SMTP_STARTTLS", "user": "CARBON_BUDGET_SMTP_USER",
            "password": "CARBON_BUDGET_SMTP_PASSWORD"}
SMTP_TIMEOUT = 20


def _who(con, user: str | None) -> tuple[str, str | None, str | None]:
    """(name, role, region) of ``user``; with no users configured: province-wide admin-like reader."""
    if not users.any_users_con(con):
        return users.normalize_name(user) or "cli", "admin", None
    users.check_role(con, user, "view")
    name = users.normalize_name(user)
    row = db.first_row(con.execute("SELECT role, region FROM users WHERE name = ?", [name]))
    return name, row[0], row[1]


def _pending_approvals(con):
    try:
        from warehouse import approvals
    except ImportError:
        return None
    return approvals.listing(con)


def items(db_path: str | os.PathLike, user: str | None, today: date | None = None, days: int | None = None,
          region: str | None = None) -> dict:
    """{user, role, region, items: [...]} newest first; ``days`` keeps only items dated within that many days.
    ``region``: a province-wide user looks at one city's inbox (a city's user only at its own)."""
    from monitor import filings

    today = today or date.today()
    with db.connect(db_path) as con:
        name, role, scope = _who(con, user)
        if region is not None and scope is not None and region != scope:
            raise users.PermissionDenied("out_of_scope", f"{name!r} may see only the inbox of {scope}",
                                         f"{name!r} 仅可查看 {scope} 的待办与通知")
        if region is not None and not con.execute("SELECT count(*) FROM regions WHERE code = ?", [region]).fetchall()[0][0]:
            raise bp.ProvinceError("unknown_region", value=region)
        region = region or scope
        ledger = budget_books.entries(con)
        objs = store.objections(con)
        apps = mstore.applications(con)
        ms, reps = mstore.measures(con), mstore.reports(con)
        comments = con.execute("SELECT plan_id, comment_id, region FROM plan_comments").df()
        answers = store.comment_answers(con)
        pending = _pending_approvals(con) if role in ("admin", "approver") else None
    out: list[dict] = []
    if region is not None:
        out += bi.ledger_items(ledger, region) + bi.application_items(apps, region) + bi.objection_items(objs, region)
        out += bi.comment_items(comments.merge(answers, on="comment_id", how="left"), region)
        states = bm.measure_states(ms, reps, today) if len(ms) else ms.assign(effective_status=[], status_reason_zh=[],
                                                                             status_reason_en=[])
        out += bi.measure_items(states, reps, region, today)
    else:
        if users.can(role, "objection_answer"):
            out += bi.objection_items(objs, None)
        if users.can(role, "filing_submit"):
            out += bi.filing_items(filings.obligations(db_path, today))
        if pending is not None and len(pending):
            out += bi.approval_items(pending)
    if days is not None:
        cut = date.fromordinal(today.toordinal() - int(days)).isoformat()
        out = [i for i in out if i["date"] >= cut]
    return {"user": name, "role": role, "region": region, "items": bi.newest_first(out)}


def set_address(db_path: str | os.PathLike, user: str | None, email: str) -> dict:
    """Record the e-mail address the user's inbox is mailed to (the user must exist once users do)."""
    addr = bp.email(email)
    with db.transaction(db_path) as con:
        name, _, _ = _who(con, user)
        store.set_address(con, name, addr)
    return {"user": name, "email": addr}


def smtp_config(env: dict | None = None) -> dict:
    env = os.environ if env is None else env
    host = (env.get(SMTP_ENV["host"]) or "").strip()
    if not host:
        raise bp.ProvinceError("no_smtp", var=SMTP_ENV["host"])
    try:
        port = int(env.get(SMTP_ENV["port"]) or 25)
    except ValueError:
        raise bp.ProvinceError("no_smtp", var=SMTP_ENV["port"]) from None
    return {"host": host, "port": port, "from": (env.get(SMTP_ENV["from"]) or "carbon-budget@localhost").strip(),
            "starttls": (env.get(SMTP_ENV["starttls"]) or "0").strip() == "1",
            "user": env.get(SMTP_ENV["user"]) or None, "password": env.get(SMTP_ENV["password"]) or None}


def message(items_: list[dict], sender: str, to: str) -> EmailMessage:
    """A plain-text message: every item in Chinese, then in English."""
    msg = EmailMessage()
    msg["Subject"] = f"碳预算待办与通知 / Carbon budget inbox ({len(items_)})"
    msg["From"], msg["To"] = bp.email(sender), bp.email(to)
    zh = [f"- {i['date']} 【{bi.KINDS[i['kind']][0]}】{i['text_zh']}" for i in items_]
    en = [f"- {i['date']} [{bi.KINDS[i['kind']][1]}] {i['text_en']}" for i in items_]
    msg.set_content("您有以下新的待办与通知：\n" + "\n".join(zh) + "\n\nNew items in your inbox:\n" + "\n".join(en) + "\n")
    return msg


def send(db_path: str | os.PathLike, user: str | None, today: date | None = None, env: dict | None = None) -> dict:
    """Mail the items not mailed before to the user's address through the configured SMTP server."""
    cfg = smtp_config(env)
    box = items(db_path, user, today)
    with db.connect(db_path) as con:
        to, already = store.address(con, box["user"]), store.sent_keys(con, box["user"])
    if not to:
        raise bp.ProvinceError("no_address", value=box["user"])
    new = [i for i in box["items"] if i["key"] not in already]
    if new:
        with smtplib.SMTP(cfg["host"], cfg["port"], timeout=SMTP_TIMEOUT) as smtp:
            if cfg["starttls"]:
                smtp.starttls()
            if cfg["user"]:
                smtp.login(cfg["user"], cfg["password"] or "")
            smtp.send_message(message(new, cfg["from"], to))
        with db.transaction(db_path) as con:
            store.mark_sent(con, box["user"], [i["key"] for i in new])
    return {"user": box["user"], "to": to, "sent": len(new)}
