// The floor holder's microphone: captured at 16 kHz through an AudioWorklet and sent as
// PCM16 frames on the meeting's audio socket (docs/captions.md). The server takes audio only
// from the floor holder; when the floor passes on, it closes the socket and we stop.
import { format, gettext } from "./i18n.js";
const FLOOR_CHANGED = 4409;
const RETRY_MS = 2000;

export class Microphone extends EventTarget {
  constructor(meetingId, workletUrl) {
    super();
    this.meetingId = meetingId;
    this.workletUrl = workletUrl;
    this.stream = null;
    this.context = null;
    this.socket = null;
    this.on = false;
  }

  get url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws/meetings/${this.meetingId}/audio/?format=pcm16&rate=16000`;
  }

  async start() {
    if (this.on) return;
    this.on = true;
    try {
      // The voice as the microphone hears it: the browser's call processing (noise
      // suppression, gain control, echo cancellation) gates and reshapes speech, and costs
      // the recogniser words (bench/captions/run.py); Whisper copes with room noise itself.
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
      this.context = new AudioContext({ sampleRate: 16000 });
      await this.context.audioWorklet.addModule(this.workletUrl);
      const node = new AudioWorkletNode(this.context, "pcm-frames");
      node.port.onmessage = (m) => this.socket?.readyState === WebSocket.OPEN && this.socket.send(m.data);
      this.context.createMediaStreamSource(this.stream).connect(node);
      this.connect();
    } catch (error) {
      this.stop();
      this.tell("off", format(gettext("The microphone could not start: {cause}"), { cause: error.message }));
    }
  }

  connect() {
    const socket = new WebSocket(this.url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.addEventListener("message", (m) => this.message(JSON.parse(m.data)));
    socket.addEventListener("close", (c) => socket === this.socket && this.closed(c));
    this.tell("connecting", gettext("Connecting your microphone…"));
  }

  message(message) {
    if (message.type === "audio.ready") {
      this.dispatchEvent(new CustomEvent("started", { detail: { at: Date.now() } }));
      this.tell("on", gettext("Your microphone is on: the meeting hears you."));
    } else if (message.type === "audio.status") {
      this.dispatchEvent(new CustomEvent("recognition", { detail: message }));
    } else if (message.type === "error" && message.code !== "floor_changed") {
      this.tell(this.on ? "on" : "off", message.message);
    }
  }

  closed(close) {
    this.socket = null;
    if (!this.on) return;
    if (close.code === FLOOR_CHANGED || close.code === 4403) {
      this.stop();
      this.tell("off", gettext("The floor has passed on; your microphone is off."));
      return;
    }
    this.tell("connecting", gettext("Reconnecting your microphone…"));
    setTimeout(() => this.on && this.connect(), RETRY_MS);
  }

  stop() {
    this.on = false;
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: "audio.stop" }));
    this.socket?.close();
    this.socket = null;
    this.stream?.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.context?.close();
    this.context = null;
    this.tell("off", gettext("Your microphone is off."));
  }

  tell(state, message) {
    this.dispatchEvent(new CustomEvent("state", { detail: { state, message } }));
  }
}
