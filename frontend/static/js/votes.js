// The room page's decisions panel: the question before the meeting, the countdown, who has
// voted (never how, until the close), whose turn it is in a roll call, the result; the
// delegation's ballot or objection; the presiding officer's controls. The decisions come from
// the room state (room-state.js); everything is sent through `act` (docs/votes.md).
import { format, formatList, formatNumber, gettext } from "./i18n.js";

const KINDS = { without_vote: gettext("without a vote"), recorded: gettext("recorded vote"),
  roll_call: gettext("roll-call vote"), show_of_hands: gettext("show of hands"), secret: gettext("secret ballot") };
const OUTCOMES = { adopted: gettext("Adopted"), rejected: gettext("Rejected"),
  objected: gettext("Not adopted without a vote"), no_quorum: gettext("No quorum"), elected: gettext("Elected"),
  not_elected: gettext("Nobody elected") };
const names = (list) => (list.length ? formatList(list) : gettext("none"));

const byId = (id) => document.getElementById(id);

function element(tag, text, attributes = {}) {
  const made = document.createElement(tag);
  made.textContent = text;
  Object.entries(attributes).forEach(([name, value]) => made.setAttribute(name, value));
  return made;
}

// The decision on show: the open one, else the last one taken.
export function current(decisions) {
  return decisions.find((d) => d.closed_at === null) ?? decisions[decisions.length - 1] ?? null;
}

export function resultLines(decision) {
  const r = decision.result;
  const lines = [`${OUTCOMES[r.outcome] ?? r.outcome}.`];
  if (decision.kind === "without_vote") {
    if (r.objections.length) lines.push(format(gettext("Objections: {names}."), { names: names(r.objections) }));
    return lines;
  }
  if (decision.kind === "secret") {
    const tallies = r.candidates.map((c) => format(gettext("{name}: {votes}"), { name: c.name, votes: formatNumber(c.votes) }));
    lines.push(format(gettext("{tallies}; blank: {blank}."), { tallies: tallies.join("; "), blank: formatNumber(r.abstain) }));
  } else {
    lines.push(format(gettext("{yes} in favour, {no} against, {abstain} abstaining."),
      { yes: formatNumber(r.yes), no: formatNumber(r.no), abstain: formatNumber(r.abstain) }));
  }
  lines.push(format(r.reached ? gettext("Required majority: {required} (reached).") : gettext("Required majority: {required} (not reached)."),
    { required: formatNumber(r.required) }));
  if (r.in_favour.length || r.against.length || r.abstaining.length) {
    lines.push(format(gettext("In favour: {names}."), { names: names(r.in_favour) }),
      format(gettext("Against: {names}."), { names: names(r.against) }),
      format(gettext("Abstaining: {names}."), { names: names(r.abstaining) }));
  }
  return lines;
}

export class VotesPanel {
  constructor({ act, clockOffset }) {
    this.act = act;
    this.clockOffset = clockOffset;
    this.mayVote = byId("votes").dataset.mayVote === "true";
    this.shown = null;
    byId("vote-open")?.addEventListener("submit", (event) => {
      event.preventDefault();
      this.open(new FormData(event.target));
    });
    byId("vote-close")?.addEventListener("click", () => this.act("decision.close", { decision: this.shown.id }));
    byId("vote-pass")?.addEventListener("click", () => this.act("vote.pass", { decision: this.shown.id }));
  }

  open(form) {
    const kind = form.get("kind");
    const seconds = form.get("seconds") ? Number(form.get("seconds")) : null;
    const question = { question: form.get("question"), subject: kind === "secret" ? "election" : "other" };
    if (kind === "without_vote") {
      this.act("decision.open", { ...question, pause: seconds ?? 10 });
      return;
    }
    const candidates = String(form.get("candidates") ?? "").split("\n").map((c) => c.trim()).filter(Boolean);
    this.act("vote.open", { ...question, kind, majority: form.get("majority"), duration: seconds,
      candidates: kind === "secret" ? candidates : [] });
  }

  render(state) {
    const decision = current(state.decisions);
    this.shown = decision;
    byId("votes-empty").hidden = decision !== null;
    byId("vote-current").hidden = decision === null;
    const open = decision !== null && decision.closed_at === null;
    ["vote-close", "vote-pass"].forEach((id) => { if (byId(id)) byId(id).hidden = !open; });
    if (byId("vote-pass")) byId("vote-pass").hidden = !open || decision.kind !== "roll_call";
    if (decision === null) return;
    byId("vote-question").textContent = decision.question;
    byId("vote-kind").textContent = open ? KINDS[decision.kind] : format(gettext("{kind}, closed"), { kind: KINDS[decision.kind] });
    const turn = decision.roll_call?.turn;
    byId("vote-turn").hidden = !open || !turn;
    const called = decision.roll_call?.second_call ? gettext("Called: {delegation} (second call)") : gettext("Called: {delegation}");
    byId("vote-turn").textContent = turn ? format(called, { delegation: turn }) : "";
    byId("vote-voted-line").hidden = decision.kind === "without_vote";
    byId("vote-voted").textContent = decision.voted.length ? formatList(decision.voted) : gettext("nobody yet");
    byId("vote-objections").hidden = decision.kind !== "without_vote";
    byId("vote-objections").textContent = format(gettext("Objections: {names}"), { names: names(decision.objections) });
    this.ballot(decision, state.you, open);
    byId("vote-result").replaceChildren(...(decision.result ? resultLines(decision).map((line) => element("p", line)) : []));
    this.tick();
  }

  // What this delegate may do now: vote (or change their vote where allowed), or object.
  ballot(decision, you, open) {
    const box = byId("vote-ballot");
    const mine = you.delegation;
    const voted = decision.voted.includes(mine);
    const turn = decision.roll_call ? decision.roll_call.turn === mine : true;
    const buttons = [];
    const cast = (data) => () => this.act("vote.cast", { decision: decision.id, ...data });
    if (decision.kind === "without_vote") {
      if (!decision.objections.includes(mine)) {
        buttons.push([gettext("Object"), () => this.act("decision.object", { decision: decision.id })]);
      }
    } else if (turn && (!voted || decision.changes_allowed)) {
      if (decision.kind === "secret") {
        decision.candidates.forEach((name, index) => buttons.push([format(gettext("Vote for {name}"), { name }), cast({ candidate: index + 1 })]));
        buttons.push([gettext("Blank ballot"), cast({ choice: "abstain" })]);
      } else {
        buttons.push([gettext("Yes"), cast({ choice: "yes" })], [gettext("No"), cast({ choice: "no" })],
          [gettext("Abstain"), cast({ choice: "abstain" })]);
      }
    }
    box.hidden = !(open && this.mayVote && buttons.length);
    box.replaceChildren(...buttons.map(([label, handler]) => {
      const button = element("button", label, { type: "button" });
      button.addEventListener("click", handler);
      return button;
    }));
  }

  tick() {
    const timer = byId("vote-timer");
    const ends = this.shown?.closed_at === null && this.shown.closes_at ? Date.parse(this.shown.closes_at) : null;
    timer.hidden = ends === null;
    if (ends === null) return;
    const left = Math.max(0, Math.round((ends - (Date.now() + this.clockOffset)) / 1000));
    timer.textContent = left ? format(gettext("{seconds} s left"), { seconds: formatNumber(left) }) : gettext("Time is up");
  }
}
