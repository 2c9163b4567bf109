// The room socket (docs/protocol.md): a snapshot on the first connect, a replay after
// ?last_seq=N on every reconnect, events applied strictly in sequence, any gap fetched
// before anything newer is applied, duplicates dropped. It asks for batch frames (?batch=1):
// what the server had queued together comes in one frame, read in order. No DOM here.
import { PROTOCOL } from "./protocol.js";
import { apply, fromSnapshot } from "./room-state.js";
import { gettext } from "./i18n.js";

const CONTROL_TYPES = new Set(["snapshot", "synced", "error", "events", "ack", "pong", "batch"]);
const EPHEMERAL_TYPES = new Set(PROTOCOL.ephemeral_types);
const CLOSE_MESSAGES = { logged_out: gettext("You have logged out."), unauthenticated: gettext("You are not logged in."),
  forbidden: gettext("Your delegation is not admitted to this meeting."), not_found: gettext("No such meeting."),
  too_many_sockets: gettext("You have too many meeting windows open: close one and reload this page.") };
// After these the server will not let this page in again: no reconnect. After too_slow (the
// page fell too far behind) it reconnects at once and replays from its last seq.
const FINAL_CLOSE = Object.fromEntries(Object.entries(PROTOCOL.close_codes)
  .filter(([name]) => name !== "too_slow").map(([name, code]) => [code, CLOSE_MESSAGES[name]]));
const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 10000;

export const isEvent = (message) => Number.isInteger(message.seq) && !CONTROL_TYPES.has(message.type);

export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(30000, 500 * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

export class RoomClient extends EventTarget {
  constructor(meetingId, { path = `/ws/meetings/${meetingId}/` } = {}) {
    super();
    this.path = path;
    this.state = null;
    this.pending = new Map(); // seq -> event that arrived ahead of a gap
    this.fetching = false;
    this.attempt = 0;
    this.nextId = 1;
    this.socket = null;
    this.finalClose = null;
    this.reconnectTimer = null;
    this.pingTimer = null;
    addEventListener("online", () => this.reconnectNow());
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = this.state ? `?batch=1&last_seq=${this.state.seq}` : "?batch=1";
    return `${scheme}://${location.host}${this.path}${query}`;
  }

  connect() {
    clearTimeout(this.reconnectTimer);
    this.fetching = false;
    this.status("connecting");
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("message", (m) => socket === this.socket && this.receiveText(m.data));
    socket.addEventListener("close", (c) => socket === this.socket && this.closed(c));
  }

  reconnectNow() {
    if (this.finalClose || this.socket?.readyState === WebSocket.OPEN) return;
    this.attempt = 0;
    this.connect();
  }

  // Stop for good, no reconnect (a page done with the room; the end-to-end tests).
  disconnect() {
    this.finalClose = gettext("Disconnected.");
    clearTimeout(this.reconnectTimer);
    this.socket?.close();
  }

  closed(close) {
    clearInterval(this.pingTimer);
    this.socket = null;
    this.finalClose ??= FINAL_CLOSE[close.code] ?? null;
    if (this.finalClose) {
      this.status("closed");
      return;
    }
    if (close.code === PROTOCOL.close_codes.too_slow) this.attempt = 0;
    this.status("offline");
    this.reconnectTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt++));
  }

  status(value) {
    this.dispatchEvent(new CustomEvent("status", { detail: value }));
  }

  receiveText(text) {
    this.lastHeard = Date.now();
    this.receive(JSON.parse(text));
  }

  receive(message) {
    if (message.type === "batch") return this.batch(message.events);
    if (message.type === "snapshot") return this.snapshot(message);
    if (message.type === "synced") return this.live();
    if (message.type === "events") return this.fetched(message.events);
    if (message.type === "error") return this.failed(message);
    if (message.type === "you.changed" && this.state) {
      // Your role or delegation changed: the server checks your rights as they are now.
      this.state = { ...this.state, you: message.you };
      return this.changed([]);
    }
    if (isEvent(message)) return this.event(message);
    // Without a sequence number: live only (draft captions, recognition status).
    if (EPHEMERAL_TYPES.has(message.type)) this.dispatchEvent(new CustomEvent("ephemeral", { detail: message }));
  }

  snapshot(message) {
    this.state = fromSnapshot(message);
    this.pending.clear();
    this.live();
    this.changed([]);
  }

  live() {
    this.attempt = 0;
    this.keepAlive();
    this.status("live");
  }

  failed(message) {
    if (message.ref === "events.fetch") this.fetching = false;
    this.dispatchEvent(new CustomEvent("error", { detail: message }));
  }

  fetched(events) {
    this.fetching = false;
    events.forEach((e) => this.hold(e));
    this.drain();
  }

  event(event) {
    this.hold(event);
    this.drain();
  }

  // Several messages in one frame, in the order they were sent: a run of events is applied
  // together (one change), and whatever is not an event comes after the events before it.
  batch(messages) {
    for (const message of messages) {
      if (isEvent(message)) this.hold(message);
      else {
        this.drain();
        this.receive(message);
      }
    }
    this.drain();
  }

  hold(event) {
    // Before the snapshot nothing can be applied; at or below state.seq it is a duplicate.
    if (this.state && event.seq > this.state.seq) this.pending.set(event.seq, event);
  }

  // Apply every event that follows on; if one is missing, ask for the range once.
  drain() {
    const applied = [];
    while (this.state && this.pending.has(this.state.seq + 1)) {
      const next = this.pending.get(this.state.seq + 1);
      this.pending.delete(next.seq);
      this.state = apply(this.state, next);
      applied.push(next);
    }
    if (this.pending.size && !this.fetching) this.fetchGap();
    if (applied.length) this.changed(applied);
  }

  fetchGap() {
    this.fetching = true;
    const until = Math.min(...this.pending.keys()) - 1;
    if (!this.send("events.fetch", { after: this.state.seq, until })) this.fetching = false;
  }

  changed(events) {
    this.dispatchEvent(new CustomEvent("change", { detail: { state: this.state, events } }));
  }

  // A socket can die without a close frame (a network gone away); a ping unanswered in
  // time closes it, and the close starts a reconnect.
  keepAlive() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket || !this.send("ping")) return;
      const sent = Date.now();
      setTimeout(() => socket === this.socket && this.lastHeard < sent && socket.close(), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  // Send one client message; false (and an error event) when there is no open socket.
  send(type, data = {}) {
    if (this.socket?.readyState !== WebSocket.OPEN) {
      const message = this.finalClose ?? gettext("Not connected; try again in a moment.");
      this.dispatchEvent(new CustomEvent("error", { detail: { code: "offline", message } }));
      return false;
    }
    this.socket.send(JSON.stringify({ type, id: this.nextId++, data }));
    return true;
  }
}
