// Drawing the room state into the page. No protocol logic here: the view reads the state
// and calls `act(type, data)` for whatever the person asks for.
import { PROTOCOL } from "./protocol.js";
import { timerRemaining } from "./room-state.js";
import { format, formatTime, gettext } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const KIND_TAG = { point_of_order: gettext("Point of order"), right_of_reply: gettext("Right of reply"),
  explanation_before: gettext("Explanation of vote before the vote"),
  explanation_after: gettext("Explanation of vote after the vote") };
const MEETING_STATUS = { scheduled: gettext("scheduled"), open: gettext("open"), suspended: gettext("suspended"),
  closed: gettext("closed") };
const TRANSITIONS = Object.entries(PROTOCOL.meeting_transitions);
const statusActions = (status) => TRANSITIONS.filter(([, t]) => t.from.includes(status)).map(([action]) => action);

export function who(p) {
  return p.delegation ? `${p.name} (${p.delegation_name})` : p.name;
}

// Text nodes are replaced only when the text changes, so live regions speak only news.
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function element(tag, text = "", attrs = {}) {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function button(label, onClick, attrs = {}) {
  const b = element("button", label, { type: "button", ...attrs });
  b.addEventListener("click", () => b.getAttribute("aria-disabled") !== "true" && onClick());
  return b;
}

function setDisabled(el, disabled) {
  el.setAttribute("aria-disabled", String(disabled));
}

// Replace a list's rows; the control that had the focus keeps it (same data-key), or the
// list itself takes it when that control is gone, so keyboard users never fall to <body>.
function replaceRows(list, rows) {
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  list.replaceChildren(...rows);
  if (focused) (list.querySelector(`[data-key="${focused}"]`) ?? list).focus();
}

export function render(state, { presiding, act, clockOffset }) {
  renderMeeting(state);
  renderFloor(state, clockOffset);
  renderSpeakers(state, presiding, act);
  renderHands(state, presiding, act);
  replaceRows($("presence"), state.presence.map((p) => personRow(state, p)));
  renderChat(state);
  if (presiding) renderChair(state);
}

function renderMeeting(state) {
  const status = $("meeting-status");
  setText(status, MEETING_STATUS[state.meeting.status] ?? state.meeting.status);
  status.dataset.status = state.meeting.status;
  const current = state.agendaItem;
  setText($("agenda-current"), current ? `${current.number}. ${current.title}` : gettext("none yet"));
  replaceRows($("agenda"), state.agenda.map((a) =>
    element("li", `${a.number}. ${a.title}`,
      { dir: "auto", ...(a.id === current?.id ? { "aria-current": "step" } : {}) })));
}

function renderFloor(state, clockOffset) {
  const holder = $("floor-holder");
  setText(holder, state.floor.holder ? who(state.floor.holder) : gettext("Nobody has the floor."));
  holder.dataset.participant = state.floor.holder?.id ?? "";
  tick(state, clockOffset);
}

function personRow(state, p) {
  const li = element("li", who(p), { dir: "auto" }); // a name reads in its own direction
  if (p.id === state.you.id) li.append(" ", element("span", gettext("(you)"), { class: "muted" }));
  return li;
}

function renderSpeakers(state, presiding, act) {
  const rows = state.speakers.map((s, i) => speakerRow(state, s, i, presiding, act));
  replaceRows($("speakers"), rows);
  $("speakers-empty").hidden = state.speakers.length > 0;
  const listed = state.speakers.some((s) => s.participant.id === state.you.id);
  $("withdraw").hidden = !listed;
}

function speakerRow(state, entry, index, presiding, act) {
  const li = personRow(state, entry.participant);
  li.dataset.kind = entry.kind;
  if (KIND_TAG[entry.kind]) li.prepend(element("span", KIND_TAG[entry.kind], { class: `tag ${entry.kind}` }), " ");
  if (presiding) li.append(" ", ...speakerControls(state, entry, index, act));
  return li;
}

function speakerControls(state, entry, index, act) {
  const name = who(entry.participant);
  const order = state.speakers.map((s) => s.entry);
  const move = (to) => {
    order.splice(index, 1);
    order.splice(to, 0, entry.entry);
    act("speakers.reorder", { entries: order });
  };
  const key = (what) => ({ "data-key": `${what}-${entry.entry}` });
  const up = button(gettext("Up"), () => move(index - 1), { ...key("up"), "aria-label": format(gettext("Move {name} up"), { name }) });
  const down = button(gettext("Down"), () => move(index + 1), { ...key("down"), "aria-label": format(gettext("Move {name} down"), { name }) });
  setDisabled(up, index === 0);
  setDisabled(down, index === order.length - 1);
  return [
    button(gettext("Give floor"), () => act("floor.give", { participant: entry.participant.id }),
      { ...key("give"), "aria-label": format(gettext("Give floor to {name}"), { name }) }),
    up, down,
    button(gettext("Remove"), () => act("speakers.remove", { entry: entry.entry }),
      { ...key("remove"), "aria-label": format(gettext("Remove {name} from the list"), { name }) }),
  ];
}

function renderHands(state, presiding, act) {
  replaceRows($("hands"), state.hands.map((p) => {
    const li = personRow(state, p);
    if (presiding) {
      li.append(" ", button(gettext("Lower"), () => act("hand.lower", { participant: p.id }),
        { "data-key": `lower-${p.id}`, "aria-label": format(gettext("Lower the hand of {name}"), { name: who(p) }) }));
    }
    return li;
  }));
  $("hands-empty").hidden = state.hands.length > 0;
  const raised = state.hands.some((p) => p.id === state.you.id);
  setText($("hand"), raised ? gettext("Lower my hand") : gettext("Raise my hand"));
  $("hand").setAttribute("aria-pressed", String(raised));
}

// Chat lines are only ever appended (and the oldest dropped), so the log announces new ones.
function renderChat(state) {
  const log = $("chat");
  const kept = new Set(state.chat.map((line) => line.seq));
  const shown = new Set();
  for (const li of [...log.children]) {
    if (kept.has(Number(li.dataset.seq))) shown.add(Number(li.dataset.seq));
    else li.remove();
  }
  const scroller = $("chat-scroll");
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 20;
  log.append(...state.chat.filter((line) => !shown.has(line.seq)).map(chatLine));
  if (atBottom) scroller.scrollTop = scroller.scrollHeight;
}

function chatLine(line) {
  const li = element("li", "", { "data-seq": line.seq, "data-scope": line.scope });
  const time = element("time", localTime(line.ts), { datetime: line.ts, class: "muted" });
  const author = element("strong", line.actor ? who(line.actor) : "—");
  li.append(time, " ", author);
  if (line.scope === "delegation") li.append(" ", element("span", format(gettext("{delegation} only"), { delegation: line.delegation }), { class: "tag delegation" }));
  li.append(": ", line.text);
  return li;
}

const localTime = (iso) => formatTime(new Date(iso));

function renderChair(state) {
  choose($("add-speaker-who"), state.presence.map((p) => new Option(who(p), p.id)));
  choose($("agenda-item"), state.agenda.map((a) => new Option(`${a.number}. ${a.title}`, a.id)),
    state.agendaItem?.id);
  const allowed = statusActions(state.meeting.status);
  document.querySelectorAll("[data-status-action]").forEach((b) =>
    setDisabled(b, !allowed.includes(b.dataset.statusAction)));
  const running = Boolean(state.floor.timer?.running_since);
  setDisabled($("timer-start"), running);
  setDisabled($("timer-stop"), !running);
  setDisabled($("floor-next"), state.speakers.length === 0);
  setDisabled($("floor-release"), !state.floor.holder);
}

// Refill a <select>, keeping the person's choice if it is still there.
function choose(select, options, fallback) {
  const chosen = select.value || String(fallback ?? "");
  select.replaceChildren(...options);
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}

export function tick(state, clockOffset) {
  const left = timerRemaining(state.floor.timer, Date.now() + clockOffset);
  const timer = $("floor-timer");
  timer.hidden = left === null;
  if (left === null) return;
  const abs = Math.abs(left);
  setText(timer, `${left < 0 ? "−" : ""}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, "0")}`);
  timer.dataset.seconds = String(left);
  timer.dataset.running = String(Boolean(state.floor.timer.running_since));
  timer.classList.toggle("over", left < 0);
}

export function alert(message) {
  $("alerts").replaceChildren(element("p", message));
}

// The room client's status, errors and live-only messages on the page: the connection
// badge, the alert line and the captions panel (its language said again on each connect).
export function followClient(client, captions) {
  client.addEventListener("status", (e) => {
    connection(e.detail);
    if (e.detail === "live") captions.announce();
  });
  client.addEventListener("error", (e) => alert(e.detail.message));
  client.addEventListener("ephemeral", (e) => {
    if (e.detail.type === PROTOCOL.event_types.caption_draft) captions.onDraft(e.detail);
    if (e.detail.type === PROTOCOL.event_types.caption_status) captions.onStatus(e.detail);
  });
}

const CONNECTION = { live: gettext("Live"), connecting: gettext("Connecting…"), offline: gettext("Reconnecting…"),
  closed: gettext("Disconnected") };

export function connection(status) {
  const el = $("connection");
  el.dataset.state = status;
  setText(el, CONNECTION[status]);
}
