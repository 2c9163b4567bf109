// The negotiation page: changes go through the room's actions over HTTP; every
// negotiation event on the room socket (or a reconnection) reloads the text's body, so all
// participants see each change at once and a page that lost its socket catches up.
const root = document.getElementById("negotiation");
const textId = Number(root.dataset.text);
const meetingId = Number(root.dataset.meeting);
const body = document.getElementById("text-body");
const alerts = document.getElementById("alerts");
const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
const live = { seq: 0, retry: 0, socket: null, refreshes: 0, stopped: false };
live.stop = () => { live.stopped = true; live.socket.close(); }; // stay offline (tests)
window.plenaryNegotiation = live; // for the end-to-end tests and the curious

function alert(message) {
  const p = document.createElement("p");
  p.textContent = message;
  alerts.replaceChildren(p);
}

async function refresh() {
  const reply = await fetch(`/negotiation/${textId}/body`, { credentials: "same-origin" });
  if (!reply.ok) return alert(`Could not reload the text (${reply.status}).`);
  // Parsed as an inert document (no script runs), then moved in as nodes.
  const fresh = new DOMParser().parseFromString(await reply.text(), "text/html");
  body.replaceChildren(...fresh.body.childNodes);
  live.refreshes += 1;
  fillClauseLists();
}

async function act(type, data) {
  const reply = await fetch(`/api/meetings/${meetingId}/actions/${type}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify({ text: textId, ...data }),
  });
  const answer = await reply.json();
  if (!reply.ok) {
    alert(answer.message || `The change was refused (${reply.status}).`);
    return false;
  }
  alerts.replaceChildren();
  return true;
}

function connectionState(value, label) {
  const badge = document.getElementById("connection");
  if (!badge) return;
  badge.dataset.state = value;
  badge.textContent = label;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/meetings/${meetingId}/`);
  live.socket = socket;
  socket.addEventListener("message", (m) => receive(JSON.parse(m.data)));
  socket.addEventListener("close", (c) => {
    connectionState("offline", "Reconnecting…");
    if (live.stopped || (c.code >= 4000 && c.code < 4500)) return; // not admitted, logged out
    setTimeout(connect, Math.min(15000, 500 * 2 ** live.retry++));
  });
}

function receive(message) {
  if (message.type === "snapshot") {
    live.seq = message.seq;
    live.retry = 0;
    connectionState("live", "Live");
    refresh(); // whatever happened while we were away
  } else if (typeof message.seq === "number") {
    live.seq = Math.max(live.seq, message.seq);
    if (message.type.startsWith("negotiation.") && message.data?.text === textId) refresh();
  }
}

// Clause pickers of the proposal form, from the body's clauses.
function fillClauseLists() {
  const clauses = [...body.querySelectorAll("article.clause")];
  for (const id of ["p-clause", "p-other"]) {
    const select = document.getElementById(id);
    if (!select) continue;
    const kept = select.value;
    const options = clauses.map((a) => new Option(`${a.dataset.number} (clause ${a.dataset.key})`, a.dataset.key));
    select.replaceChildren(...(id === "p-other" ? [new Option("—", "")] : []), ...options);
    if (kept) select.value = kept;
  }
}

const clauseOf = (key) => body.querySelector(`article.clause[data-key="${key}"]`);
const number = (value) => (value === "" || value == null ? null : Number(value));
const structureVersion = () => Number(body.querySelector(".negotiation-body").dataset.structureVersion);

// What each kind of proposal sends: its operation and the version it is based on.
function proposal(form) {
  const get = (name) => form.get(name)?.trim() ?? "";
  const clause = number(get("clause"));
  const other = number(get("other"));
  const span = get("span") || null;
  const onClause = { clause, base_version: Number(clauseOf(clause)?.dataset.version ?? -1) };
  const structural = { base_version: structureVersion() };
  const otherClause = other == null ? null : clauseOf(other);
  const parentOf = (el) => number(el?.dataset.parent);
  const operations = {
    replace: () => ({ ...onClause, operation: { old: get("span"), new: get("words") } }),
    delete: () => ({ ...onClause, operation: {} }),
    bracket_add: () => ({ ...onClause, operation: { span } }),
    bracket_remove: () => ({ ...onClause, operation: { bracket: number(get("mark")) } }),
    option_add: () => ({ ...onClause, operation: { group: number(get("mark")), span, words: get("words") } }),
    option_choose: () => ({ ...onClause, operation: { group: number(get("mark")), alternative: number(get("alternative")) } }),
    insert: () => ({ ...structural, operation: { kind: get("new_kind"), parent: parentOf(clauseOf(clause)), after: clause, words: get("words") } }),
    merge: () => ({ ...structural, operation: { sources: [clause, other], words: get("words") } }),
    move: () => ({ ...structural, clause, operation: { parent: parentOf(otherClause), after: other } }),
  };
  return operations[get("kind")]();
}

document.getElementById("propose")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const cosponsors = (form.get("cosponsors") || "").split(/[\s,;]+/).filter(Boolean).map((c) => c.toUpperCase());
  const ok = await act("negotiation.propose", {
    kind: form.get("kind"), rationale: form.get("rationale"), cosponsors, ...proposal(form),
  });
  if (ok) event.target.reset();
});

// Buttons and small forms inside the body: accept, reject, withdraw, positions, status.
body.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const d = button.dataset;
  const data = d.proposal
    ? { proposal: Number(d.proposal), base_version: Number(d.version) }
    : { target: d.target, id: Number(d.id), stance: d.stance, base_version: Number(d.version) };
  act(d.action, data);
});
body.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-action]");
  if (!form) return;
  event.preventDefault();
  const d = form.dataset;
  const fields = Object.fromEntries(new FormData(form));
  const where = d.clause ? { clause: Number(d.clause) } : { target: d.target, id: Number(d.id) };
  act(d.action, { ...where, ...fields, base_version: Number(d.version) });
});

fillClauseLists();
connect();
