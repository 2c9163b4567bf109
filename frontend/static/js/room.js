// The meeting room page: wires the socket client to the view and the page's forms.
import { RoomClient } from "./room-client.js";
import { alert, connection, render, tick } from "./room-view.js";

const root = document.getElementById("room");
const presiding = root.dataset.presiding === "true";
// The server's clock as of page load, so timers agree with the server's, not this machine's.
const clockOffset = Number(root.dataset.serverTime) - Date.now();
const client = new RoomClient(Number(root.dataset.meeting));
const act = (type, data = {}) => client.send(type, data);
window.plenaryRoom = client; // for the end-to-end tests and the curious

client.addEventListener("change", (e) => render(e.detail.state, { presiding, act, clockOffset }));
client.addEventListener("status", (e) => connection(e.detail));
client.addEventListener("error", (e) => alert(e.detail.message));
setInterval(() => client.state && tick(client.state, clockOffset), 250);

const on = (id, type, handler) => document.getElementById(id)?.addEventListener(type, handler);
const onForm = (id, handler) => on(id, "submit", (event) => {
  event.preventDefault();
  handler(new FormData(event.target), event.target);
});
const onClick = (id, handler) => on(id, "click", (event) => {
  if (event.currentTarget.getAttribute("aria-disabled") !== "true") handler();
});
const optionalNumber = (value) => (value ? Number(value) : null);

onForm("chat-form", (data, form) => {
  if (act("chat.send", { text: data.get("text"), scope: data.get("scope") ?? "meeting" })) {
    form.elements.text.value = "";
  }
});
onForm("request-floor", (data) => act("floor.request", { kind: data.get("kind") }));
onClick("withdraw", () => act("floor.withdraw"));
onClick("hand", () => act(client.state?.hands.some((p) => p.id === client.state.you.id) ? "hand.lower" : "hand.raise"));

onForm("add-speaker", (data) =>
  act("speakers.add", { participant: Number(data.get("participant")), kind: data.get("kind") }));
onForm("switch-agenda", (data) => act("agenda.switch", { item: Number(data.get("item")) }));
onClick("timer-start", () =>
  act("timer.start", { limit: optionalNumber(document.getElementById("timer-limit").value) }));
onClick("timer-stop", () => act("timer.stop"));
onClick("floor-next", () => act("floor.give", { participant: client.state.speakers[0].participant.id }));
onClick("floor-release", () => act("floor.give", { participant: null }));
document.querySelectorAll("[data-status-action]").forEach((b) =>
  onClick(b.id, () => act(b.dataset.statusAction)));

client.connect();
