"""Footprint exchange between hosts: PACT requests in and out, their answers delivered with
retries, and footprints pulled from any PACT host, all stored with their provenance.

A request received here is queued for the owner of the product it names; the owner fulfils it
(the footprints are granted to the requester) or rejects it, and the answer event is POSTed
to the requester's host with a token obtained there, retried with backoff for up to three
days. Footprints received in an answer, or pulled, become footprints of the participant who
asked, usable as supplier footprints in its bills of materials.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import Conflict, InvalidInput, NotFound
from junkan.exchange.service import create_grant
from junkan.footprint import formats, pact
from junkan.footprint.hosts import obtain_token, partner_token
from junkan.footprint.models import (
    Footprint,
    FootprintRequest,
    OutboundEvent,
    PartnerHost,
    Product,
)
from junkan.identity.service import Caller
from junkan.ledger.service import keyring, register_record_type, write, write_many

log = logging.getLogger(__name__)
GIVE_UP_AFTER = timedelta(days=3)  # PACT: retry for up to 72 hours
TIMEOUT = httpx.Timeout(10.0)
PINT_UNITS = {pact_unit: unit for unit, pact_unit in pact.PACT_UNITS.items()}
STAGES = ("raw_materials", "main_production", "distribution", "end_of_life")


def event_types(version: int) -> dict[str, str]:
    return formats.PACT_V2_EVENT_TYPES if version == 2 else formats.PACT_V3_EVENT_TYPES


def host_root(url: str) -> str:
    """A host's base URL from an events URL or a CloudEvents source ("//host/3/events")."""
    if url.startswith("//"):
        host = urlsplit("http:" + url).hostname or ""
        url = ("http:" if host in ("127.0.0.1", "localhost", "::1") else "https:") + url
    parts = urlsplit(url)
    path = parts.path
    for suffix in ("/2/events", "/3/events"):
        path = path.removesuffix(suffix)
    return f"{parts.scheme}://{parts.netloc}{path}".rstrip("/")


# --- Partners and outgoing requests --------------------------------------------------------------


def add_partner(
    session: Session, caller: Caller, base_url: str, client_id: str, secret: str
) -> PartnerHost:
    base_url = base_url.rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise InvalidInput("base_url must be an http(s) URL", field="base_url")
    partner = session.scalar(
        select(PartnerHost).where(
            PartnerHost.participant_id == caller.participant_id, PartnerHost.base_url == base_url
        )
    ) or PartnerHost(id=str(uuid.uuid4()), participant_id=caller.participant_id, base_url=base_url)
    partner.client_id = client_id
    partner.secret_sealed = keyring(session).seal(secret.encode(), f"pact-partner:{partner.id}")
    write(session, partner, actor=caller.participant_id, kind="pact.partner")
    return partner


def send_request(
    session: Session,
    caller: Caller,
    base_url: str,
    product_ids: list[str],
    comment: str | None,
    version: int,
    own_events_url: str,
) -> FootprintRequest:
    """Ask a supplier's host for footprints of its products; the answer comes as an event."""
    base_url = base_url.rstrip("/")
    _partner(session, caller.participant_id, base_url)  # credentials must exist first
    event_id = str(uuid.uuid4())
    criteria = {"productIds": product_ids} if version == 2 else {"productId": product_ids}
    data: dict[str, Any] = {"pf": criteria} if version == 2 else dict(criteria)
    if comment:
        data["comment"] = comment
    request = FootprintRequest(
        direction="sent",
        event_id=event_id,
        spec_version=version,
        participant_id=caller.participant_id,
        counterpart=base_url,
        criteria=criteria,
        comment=comment,
    )
    event = _event(version, "request_created", event_id, own_events_url, data)
    outbox = _outbound(caller.participant_id, base_url, version, event)
    session.add(outbox)  # the queue is operational state; the request is the record
    write(session, request, actor=caller.participant_id, kind="pact.request.sent")
    return request


def _event(version: int, kind: str, event_id: str, source: str, data: dict) -> dict[str, Any]:
    return {
        "type": event_types(version)[kind],
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": data,
    }


def _outbound(participant_id: str, base_url: str, version: int, body: dict) -> OutboundEvent:
    return OutboundEvent(
        participant_id=participant_id,
        base_url=base_url,
        url=f"{base_url}/{version}/events",
        body=body,
        next_attempt_at=utcnow(),
    )


def _partner(session: Session, participant_id: str, base_url: str) -> PartnerHost:
    partner = session.scalar(
        select(PartnerHost).where(
            PartnerHost.participant_id == participant_id, PartnerHost.base_url == base_url
        )
    )
    if partner is None:
        raise Conflict(
            f"no credentials at {base_url}: register them with POST /pact/partners first"
        )
    return partner


# --- Events received -----------------------------------------------------------------------------


def receive_event(session: Session, caller: Caller, version: int, event: dict[str, Any]) -> None:
    """Validate a CloudEvent and act on it: queue a request, or file an answer."""
    errors = formats.validate_event(version, event)
    if errors:
        first = errors[0]
        raise pact.PactError("BadRequest", f"{first['field']}: {first['message']}")
    kinds = {name: kind for kind, name in event_types(version).items()}
    kind = kinds.get(event["type"])
    if kind == "request_created":
        _queue_request(session, caller, version, event)
    elif kind in ("request_fulfilled", "request_rejected"):
        _file_answer(session, caller, version, event, kind)
    elif kind == "published":
        try:
            fetch_published(session, caller, version, event)
        except (httpx.HTTPError, RuntimeError) as exc:  # accepted; the footprint can be pulled
            log.warning("fetching published footprints from %s failed: %s", event["source"], exc)


def _queue_request(session: Session, caller: Caller, version: int, event: dict) -> None:
    data = event.get("data") or {}
    criteria = data.get("pf", {}) if version == 2 else data
    criteria = {k: v for k, v in criteria.items() if k != "comment"}
    wanted = {str(w).lower() for w in criteria.get("productIds") or criteria.get("productId") or []}
    owners = {
        p.owner_id
        for p in session.scalars(select(Product))
        if pact.product_urn(p).lower() in wanted
    }
    if len(owners) != 1:
        # PACT: refuse at once what the host can tell it will never fulfil
        reason = "no product on this host matches" if not owners else "products of several owners"
        raise pact.PactError("BadRequest", f"{reason} the request")
    exists = session.scalar(
        select(FootprintRequest.id).where(
            FootprintRequest.direction == "received",
            FootprintRequest.counterpart == event["source"],
            FootprintRequest.event_id == event["id"],
        )
    )
    if exists:
        return  # a retried delivery: already queued
    request = FootprintRequest(
        direction="received",
        event_id=event["id"],
        spec_version=version,
        participant_id=caller.participant_id,
        owner_id=owners.pop(),
        counterpart=event["source"],
        criteria=criteria,
        comment=data.get("comment"),
    )
    write(session, request, actor=caller.participant_id, kind="pact.request.received")


def _file_answer(session: Session, caller: Caller, version: int, event: dict, kind: str) -> None:
    data = event["data"]
    request = session.scalar(
        select(FootprintRequest).where(
            FootprintRequest.direction == "sent",
            FootprintRequest.event_id == data.get("requestEventId"),
        )
    )
    if request is None:
        raise pact.PactError("BadRequest", "no request of ours has that requestEventId")
    if request.status != "pending":
        return  # a retried delivery of an answer already filed
    provenance = {"host": request.counterpart, "event": event["id"], "via": "request"}
    if kind == "request_fulfilled":
        stored = [
            store_received(session, request.participant_id, doc, version, provenance)
            for doc in data.get("pfs", [])
        ]
        request.status, request.answer = "fulfilled", {"footprints": [f.id for f in stored]}
    else:
        request.status, request.answer = "rejected", {"error": data.get("error")}
    request.answered_at = utcnow()
    write(session, request, actor=caller.participant_id, kind=f"pact.request.{request.status}")


def store_received(
    session: Session, participant_id: str, doc: dict, version: int, provenance: dict
) -> Footprint:
    """A footprint from another host, held by the participant who asked for it."""
    try:
        record = formats.from_pact_v2(doc) if version == 2 else formats.from_pact_v3(doc)
    except ValueError as exc:
        raise pact.PactError("BadRequest", f"a footprint in the answer is invalid: {exc}") from exc
    for held in session.scalars(
        select(Footprint).where(
            Footprint.owner_id == participant_id, Footprint.product_id.is_(None)
        )
    ):
        if (held.provenance or {}).get("id") == record.id:
            return held
    total = float(record.pcf_excluding_biogenic)
    # What the supplier does not split by stage is upstream of our own production: raw
    # material acquisition and pre-processing, from the buyer's point of view.
    stages = {s: float(record.stage_emissions.get(s, 0)) for s in STAGES}
    stages["raw_materials"] += total - stages["raw_materials"] - stages["main_production"]
    total = sum(stages.values())
    including = record.pcf_including_biogenic
    dqi = record.dqi
    footprint = Footprint(
        id=str(uuid.uuid4()),
        product_id=None,
        owner_id=participant_id,
        version=record.version or 1,
        status=record.status,
        declared_unit=PINT_UNITS.get(record.declared_unit, record.declared_unit),
        total=total,
        stages=stages,
        biogenic=max(0.0, float(including - record.pcf_excluding_biogenic)) if including else 0.0,
        primary_data_share=float(record.primary_data_share or Decimal(0)),
        quality={
            k: (float(getattr(dqi, k)) if dqi and dqi.scale == 3 else None)
            for k in ("technological", "geographical", "temporal")
        },
        reference_period_start=record.reference_period_start,
        reference_period_end=record.reference_period_end,
        provenance=provenance
        | {
            "id": record.id,
            "version": record.version,
            "company": record.company_name,
            "product_ids": list(record.product_ids),
            "pact_version": version,
        },
    )
    write(session, footprint, actor=participant_id, kind="footprint.received", commit=False)
    return footprint


# --- Answering a received request ----------------------------------------------------------------


def requests_of(session: Session, participant_id: str, direction: str) -> list[FootprintRequest]:
    """Requests addressed to the participant (received) or sent by it, newest first."""
    column = (
        FootprintRequest.owner_id if direction == "received" else FootprintRequest.participant_id
    )
    return list(
        session.scalars(
            select(FootprintRequest)
            .where(FootprintRequest.direction == direction, column == participant_id)
            .order_by(FootprintRequest.created_at.desc())
        )
    )


def _received(session: Session, caller: Caller, request_id: str) -> FootprintRequest:
    request = session.get(FootprintRequest, request_id)
    if (
        request is None
        or request.direction != "received"
        or request.owner_id != (caller.participant_id)
    ):
        raise NotFound(f"no request {request_id} addressed to you")
    if request.status != "pending":
        raise Conflict(f"the request was already {request.status}")
    return request


def fulfil(
    session: Session, caller: Caller, request_id: str, footprint_ids: list[str], base_url: str
) -> FootprintRequest:
    """Release the footprints to the requester only, and answer its host."""
    request = _received(session, caller, request_id)
    documents = []
    for footprint_id in footprint_ids:
        footprint = session.get(Footprint, footprint_id)
        if (
            footprint is None
            or footprint.owner_id != caller.participant_id
            or not (footprint.product_id)
        ):
            raise InvalidInput(f"{footprint_id} is not one of your computed footprints")
        export = formats.to_pact_v2 if request.spec_version == 2 else formats.to_pact_v3
        try:
            documents.append(export(pact.record(session, footprint)))
        except formats.InvalidFootprint as exc:
            message = f"footprint {footprint_id} is not expressible in PACT v{request.spec_version}"
            raise InvalidInput(
                f"{message}: {exc}", errors=[{"field": exc.field, "message": str(exc)}]
            ) from exc
        create_grant(
            session,
            caller,
            request.participant_id,
            f"footprint:{footprint_id}",
            f"PACT request {request.event_id}",
            datetime.now(UTC) + timedelta(days=365),
            commit=False,
        )
    data = {"requestEventId": request.event_id, "pfs": documents}
    return _answer(session, caller, request, "request_fulfilled", data, base_url, footprint_ids)


def reject(
    session: Session, caller: Caller, request_id: str, message: str, base_url: str
) -> FootprintRequest:
    request = _received(session, caller, request_id)
    # Both OpenAPI documents list NotFound (v2's prose says NoSuchFootprint, but a receiver
    # validating against its OpenAPI file would refuse that).
    error = {"code": "NotFound"}
    data = {"requestEventId": request.event_id, "error": error | {"message": message}}
    return _answer(session, caller, request, "request_rejected", data, base_url, None)


def _answer(session, caller, request, kind, data, base_url, footprint_ids) -> FootprintRequest:
    status = "fulfilled" if kind == "request_fulfilled" else "rejected"
    answer = {"footprints": footprint_ids} if footprint_ids else {"error": data["error"]}
    changes = [(request, f"pact.request.{status}")]
    sent = _sent_here(session, request)
    if sent is None:
        _reply(session, caller, request, kind, data, base_url)
    else:  # both sides on this node: the granted footprints are the answer, no event needed
        changes.append((sent, f"pact.request.{status}"))
    for row in (request, sent) if sent else (request,):
        row.status, row.answer, row.answered_at = status, answer, utcnow()
    write_many(session, changes, actor=caller.participant_id)
    return request


def _sent_here(session: Session, request: FootprintRequest) -> FootprintRequest | None:
    """The requester's own record of the request, if it was sent from this node."""
    return session.scalar(
        select(FootprintRequest).where(
            FootprintRequest.direction == "sent",
            FootprintRequest.event_id == request.event_id,
            FootprintRequest.participant_id == request.participant_id,
        )
    )


def request_locally(
    session: Session,
    requester: Caller,
    products: list[Product],
    comment: str | None,
    base_url: str,
    version: int = 3,
) -> FootprintRequest:
    """A request from one participant of this node to another: the sent and the received
    record at once, as if the event had gone out and come back. Returns the received one."""
    owners = {p.owner_id for p in products}
    if len(owners) != 1 or requester.participant_id in owners:
        raise InvalidInput("name products of one supplier other than yourself")
    base_url = base_url.rstrip("/")
    event_id = str(uuid.uuid4())
    urns = [pact.product_urn(p) for p in products]
    criteria = {"productIds": urns} if version == 2 else {"productId": urns}
    common = {
        "event_id": event_id,
        "spec_version": version,
        "participant_id": requester.participant_id,
        "criteria": criteria,
        "comment": comment,
    }
    sent = FootprintRequest(direction="sent", counterpart=base_url, **common)
    received = FootprintRequest(
        direction="received",
        owner_id=owners.pop(),
        counterpart=f"{base_url}/{version}/events",
        **common,
    )
    write_many(
        session,
        [(sent, "pact.request.sent"), (received, "pact.request.received")],
        actor=requester.participant_id,
    )
    return received


def _reply(session, caller, request: FootprintRequest, kind: str, data: dict, base_url: str):
    """Queue an event for the host a received request came from."""
    source = f"{base_url}/{request.spec_version}/events"
    event = _event(request.spec_version, kind, str(uuid.uuid4()), source, data)
    host = host_root(request.counterpart)
    session.add(_outbound(caller.participant_id, host, request.spec_version, event))


# --- Published updates ---------------------------------------------------------------------------


def publish_update(session: Session, caller: Caller, footprint: Footprint, base_url: str) -> int:
    """A new version of a footprint a customer received through a request goes to that customer
    too: granted, and announced to its host with a Published event. Returns how many."""
    if footprint.preceding_id is None:
        return 0
    earlier: set[str] = set()
    current = footprint.preceding_id
    while current and current not in earlier:  # every earlier version of the same product
        earlier.add(current)
        current = session.scalar(select(Footprint.preceding_id).where(Footprint.id == current))
    told = set()
    for request in session.scalars(
        select(FootprintRequest).where(
            FootprintRequest.direction == "received",
            FootprintRequest.owner_id == caller.participant_id,
            FootprintRequest.status == "fulfilled",
        )
    ):
        sent = set((request.answer or {}).get("footprints", []))
        key = (request.participant_id, request.counterpart, request.spec_version)
        if not sent & earlier or key in told:
            continue
        told.add(key)
        create_grant(
            session,
            caller,
            request.participant_id,
            f"footprint:{footprint.id}",
            f"update of PACT request {request.event_id}",
            datetime.now(UTC) + timedelta(days=365),
            commit=False,
        )
        _reply(session, caller, request, "published", {"pfIds": [footprint.id]}, base_url)
    session.commit()
    return len(told)


def fetch_published(
    session: Session, caller: Caller, version: int, event: dict, http: httpx.Client | None = None
) -> list[Footprint]:
    """On a Published event from a host we hold credentials at, fetch the new footprints for
    every participant here who asked that host before, and keep them."""
    host = host_root(event["source"])
    stored = []
    partners = session.scalars(select(PartnerHost).where(PartnerHost.base_url == host))
    with http or httpx.Client(timeout=TIMEOUT) as client:
        for partner in partners:
            token = partner_token(session, client, partner)
            for pf_id in event["data"].get("pfIds", []):
                response = client.get(
                    f"{host}/{version}/footprints/{pf_id}",
                    headers={"Authorization": f"Bearer {token}"},
                )
                if response.status_code == 200:
                    provenance = {"host": host, "event": event["id"], "via": "published"}
                    doc = response.json()["data"]
                    stored.append(
                        store_received(session, partner.participant_id, doc, version, provenance)
                    )
    session.commit()
    return stored


# --- Delivery ------------------------------------------------------------------------------------


def deliver_due(session: Session, client: httpx.Client | None = None) -> int:
    """POST every due event; returns how many were accepted. Failures back off exponentially
    (10 s, 20 s, … up to an hour) and are dropped after three days."""
    now = utcnow()
    due = list(
        session.scalars(
            select(OutboundEvent)
            .where(OutboundEvent.delivered_at.is_(None), OutboundEvent.next_attempt_at <= now)
            .order_by(OutboundEvent.next_attempt_at)
            .limit(50)
        )
    )
    delivered = 0
    with client or httpx.Client(timeout=TIMEOUT) as http:
        for event in due:
            if now - event.created_at > GIVE_UP_AFTER:
                event.last_error = f"given up after {event.attempts} attempts"
                event.next_attempt_at = now + timedelta(days=3650)
                continue
            try:
                token = _token(session, http, event.participant_id, event.base_url)
                response = http.post(
                    event.url,
                    json=event.body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/cloudevents+json",
                    },
                )
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
                event.delivered_at = utcnow()
                delivered += 1
            except (httpx.HTTPError, RuntimeError, Conflict) as exc:
                event.attempts += 1
                event.last_error = str(exc)[:1000]
                event.next_attempt_at = now + timedelta(seconds=min(10 * 2**event.attempts, 3600))
                log.warning("PACT event to %s failed: %s", event.url, exc)
    session.commit()
    return delivered


def _token(session: Session, http: httpx.Client, participant_id: str, base_url: str) -> str:
    return partner_token(session, http, _partner(session, participant_id, base_url))


# --- Pulling from any PACT host ------------------------------------------------------------------


def pull(
    session: Session,
    participant_id: str,
    base_url: str,
    client_id: str,
    secret: str,
    http: httpx.Client | None = None,
) -> list[Footprint]:
    """Every footprint the host lists for these credentials (v3, else v2), following its
    Link rel="next" pages, stored once each with where it came from."""
    base_url = base_url.rstrip("/")
    stored = []
    with http or httpx.Client(timeout=TIMEOUT) as client:
        token = obtain_token(client, base_url, client_id, secret)
        headers = {"Authorization": f"Bearer {token}"}
        version = 3
        url: str | None = f"{base_url}/3/footprints"
        first = client.get(url, headers=headers)
        if first.status_code in (404, 405):
            version, url = 2, f"{base_url}/2/footprints"
            first = client.get(url, headers=headers)
        response = first
        while True:
            if response.status_code not in (200, 202):
                raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
            provenance = {"host": base_url, "via": "pull", "pulled_at": utcnow().isoformat()}
            for doc in response.json().get("data", []):
                stored.append(store_received(session, participant_id, doc, version, provenance))
            url = response.links.get("next", {}).get("url")
            if not url:
                break
            response = client.get(url, headers=headers)
    session.commit()
    return stored


register_record_type("pact-partner", PartnerHost, lambda p: {"id": p.id, "base_url": p.base_url})
