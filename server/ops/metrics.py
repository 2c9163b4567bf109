"""Room metrics, and the text of ``/metrics`` (docs/operations.md).

Each web process serves its own metrics: deployments run one Daphne per port (one systemd
instance, Compose replica or pod each) and Prometheus scrapes every one; sums across
targets give the cluster. The speech-path metrics are in ``server.common.metrics``.
"""

from prometheus_client import REGISTRY, Counter, Gauge, generate_latest

# Imported for its metrics: a web process serves the speech path's series from the start.
from server.common import metrics as speech_metrics  # noqa: F401
from server.rooms.hub import MeetingHub
from server.rooms.models import RoomEvent

ROOM_CONNECTIONS = Gauge(
    "plenary_room_connections",
    "Room sockets open on this process, per meeting.",
    ["meeting"],
)
ROOM_EVENTS = Counter(
    "plenary_room_events_total",
    "Room events written by this process, by type (rate(): events per second).",
    ["type"],
)


def room_event_saved(
    sender: type[RoomEvent], instance: RoomEvent, created: bool, **_: object
) -> None:
    """Count a room event as it is written. (Services validate before they append, so an
    event whose transaction then rolls back is rare enough not to matter to a rate.)"""
    if created:
        ROOM_EVENTS.labels(instance.type).inc()


def connections_observe(hub: MeetingHub) -> None:
    """Set the per-meeting connection gauge from this process's room hub."""
    ROOM_CONNECTIONS.clear()
    for meeting_id, room in hub.rooms.items():
        ROOM_CONNECTIONS.labels(str(meeting_id)).set(len(room.members))


def metrics_text(hub: MeetingHub) -> bytes:
    connections_observe(hub)
    return generate_latest(REGISTRY)
