"""The room page's protocol modules, run in Chromium as the page runs them: the pure state
reducer (room-state.js) and the socket client's ordering rules (room-client.js).

The client's socket is replaced by a recorder here, because a real server never delivers
events out of order on purpose; test_room_browser.py covers the same rules end to end."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.server import ServerProcess

pytestmark = [pytest.mark.browser]

SNAPSHOT = """{v: 1, type: "snapshot", seq: 10,
  meeting: {id: 1, title: "1st plenary meeting", status: "open", speaking_time: 180},
  you: KEN, presence: [CHAIR], hands: [], speakers: [],
  floor: {holder: null, since: null, timer: {limit: null, running_since: null, elapsed: 0}},
  agenda: [{id: 1, number: "1", title: "Opening"}, {id: 2, number: "2", title: "Agenda"}],
  agenda_item: null, chat: []}"""
PEOPLE = """const KEN = {id: 7, name: "Mr. David Otieno", delegation: "KEN",
  delegation_name: "Kenya", role: "delegate"};
const CHAIR = {id: 1, name: "Chair", delegation: null, delegation_name: null, role: "chair"};"""


@pytest.fixture(scope="module")
def page(browser: Browser, server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    yield page
    context.close()


def run(page: Page, body: str) -> object:
    """Run ``body`` (JavaScript) with the modules imported as ``state`` and ``client``."""
    script = f"""async () => {{
      const state = await import("/static/js/room-state.js");
      const client = await import("/static/js/room-client.js");
      {PEOPLE}
      const snapshot = () => ({SNAPSHOT});
      const event = (seq, type, data = {{}}) =>
        ({{v: 1, seq, type, ts: "2026-11-22T12:00:00+00:00", actor: CHAIR, data}});
      {body}
    }}"""
    result: object = page.evaluate(script)
    return result


def test_unknown_and_sealed_events_only_advance_the_sequence(page: Page) -> None:
    result = run(
        page,
        """const before = state.fromSnapshot(snapshot());
        const sealed = state.apply(before, {v: 1, type: "sealed", seq: 11, ts: "t"});
        const unknown = state.apply(sealed, event(12, "captions.segment", {text: "hi"}));
        return [sealed.seq, unknown.seq,
                JSON.stringify({...unknown, seq: 10}) === JSON.stringify(before)];""",
    )
    assert result == [11, 12, True]


def test_each_event_changes_the_state_as_documented(page: Page) -> None:
    result = run(
        page,
        """const timer = {limit: 180, running_since: "2026-11-22T12:00:00+00:00", elapsed: 0};
        const speakers = [{entry: 3, kind: "point_of_order", participant: KEN}];
        const events = [
          event(11, "presence.joined", {participant: KEN}),
          event(12, "hand.raised", {participant: KEN}),
          event(13, "speakers.changed", {speakers}),
          event(14, "chat.message", {scope: "meeting", text: "Hello", delegation: null}),
          event(15, "floor.granted", {holder: KEN, since: timer.running_since, timer}),
          event(16, "timer.stopped", {timer: {...timer, running_since: null, elapsed: 9}}),
          event(17, "agenda.switched", {item: {id: 2, number: "2", title: "Agenda"}}),
          event(18, "meeting.status", {status: "suspended", previous: "open"}),
          event(19, "presence.left", {participant: CHAIR}),
          event(20, "hand.lowered", {participant: KEN}),
        ];
        const s = events.reduce(state.apply, state.fromSnapshot(snapshot()));
        return {seq: s.seq, presence: s.presence.map((p) => p.id), hands: s.hands.length,
                speakers: s.speakers.map((e) => e.kind), chat: s.chat.map((l) => l.text),
                holder: s.floor.holder.id, elapsed: s.floor.timer.elapsed,
                item: s.agendaItem.id, status: s.meeting.status};""",
    )
    assert result == {
        "seq": 20,
        "presence": [7],
        "hands": 0,
        "speakers": ["point_of_order"],
        "chat": ["Hello"],
        "holder": 7,
        "elapsed": 9,
        "item": 2,
        "status": "suspended",
    }


def test_final_pass_a_settled_caption_replaces_the_pieces_it_names(page: Page) -> None:
    result = run(
        page,
        """const line = (seq, segment, text, replaces = []) => event(seq, "caption.final",
          {segment, turn: 4, speaker: KEN, language: "en", text, replaces});
        const events = [
          line(11, 1, "Thank you."),
          line(12, 2, "On operating"),
          event(13, "caption.translation", {segment: 2, turn: 4, language: "es", text: "x"}),
          line(14, 3, "paragraph five,"),
          line(15, 4, "On operative paragraph five, we agree.", [2, 3]),
        ];
        const s = events.reduce(state.apply, state.fromSnapshot(snapshot()));
        return s.captions.map((l) => [l.segment, l.text]);""",
    )
    assert result == [[1, "Thank you."], [4, "On operative paragraph five, we agree."]]


def test_the_timer_counts_down_only_while_it_runs(page: Page) -> None:
    result = run(
        page,
        """const since = Date.parse("2026-11-22T12:00:00+00:00");
        const running = {limit: 180, running_since: "2026-11-22T12:00:00+00:00", elapsed: 20};
        const stopped = {...running, running_since: null};
        return [state.timerRemaining(running, since + 30000),
                state.timerRemaining(running, since + 200000),
                state.timerRemaining(stopped, since + 999999),
                state.timerRemaining({limit: null, running_since: null, elapsed: 0}, since)];""",
    )
    assert result == [130, -40, 160, None]


def test_the_client_holds_events_after_a_gap_until_it_has_fetched_the_gap(page: Page) -> None:
    result = run(
        page,
        """const room = new client.RoomClient(1);
        const sent = [];
        room.socket = {readyState: WebSocket.OPEN, send: (text) => sent.push(JSON.parse(text))};
        room.receive(snapshot());
        const chat = (seq, text) => event(seq, "chat.message", {scope: "meeting", text});
        room.receive(chat(11, "one"));
        room.receive(chat(11, "one again"));          // a duplicate
        room.receive(chat(14, "four"));               // 12 and 13 are missing
        room.receive(chat(15, "five"));
        const held = room.state.seq;
        room.receive({v: 1, type: "notice", text: "no seq"});  // not an event: ignored
        room.receive({v: 1, type: "events", id: 1,
                      events: [chat(12, "two"), {v: 1, type: "sealed", seq: 13, ts: "t"}]});
        return {held, fetches: sent.map((m) => [m.type, m.data]), seq: room.state.seq,
                chat: room.state.chat.map((l) => l.text), pending: room.pending.size};""",
    )
    assert result == {
        "held": 11,
        "fetches": [["events.fetch", {"after": 11, "until": 13}]],
        "seq": 15,
        "chat": ["one", "two", "four", "five"],
        "pending": 0,
    }


def test_a_failed_fetch_is_asked_again_on_the_next_event(page: Page) -> None:
    result = run(
        page,
        """const room = new client.RoomClient(1);
        const sent = [];
        room.socket = {readyState: WebSocket.OPEN, send: (text) => sent.push(JSON.parse(text))};
        room.receive(snapshot());
        room.receive(event(12, "hand.raised", {participant: KEN}));
        room.receive({v: 1, type: "error", code: "internal", message: "x", ref: "events.fetch"});
        room.receive(event(13, "hand.lowered", {participant: KEN}));
        return sent.map((m) => m.data);""",
    )
    assert result == [{"after": 10, "until": 11}, {"after": 10, "until": 11}]


def test_reconnecting_backs_off_exponentially_up_to_thirty_seconds(page: Page) -> None:
    result = run(
        page,
        """const most = (n) => client.backoffDelay(n, () => 1);
        const least = (n) => client.backoffDelay(n, () => 0);
        return [most(0), most(1), most(3), most(20), least(3)];""",
    )
    assert result == [500, 1000, 4000, 30000, 2000]


def test_a_batch_frame_is_applied_in_order_with_its_drafts_between_its_events(
    page: Page,
) -> None:
    result = run(
        page,
        """const room = new client.RoomClient(1);
        const seen = [];
        room.socket = {readyState: WebSocket.OPEN, send: (text) => seen.push(JSON.parse(text))};
        room.addEventListener("change", (e) => seen.push(e.detail.events.map((x) => x.seq)));
        room.addEventListener("ephemeral", (e) => seen.push(e.detail.text));
        room.receive(snapshot());
        const chat = (seq, text) => event(seq, "chat.message", {scope: "meeting", text});
        const draft = (text) => ({v: 1, type: "caption.draft", turn: 1, speaker: KEN,
                                  language: "en", text});
        const batch = (events) => JSON.stringify({v: 1, type: "batch", events});
        room.receiveText(batch([chat(11, "one"), chat(12, "two"), draft("Thank"),
                                chat(13, "three"), draft("Thank you")]));
        room.receiveText(batch([chat(13, "three again"), chat(16, "six")]));  // 14, 15 missing
        return {seen, seq: room.state.seq, chat: room.state.chat.map((l) => l.text),
                url: room.url().split("/ws/")[1]};""",
    )
    assert result == {
        "seen": [
            [],  # the snapshot
            [11, 12],
            "Thank",
            [13],
            "Thank you",
            {"type": "events.fetch", "id": 1, "data": {"after": 13, "until": 15}},
        ],
        "seq": 13,
        "chat": ["one", "two", "three"],
        "url": "meetings/1/?batch=1&last_seq=13",
    }


def test_a_socket_closed_as_too_slow_reconnects_at_once_and_others_are_final(
    page: Page,
) -> None:
    result = run(
        page,
        """const { PROTOCOL } = await import("/static/js/protocol.js");
        const closing = (code, attempt) => {
          const room = new client.RoomClient(1);
          room.attempt = attempt;
          room.socket = {};
          room.closed({code});
          clearTimeout(room.reconnectTimer);
          return [room.finalClose, room.attempt];
        };
        return [closing(PROTOCOL.close_codes.too_slow, 5),
                closing(1006, 5),
                closing(PROTOCOL.close_codes.logged_out, 0)];""",
    )
    # too_slow: the next try is the first (a backoff of at most half a second), not the sixth
    assert result == [[None, 1], [None, 6], ["You have logged out.", 0]]
