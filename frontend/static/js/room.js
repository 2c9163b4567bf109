// The meeting room page: wires the socket client to the view and the page's forms.
import { CaptionsView } from "./captions-view.js";
import { ChannelPicker } from "./channel-picker.js";
import { ChannelPlayer } from "./channels.js";
import { CameraGallery } from "./gallery.js";
import { FloorAudio } from "./listen.js";
import { FloorMedia } from "./media.js";
import { Microphone } from "./microphone.js";
import { RoomClient } from "./room-client.js";
import { followClient, render, tick } from "./room-view.js";
import { VotesPanel } from "./votes.js";
import { gettext } from "./i18n.js";

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
const $ = (id) => document.getElementById(id);
const gallery = new CameraGallery($("camera-gallery"));
// A language channel, where the conference has booths (the section is there).
const channel = $("channel-audio") ? new ChannelPlayer($("channel-audio")) : null;
const media = new FloorMedia(meetingId, {
  tile: { video: $("floor-video"), name: $("floor-media-name"), volume: $("floor-volume"), play: $("floor-play") },
  gallery,
  attached: channel ? [channel] : [],
});
const channels = new ChannelPicker({ root: $("channel-picker")?.closest("section"), act, player: channel, floor: $("floor-video"), volume: $("floor-volume") });
window.plenaryChannel = channel;
window.plenaryMicrophone = microphone;
const votes = new VotesPanel({ act, clockOffset });
window.plenaryMedia = media;
window.plenaryGallery = gallery;

client.addEventListener("change", (e) => {
  const { state } = e.detail;
  render(state, { presiding, act, clockOffset });
  captions.routes(state.translatedInto, state.captionLanguages);
  captions.render(state.captions);
  floorChanged(state);
  votes.render(state);
  channels.render(state.interpretation);
});
followClient(client, captions);

// The microphone is offered to the floor holder only; the floor passing on turns it off.
function floorChanged(state) {
  const mine = state.floor.holder?.id === state.you.id;
  $("microphone").hidden = !mine;
  if (!mine && microphone.on) microphone.stop();
  floorAudio.muted = mine;
  captions.floorChanged(state.floor.holder);
  media.floorChanged(state.floor.holder, state.you.id);
}

// The floor holder speaks over WebRTC; the audio socket is the fallback where it fails.
const micToggle = $("mic-toggle");
const cameraToggle = $("camera-toggle");
const speaking = () => media.publishing || microphone.on;
micToggle.addEventListener("click", () => {
  if (speaking()) {
    media.unpublish();
    microphone.stop();
  } else if (media.fallback) microphone.start();
  else media.publish();
});
cameraToggle.addEventListener("click", () => media.setCamera(!media.camera));
function micShown(message) {
  $("mic-status").textContent = message;
  micToggle.setAttribute("aria-pressed", String(speaking()));
  micToggle.textContent = speaking() ? gettext("Turn my microphone off") : gettext("Turn my microphone on");
  cameraToggle.hidden = !media.publishing;
  cameraToggle.setAttribute("aria-pressed", String(media.camera));
  cameraToggle.textContent = media.camera ? gettext("Turn my camera off") : gettext("Turn my camera on");
}
microphone.addEventListener("state", (e) => micShown(e.detail.message));

// A member delegate may show their camera in the gallery (video only).
const galleryCamera = $("gallery-camera");
galleryCamera.addEventListener("click", () => (gallery.wanted ? gallery.cameraOff() : gallery.showCamera()));
gallery.addEventListener("state", (e) => {
  galleryCamera.hidden = !gallery.mayShow;
  galleryCamera.setAttribute("aria-pressed", String(gallery.wanted));
  galleryCamera.textContent = gallery.wanted ? gettext("Hide my camera from the gallery") : gettext("Show my camera in the gallery");
  $("gallery-status").textContent = e.detail.message || gettext("The gallery has no sound: only the floor is heard.");
  $("gallery-status").dataset.state = e.detail.state;
});
microphone.addEventListener("recognition", (e) => captions.onStatus(e.detail));
media.addEventListener("publish", (e) => {
  micShown(e.detail.message);
  if (e.detail.state === "failed") microphone.start(); // WebRTC did not connect: the socket
});
media.addEventListener("state", (e) => {
  const status = $("media-status");
  status.dataset.state = e.detail.state;
  status.textContent = e.detail.message;
  $("listen").hidden = e.detail.state !== "fallback";
});

const listen = $("listen");
listen.addEventListener("click", () => {
  if (floorAudio.playing) floorAudio.stop();
  else floorAudio.start();
  listen.setAttribute("aria-pressed", String(floorAudio.playing));
  listen.textContent = floorAudio.playing ? gettext("Stop listening") : gettext("Listen to the floor");
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
media.start();
