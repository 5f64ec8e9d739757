"""Second signatures in one place (审定 / 复核): an action the province's rules send for confirmation becomes a
pending approval (who asked, what, why) and takes effect in the transaction that confirms it.

- ``register(action, handler)``: ``handler(con, payload, requested_by, confirmed_by) -> dict`` does the action's
  writes on the open transaction ``con`` and raises to refuse (then nothing is written).
- ``submit``: the requester is authorised; the action is tried at once (a dry run, rolled back) so that a request
  the books would refuse is refused now, not when confirmed; then, if the rule ``signoff.<action>`` is ``none``
  (or no users exist), it runs for real, else it is stored as pending.
- ``confirm`` / ``refuse``: a different user than the requester, an approver where the rule says ``approver``
  (an admin or an approver where it says ``admin``); the handler runs again, checked against the books as they
  are at confirmation.
"""
from __future__ import annotations

import importlib
import os

from budget import rules as brules
from warehouse import approvals as store
from warehouse import db, rules as wrules, users

#: Modules that register handlers when imported (a module that does not exist yet is skipped).
HANDLER_MODULES = ("monitor.ledger_change", "monitor.plan", "monitor.accounts", "monitor.province", "monitor.allowances")
_HANDLERS: dict = {}


class ApprovalError(ValueError):
    def __init__(self, message_en: str, message_zh: str, code: str = "approval"):
        super().__init__(message_en)
        self.message_en, self.message_zh, self.code = message_en, message_zh, code


class _DryRun(Exception):
    def __init__(self, result):
        super().__init__("dry run")
        self.result = result


def register(action: str, handler) -> None:
    _HANDLERS[action] = handler


def _handlers() -> dict:
    for name in HANDLER_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        hook = getattr(mod, "register_handlers", None)
        if hook is not None:
            hook(register)
    return _HANDLERS


def handler(action: str):
    h = _handlers().get(action)
    if h is None:
        raise ApprovalError(f"no handler for action {action!r}", f"没有操作 {action!r} 的处理程序")
    return h


def submit(db_path: str | os.PathLike, action: str, payload: dict, summary: str, user: str | None,
           region: str | None = None, permission: str | None = None) -> dict:
    """Request ``action``; returns {"status": "confirmed", "id": None, "result"} when it ran at once, or
    {"status": "pending", "id": N, "signoff": who} when it waits for a second signature."""
    run = handler(action)
    try:
        with db.transaction(db_path) as con:
            name = users.authorize(con, user, permission or action, region=region)
            who = brules.signoff(wrules.rules_in_force(con), action) if users.any_users_con(con) else "none"
            result = run(con, payload, name, None)
            if who == "none":
                return {"status": "confirmed", "id": None, "result": result}
            raise _DryRun(result)   # rolls the trial back
    except _DryRun:
        pass
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, permission or action, region=region)
        aid = store.request(con, action, payload, summary, name, who)
    return {"status": "pending", "id": aid, "signoff": who}


def _pending(con, approval_id: int) -> dict:
    rec = store.one(con, approval_id)
    if rec is None:
        raise ApprovalError(f"no approval {approval_id}", f"没有审批事项 {approval_id}", "not_found")
    if rec["status"] != "pending":
        raise ApprovalError(f"approval {approval_id} is already {rec['status']}", f"审批事项 {approval_id} 已{ {'confirmed': '确认', 'refused': '退回'}.get(rec['status'], rec['status'])}",
                            "decided")
    return rec


def _check_signer(con, rec: dict, user: str | None) -> str:
    name = users.authorize(con, user, "approval_confirm")
    if users.any_users_con(con):
        role = users.check_role(con, name, "view")
        if name == rec["requested_by"]:
            raise ApprovalError("a second signature must come from another user than the one who asked",
                                "第二人确认须由申请人以外的用户办理", "same_user")
        if rec["signoff"] == "approver" and role != users.APPROVER:
            raise ApprovalError("the province's rules ask the provincial government (an approver) to confirm this",
                                "按本省规则，此事项须由省政府审定人（approver）确认", "approver_needed")
    return name


def confirm(db_path: str | os.PathLike, approval_id: int, user: str | None) -> dict:
    """Confirm a pending approval: the action runs now, in this transaction, with both names recorded."""
    with db.transaction(db_path) as con:
        rec = _pending(con, approval_id)
        name = _check_signer(con, rec, user)
        result = handler(rec["action"])(con, rec["payload"], rec["requested_by"], name)
        store.decide(con, approval_id, "confirmed", name, "", result)
    return {"id": int(approval_id), "status": "confirmed", "action": rec["action"], "requested_by": rec["requested_by"],
            "confirmed_by": name, "result": result}


def refuse(db_path: str | os.PathLike, approval_id: int, reason: str, user: str | None) -> dict:
    """Refuse a pending approval with a reason; nothing else is written."""
    from intake.text_policy import TextRefused, free_text

    try:
        reason = free_text(reason, ("理由", "reason"), max_len=2000)
    except TextRefused:
        reason = ""
    if not reason:
        raise ApprovalError("a refusal needs a reason (1-2000 characters)", "退回须写明理由（1–2000 个字符）", "reason")
    with db.transaction(db_path) as con:
        rec = _pending(con, approval_id)
        name = _check_signer(con, rec, user)
        store.decide(con, approval_id, "refused", name, reason, None)
    return {"id": int(approval_id), "status": "refused", "action": rec["action"], "refused_by": name, "reason": reason}


def listing(db_path: str | os.PathLike, status: str | None = None) -> list[dict]:
    """[{id, action, summary, requested_by, requested_at, status, signoff, decided_by, decided_at, reason}]"""
    with db.connect(db_path) as con:
        f = store.listing(con)
    if status:
        f = f[f["status"] == status]
    out = []
    for r in f.drop(columns=["payload", "result"]).to_dict("records"):
        out.append({k: (None if v is None or (isinstance(v, float) and v != v) else
                        (str(v) if k.endswith("_at") else int(v) if k == "id" else v)) for k, v in r.items()})
    return out


def signatures(db_path: str | os.PathLike, action: str, key: dict) -> dict | None:
    """The latest confirmed approval of ``action`` whose payload contains ``key``: {requested_by, requested_at,
    decided_by, decided_at} (for documents), or None."""
    import json

    with db.connect(db_path) as con:
        f = store.listing(con)
    f = f[(f["action"] == action) & (f["status"] == "confirmed")]
    for r in f.to_dict("records"):
        payload = json.loads(r["payload"]) if isinstance(r["payload"], str) else {}
        if all(payload.get(k) == v for k, v in key.items()):
            return {k: r[k] for k in ("requested_by", "requested_at", "decided_by", "decided_at")}
    return None
