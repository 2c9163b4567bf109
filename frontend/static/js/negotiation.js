// The negotiation page: changes go through the room's actions over HTTP; the room client
// (replay, ping, backoff) says when a negotiation event about this text arrived, or when
// it came back after missing some. The page then fetches the text's body and puts in only
// the parts that changed (keyed by id: each clause, the counts, the new clauses), so the
// place and focus of whoever is reading or typing stay put; its live region says in one
// line what happened.
import { PROTOCOL } from "./protocol.js";
import { RoomClient } from "./room-client.js";
import { format, gettext } from "./i18n.js";

const root = document.getElementById("negotiation");
const textId = Number(root.dataset.text);
const meetingId = Number(root.dataset.meeting);
const body = document.getElementById("text-body");
const alerts = document.getElementById("alerts");
const announce = document.getElementById("announce");
const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
const NEGOTIATION_EVENTS = new Set(PROTOCOL.negotiation_event_types);
const CONNECTION = { connecting: gettext("Connecting…"), live: gettext("Live"), offline: gettext("Reconnecting…"),
  closed: gettext("Offline") };

const client = new RoomClient(meetingId);
const live = { client, refreshes: 0, stop: () => client.disconnect() };
window.plenaryNegotiation = live; // for the end-to-end tests and the curious

function alert(message) {
  const p = document.createElement("p");
  p.textContent = message;
  alerts.replaceChildren(p);
}

const current = () => body.querySelector(".negotiation-body");

let refreshing = null;
let again = false;

// One reload at a time; events arriving meanwhile ask for one more after it.
function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = reload().finally(() => {
    refreshing = null;
    if (again) {
      again = false;
      refresh();
    }
  });
}

async function reload() {
  const since = current().dataset.version;
  const reply = await fetch(`/negotiation/${textId}/body?since=${since}`, { credentials: "same-origin" });
  if (!reply.ok) return alert(format(gettext("Could not reload the text ({status})."), { status: reply.status }));
  // Parsed as an inert document (no script runs), then moved in as nodes.
  const fresh = new DOMParser().parseFromString(await reply.text(), "text/html");
  const freshBody = fresh.querySelector(".negotiation-body");
  const { summary } = freshBody.dataset;
  patch(current(), freshBody);
  live.refreshes += 1;
  fillClauseLists();
  if (summary) announce.textContent = summary;
}

// Put the fresh body's parts in place of the current ones, keyed by id; a part that did
// not change is left alone.
function patch(target, fresh) {
  Object.assign(target.dataset, fresh.dataset);
  const before = new Map([...target.children].map((el) => [el.id, el]));
  let previous = null;
  for (const part of [...fresh.children]) {
    const old = before.get(part.id);
    before.delete(part.id);
    const node = old?.isEqualNode(part) ? old : replaceKeepingFocus(old, part);
    const expected = previous ? previous.nextElementSibling : target.firstElementChild;
    if (expected !== node) (previous ? previous.after(node) : target.prepend(node));
    previous = node;
  }
  before.forEach((gone) => gone.remove());
}

const FOCUSABLE = "a[href], button, input, select, textarea";

// A changed part replaces the old one; a field focused in it stays focused (the same
// field of the new part), keeping what was typed.
function replaceKeepingFocus(old, part) {
  const node = document.importNode(part, true);
  if (!old) return node;
  const focused = old.contains(document.activeElement) ? document.activeElement : null;
  const index = focused ? [...old.querySelectorAll(FOCUSABLE)].indexOf(focused) : -1;
  old.replaceWith(node);
  const same = index >= 0 ? node.querySelectorAll(FOCUSABLE)[index] : null;
  if (same && same.tagName === focused.tagName) {
    if ("value" in focused && same.type !== "submit" && same.type !== "button") same.value = focused.value;
    same.focus();
  }
  return node;
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
    alert(answer.message || format(gettext("The change was refused ({status})."), { status: reply.status }));
    return false;
  }
  alerts.replaceChildren();
  return true;
}

client.addEventListener("status", (e) => {
  const badge = document.getElementById("connection");
  badge.dataset.state = e.detail;
  badge.textContent = CONNECTION[e.detail];
});
client.addEventListener("error", (e) => alert(e.detail.message));
client.addEventListener("change", (e) => {
  const { events } = e.detail;
  const ours = events.some((event) => NEGOTIATION_EVENTS.has(event.type) && event.data?.text === textId);
  if (ours || events.length === 0) refresh(); // a snapshot: whatever happened while away
});

// Clause pickers of the proposal form, from the body's clauses.
function fillClauseLists() {
  const clauses = [...body.querySelectorAll("article.clause")];
  for (const id of ["p-clause", "p-other"]) {
    const select = document.getElementById(id);
    if (!select) continue;
    const kept = select.value;
    const options = clauses.map((a) => new Option(format(gettext("{number} (clause {key})"), a.dataset), a.dataset.key));
    select.replaceChildren(...(id === "p-other" ? [new Option("—", "")] : []), ...options);
    if (kept) select.value = kept;
  }
}

const clauseOf = (key) => body.querySelector(`article.clause[data-key="${key}"]`);
const number = (value) => (value === "" || value == null ? null : Number(value));
const structureVersion = () => Number(current().dataset.structureVersion);
const parentOf = (el) => number(el?.dataset.parent);

// Each kind of proposal: the fields it asks for, what "Clause" means for it, and what it
// sends (its operation and the version it is based on).
const onClause = (clause) => ({ clause, base_version: Number(clauseOf(clause)?.dataset.version ?? -1) });
const structural = () => ({ base_version: structureVersion() });
const KINDS = {
  replace: { fields: ["clause", "span", "words"],
    send: (f) => ({ ...onClause(f.clause), operation: { old: f.span, new: f.words } }) },
  delete: { fields: ["clause"], send: (f) => ({ ...onClause(f.clause), operation: {} }) },
  bracket_add: { fields: ["clause", "span"],
    send: (f) => ({ ...onClause(f.clause), operation: { span: f.span || null } }) },
  bracket_remove: { fields: ["clause", "mark"],
    send: (f) => ({ ...onClause(f.clause), operation: { bracket: f.mark } }) },
  option_add: { fields: ["clause", "mark", "span", "words"],
    send: (f) => ({ ...onClause(f.clause), operation: { group: f.mark, span: f.span || null, words: f.words } }) },
  option_choose: { fields: ["clause", "mark", "alternative"],
    send: (f) => ({ ...onClause(f.clause), operation: { group: f.mark, alternative: f.alternative } }) },
  insert: { fields: ["clause", "new_kind", "words"], clause: gettext("Insert after clause"),
    send: (f) => ({ ...structural(), operation: {
      kind: f.new_kind, parent: parentOf(clauseOf(f.clause)), after: f.clause, words: f.words } }) },
  merge: { fields: ["clause", "other", "words"],
    send: (f) => ({ ...structural(), operation: { sources: [f.clause, f.other], words: f.words } }) },
  move: { fields: ["clause", "other"], clause: gettext("Clause to move"),
    send: (f) => ({ ...structural(), clause: f.clause,
      operation: { parent: parentOf(f.other == null ? null : clauseOf(f.other)), after: f.other } }) },
};
const NUMBERS = new Set(["clause", "other", "mark", "alternative"]);

// Only the fields the chosen kind needs are shown (and sent).
function showFields(form) {
  const kind = KINDS[form.elements.kind.value];
  for (const field of form.querySelectorAll(".field[data-field]")) {
    const needed = kind.fields.includes(field.dataset.field);
    field.hidden = !needed;
    field.querySelectorAll("input, select, textarea").forEach((el) => (el.disabled = !needed));
  }
  form.querySelector("label[for=p-clause]").textContent = kind.clause ?? gettext("Clause");
}

function proposal(form) {
  const fields = {};
  for (const name of KINDS[form.get("kind")].fields) {
    const value = form.get(name)?.trim() ?? "";
    fields[name] = NUMBERS.has(name) ? number(value) : value;
  }
  return KINDS[form.get("kind")].send(fields);
}

const proposeForm = document.getElementById("propose");
proposeForm?.elements.kind.addEventListener("change", () => showFields(proposeForm));
proposeForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const cosponsors = (form.get("cosponsors") || "").split(/[\s,;]+/).filter(Boolean).map((c) => c.toUpperCase());
  const ok = await act("negotiation.propose", {
    kind: form.get("kind"), rationale: form.get("rationale"), cosponsors, ...proposal(form),
  });
  if (ok) {
    event.target.reset();
    showFields(event.target);
  }
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
if (proposeForm) showFields(proposeForm);
client.connect();
