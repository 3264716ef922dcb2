"""Lifecycle of a passport (Art. 77(6)-(8)): repair, re-use, repurposing, remanufacturing,
waste and recycling, each with who may do it and from which status."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import Conflict, Forbidden, InvalidInput
from junkan.identity.models import Role
from junkan.identity.service import Caller, participant_in_field
from junkan.passport.attributes import clean_data
from junkan.passport.models import Passport
from junkan.passport.service import get_passport, invalid_input, new_version, prepare

LIVE = ("original", "re-used", "repurposed", "remanufactured")
ACTIONS: dict[str, dict[str, Any]] = {
    # action: statuses it may start from, roles that may take it (besides the operator),
    # whether the operator must do it, and the status it leaves.
    "repair": {"from": LIVE, "roles": (Role.REPAIRER,), "to": None},
    "reuse": {"from": LIVE, "roles": (Role.REPAIRER, Role.SECOND_LIFE_OPERATOR), "to": "re-used"},
    "repurpose": {
        "from": LIVE,
        "roles": (Role.SECOND_LIFE_OPERATOR, Role.ECONOMIC_OPERATOR),
        "to": "repurposed",
        "new_passport": True,
    },
    "remanufacture": {
        "from": LIVE,
        "roles": (Role.REMANUFACTURER,),
        "to": "remanufactured",
        "new_passport": True,
    },
    "waste": {"from": LIVE, "roles": (), "to": "waste"},
    "recycled": {"from": ("waste",), "roles": (Role.RECYCLER,), "to": None, "close": True},
}


def _check_transition(passport: Passport, caller: Caller, action: str) -> dict[str, Any]:
    rule = ACTIONS.get(action)
    if rule is None:
        raise InvalidInput(f"unknown lifecycle action {action!r}; known: {', '.join(ACTIONS)}")
    if passport.closed_at is not None:
        raise Conflict("The passport is closed (the battery was recycled); it is read-only.")
    if passport.superseded_by is not None:
        raise Conflict(f"The passport was superseded by {passport.superseded_by}.")
    if passport.status not in rule["from"]:
        raise Conflict(
            f"A battery in status {passport.status!r} cannot be {action}d: "
            f"{action} applies to {', '.join(rule['from'])}.",
            battery_status=passport.status,
            action=action,
        )
    if action == "recycled":
        allowed = caller.acts_for(passport.operator_id) and caller.has_role(Role.RECYCLER)
    else:
        allowed = caller.acts_for(passport.operator_id) or caller.has_role(*rule["roles"])
    if not allowed:
        roles = ", ".join(r.value for r in rule["roles"]) or "none"
        raise Forbidden(
            f"{action} is for the passport's operator or these roles: {roles}"
            + (
                " (and only the recycler responsible for the waste battery)"
                if action == "recycled"
                else ""
            )
        )
    return rule


def lifecycle(
    session: Session,
    caller: Caller,
    passport_id: str,
    action: str,
    *,
    battery_id: str | None = None,
    data: dict[str, Any] | None = None,
    responsible: str | None = None,
    note: str | None = None,
) -> Passport:
    """Apply a lifecycle action; returns the passport that is live afterwards."""
    passport = get_passport(session, passport_id)
    rule = _check_transition(passport, caller, action)
    actor = caller.participant_id
    now = utcnow()
    if rule.get("new_passport"):
        # A new passport linked to its predecessor; the caller becomes responsible for it.
        values = passport.data | (data or {})
        values.pop("battery_status", None)
        new_id, new_values = prepare(battery_id or passport.battery_id, values)
        passport.superseded_by = str(uuid.uuid4())
        passport.version += 1
        passport.updated_at = now
        new_version(session, passport, actor, f"superseded by {action}")
        successor = Passport(
            id=passport.superseded_by,
            battery_id=new_id,
            operator_id=actor,
            category=new_values["battery_category"],
            battery_model=new_values["battery_model"],
            status=rule["to"],
            version=1,
            data=new_values,
            predecessor_id=passport.id,
            created_at=now,
            updated_at=now,
        )
        new_version(session, successor, actor, f"created by {action}")
        session.commit()
        return successor
    if data:
        changed, errors = clean_data(data)
        if errors:
            raise invalid_input(errors)
        passport.data = passport.data | changed
    if action == "waste":
        if responsible is None:
            raise InvalidInput(
                "waste needs the participant now responsible (a recycler or the producer)",
                errors=[{"field": "responsible", "message": "is mandatory for waste"}],
            )
        holder = participant_in_field(session, responsible, "responsible")
        if not (
            {r.role for r in holder.roles} & {Role.RECYCLER.value, Role.ECONOMIC_OPERATOR.value}
        ):
            raise InvalidInput(
                "responsibility for waste passes to a recycler or the producer",
                errors=[
                    {
                        "field": "responsible",
                        "message": "needs the recycler or economic operator role",
                    }
                ],
            )
        passport.operator_id = holder.id
    if rule["to"]:
        passport.status = rule["to"]
    if rule.get("close"):
        passport.closed_at = now
    passport.version += 1
    passport.updated_at = now
    new_version(session, passport, actor, action + (f": {note}" if note else ""))
    session.commit()
    return passport
