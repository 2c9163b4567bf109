// The meeting room page: wires the socket client to the view and the page's forms.
import { CaptionsView } from "./captions-view.js";
import { FloorAudio } from "./listen.js";
import { Microphone } from "./microphone.js";
import { PROTOCOL } from "./protocol.js";
import { RoomClient } from "./room-client.js";
import { alert, connection, render, tick } from "./room-view.js";
import { VotesPanel } from "./votes.js";

const root = document.getElementById("room");
const presiding = root.dataset.presiding === "true";
// The server's clock as of page load, so timers agree with the server's, not this machine's.
const clockOffset = Number(root.dataset.serverTime) - Date.now();
const client = new RoomClient(Number(root.dataset.meeting));
const act = (type, data = {}) => client.send(type, data);
window.plenaryRoom = client; // for the end-to-end tests and the curious

const meetingId = Number(root.dataset.meeting);
const captions = new CaptionsView({ meetingId, pick: (language) => act("captions.language", { language }) });
const microphone = new Microphone(meetingId, root.dataset.worklet);
const floorAudio = new FloorAudio(meetingId);
window.plenaryMicrophone = microphone;
const votes = new VotesPanel({ act, clockOffset });

client.addEventListener("change", (e) => {
  const { state } = e.detail;
  render(state, { presiding, act, clockOffset });
  captions.routes(state.translatedInto, state.captionLanguages);
  captions.render(state.captions);
  floorChanged(state);
  votes.render(state);
});
client.addEventListener("status", (e) => {
  connection(e.detail);
  if (e.detail === "live") captions.announce();
});
client.addEventListener("error", (e) => alert(e.detail.message));
client.addEventListener("ephemeral", (e) => {
  if (e.detail.type === PROTOCOL.event_types.caption_draft) captions.onDraft(e.detail);
  if (e.detail.type === PROTOCOL.event_types.caption_status) captions.onStatus(e.detail);
});

// The microphone is offered to the floor holder only; the floor passing on turns it off.
function floorChanged(state) {
  const mine = state.floor.holder?.id === state.you.id;
  document.getElementById("microphone").hidden = !mine;
  if (!mine && microphone.on) microphone.stop();
  floorAudio.muted = mine;
  captions.floorChanged(state.floor.holder);
}

const micToggle = document.getElementById("mic-toggle");
micToggle.addEventListener("click", () => (microphone.on ? microphone.stop() : microphone.start()));
microphone.addEventListener("state", (e) => {
  document.getElementById("mic-status").textContent = e.detail.message;
  micToggle.setAttribute("aria-pressed", String(microphone.on));
  micToggle.textContent = microphone.on ? "Turn my microphone off" : "Turn my microphone on";
});
microphone.addEventListener("recognition", (e) => captions.onStatus(e.detail));

const listen = document.getElementById("listen");
listen.addEventListener("click", () => {
  if (floorAudio.playing) floorAudio.stop();
  else floorAudio.start();
  listen.setAttribute("aria-pressed", String(floorAudio.playing));
  listen.textContent = floorAudio.playing ? "Stop listening" : "Listen to the floor";
});
setInterval(() => client.state && tick(client.state, clockOffset), 250);
setInterval(() => votes.tick(), 1000);

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
