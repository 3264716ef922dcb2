"""Telemetry over MQTT: readings published to `junkan/telemetry/{battery-id}` are gathered and
stored through the same bulk path as uploads, a batch every few seconds.

A message is one JSON reading or JSON lines; the battery comes from the topic. A bad message
does not hold back the good ones: each batch is stored with partial=true and the refused lines
are logged with their topic.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable

import paho.mqtt.client as mqtt
from sqlalchemy.orm import Session

from junkan.circularity.service import ingest
from junkan.errors import Problem
from junkan.identity.service import Caller

TOPIC = "junkan/telemetry/"
log = logging.getLogger(__name__)


def lines_of(topic: str, payload: bytes) -> list[str]:
    """The message as JSON lines, each with the topic's battery filled in if missing."""
    battery = topic.removeprefix(TOPIC)
    out = []
    for raw in payload.decode("utf-8", errors="replace").splitlines():
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            out.append(raw)  # refused, with its line, by the parser
            continue
        if isinstance(record, dict):
            record.setdefault("battery_id", battery)
        out.append(json.dumps(record))
    return out


def listen(
    sessions: Callable[[], Session],
    caller: Caller,
    host: str = "127.0.0.1",
    port: int = 1883,
    flush_seconds: float = 2.0,
    stop: threading.Event | None = None,
    on_batch: Callable[[dict], None] | None = None,
) -> None:
    """Subscribe and store until `stop` is set (or forever)."""
    stop = stop or threading.Event()
    pending: list[str] = []
    lock = threading.Lock()

    def on_message(_client, _userdata, message) -> None:
        with lock:
            pending.extend(lines_of(message.topic, message.payload))

    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=f"junkan-{caller.participant_id}"
    )
    client.on_message = on_message
    client.on_connect = lambda c, *_: c.subscribe(f"{TOPIC}#", qos=1)
    client.connect(host, port)
    client.loop_start()
    try:
        while not stop.is_set():
            stop.wait(flush_seconds)
            with lock:
                batch, pending[:] = list(pending), []
            if batch:
                _store(sessions, caller, batch, on_batch)
    finally:
        client.loop_stop()
        client.disconnect()


def _store(sessions, caller: Caller, lines: list[str], on_batch) -> None:
    with sessions() as session:
        try:
            result = ingest(
                session,
                caller,
                "\n".join(lines).encode(),
                "application/x-ndjson",
                partial=True,
                channel="mqtt",
            )
        except Problem as exc:
            log.warning("telemetry batch refused: %s %s", exc.detail, exc.errors[:5])
            result = {"stored": 0, "errors": exc.errors}
    for error in result["errors"]:
        log.warning("telemetry line refused: %s", error)
    if on_batch:
        on_batch(result)


def wait_for_broker(host: str, port: int, seconds: float = 2.0) -> bool:
    """True if an MQTT broker accepts a connection within `seconds`."""
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False
