// The interpreter's console: the room's socket (room-client.js) for the booth's state and
// the floor, the floor's sound and picture (media.js) or, when the booth takes relay,
// another booth's channel (channels.js), and the interpreter's microphone in the booth's
// Janus room (booth-microphone.js), which Plenary alone unmutes for the live interpreter.
import { BoothMicrophone } from "./booth-microphone.js";
import { CaptionsView } from "./captions-view.js";
import { ChannelPlayer, setLevel } from "./channels.js";
import { renderBooth, renderFloor } from "./console-view.js";
import { consoleHears, mixLevels } from "./interpretation-state.js";
import { FloorMedia } from "./media.js";
import { RoomClient } from "./room-client.js";
import { followClient } from "./room-view.js";

const $ = (id) => document.getElementById(id);
const root = $("console");
const meetingId = Number(root.dataset.meeting);
const client = new RoomClient(meetingId);
const act = (type, data = {}) => client.send(type, data);
const booth = () => $("booth-language").value;

const captions = new CaptionsView({ meetingId, pick: (language) => act("captions.language", { language }) });
const relay = new ChannelPlayer($("relay-audio"));
const microphone = new BoothMicrophone($("partner-audio"));
const media = new FloorMedia(meetingId, {
  tile: { video: $("floor-video"), name: $("floor-media-name"), volume: $("floor-volume"), play: $("floor-play") },
  attached: [relay, microphone],
});
// For the end-to-end tests and the curious.
Object.assign(window, { plenaryRoom: client, plenaryMedia: media, plenaryChannel: relay, plenaryBooth: microphone });

// The floor, or the relayed booth while it is live: one of them at the volume chosen.
function hear(state) {
  const heard = consoleHears(state.interpretation, booth());
  relay.tune(heard.channel);
  const levels = mixLevels({ channel: heard.channel, under: false }, Number($("floor-volume").value));
  setLevel($("floor-video"), levels.floor);
  setLevel($("relay-audio"), levels.channel);
}

function draw(state) {
  $("meeting-status").textContent = state.meeting.status;
  $("meeting-status").dataset.status = state.meeting.status;
  renderFloor(state);
  renderBooth(state, booth());
  captions.routes(state.translatedInto, state.captionLanguages);
  captions.render(state.captions);
  captions.floorChanged(state.floor.holder);
  media.floorChanged(state.floor.holder, state.you.id);
  hear(state);
}
client.addEventListener("change", (e) => draw(e.detail.state));
followClient(client, captions);

media.addEventListener("state", (e) => {
  $("media-status").dataset.state = e.detail.state;
  $("media-status").textContent = e.detail.message;
});
microphone.addEventListener("state", (e) => {
  $("booth-media-status").dataset.state = e.detail.state;
  $("booth-media-status").textContent = e.detail.message;
});
microphone.addEventListener("muted", (e) => ($("booth-state").dataset.microphone = e.detail.muted ? "muted" : "open"));
$("floor-volume").addEventListener("input", () => client.state && hear(client.state));
$("partner-volume").addEventListener("input", () => setLevel($("partner-audio"), Number($("partner-volume").value)));
$("booth-language").addEventListener("change", () => {
  microphone.sit(booth());
  if (client.state) draw(client.state);
});

const onClick = (id, handler) => $(id).addEventListener("click", (event) => {
  if (event.currentTarget.getAttribute("aria-disabled") !== "true") handler();
});
onClick("booth-take", () => act("interpretation.take", { booth: booth() }));
onClick("booth-handover", () => act("interpretation.handover", { booth: booth() }));
onClick("booth-release", () => act("interpretation.release", { booth: booth() }));
$("booth-source").addEventListener("change", () =>
  act("interpretation.source", { booth: booth(), source: $("booth-source").value }));

// The cough key: muted while held (the button, or the C key outside text fields).
let coughing = false;
function cough(held) {
  if (held === coughing || (held && $("booth-cough").hidden)) return;
  coughing = held;
  act("interpretation.mute", { booth: booth(), muted: held });
}
const cougher = $("booth-cough");
cougher.addEventListener("pointerdown", () => cough(true));
for (const type of ["pointerup", "pointerleave", "pointercancel"]) cougher.addEventListener(type, () => cough(false));
const typing = (target) => target.closest?.("input, textarea, select, [contenteditable]");
const coughKey = (event) => (event.key === "c" || event.key === "C") && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target);
addEventListener("keydown", (event) => {
  if (coughKey(event) || (event.target === cougher && (event.key === " " || event.key === "Enter"))) {
    event.preventDefault();
    cough(true);
  }
});
addEventListener("keyup", (event) => {
  if (coughKey(event) || (event.target === cougher && (event.key === " " || event.key === "Enter"))) cough(false);
});
addEventListener("blur", () => cough(false));

microphone.sit(booth());
client.connect();
media.start();
