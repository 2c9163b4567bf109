// The room page's decisions panel: the question before the meeting, the countdown, who has
// voted (never how, until the close), whose turn it is in a roll call, the result; the
// delegation's ballot or objection; the presiding officer's controls. The decisions come from
// the room state (room-state.js); everything is sent through `act` (docs/votes.md).

const KINDS = { without_vote: "without a vote", recorded: "recorded vote", roll_call: "roll-call vote",
  show_of_hands: "show of hands", secret: "secret ballot" };
const OUTCOMES = { adopted: "Adopted", rejected: "Rejected", objected: "Not adopted without a vote",
  no_quorum: "No quorum", elected: "Elected", not_elected: "Nobody elected" };

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
    if (r.objections.length) lines.push(`Objections: ${r.objections.join(", ")}.`);
    return lines;
  }
  if (decision.kind === "secret") {
    lines.push(r.candidates.map((c) => `${c.name}: ${c.votes}`).join("; ") + `; blank: ${r.abstain}.`);
  } else {
    lines.push(`${r.yes} in favour, ${r.no} against, ${r.abstain} abstaining.`);
  }
  lines.push(`Required majority: ${r.required} (${r.reached ? "reached" : "not reached"}).`);
  if (r.in_favour.length || r.against.length || r.abstaining.length) {
    lines.push(`In favour: ${r.in_favour.join(", ") || "none"}.`, `Against: ${r.against.join(", ") || "none"}.`,
      `Abstaining: ${r.abstaining.join(", ") || "none"}.`);
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
    byId("vote-kind").textContent = `${KINDS[decision.kind]}${open ? "" : ", closed"}`;
    const turn = decision.roll_call?.turn;
    byId("vote-turn").hidden = !open || !turn;
    byId("vote-turn").textContent = turn ? `Called: ${turn}${decision.roll_call.second_call ? " (second call)" : ""}` : "";
    byId("vote-voted-line").hidden = decision.kind === "without_vote";
    byId("vote-voted").textContent = decision.voted.join(", ") || "nobody yet";
    byId("vote-objections").hidden = decision.kind !== "without_vote";
    byId("vote-objections").textContent = `Objections: ${decision.objections.join(", ") || "none"}`;
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
        buttons.push(["Object", () => this.act("decision.object", { decision: decision.id })]);
      }
    } else if (turn && (!voted || decision.changes_allowed)) {
      if (decision.kind === "secret") {
        decision.candidates.forEach((name, index) => buttons.push([`Vote for ${name}`, cast({ candidate: index + 1 })]));
        buttons.push(["Blank ballot", cast({ choice: "abstain" })]);
      } else {
        buttons.push(["Yes", cast({ choice: "yes" })], ["No", cast({ choice: "no" })], ["Abstain", cast({ choice: "abstain" })]);
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
    timer.textContent = left ? `${left} s left` : "Time is up";
  }
}
