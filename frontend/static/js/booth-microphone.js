// An interpreter's microphone in their booth (docs/media.md, "Interpretation"): an
// AudioBridge handle on the console's Janus connection (media.js) joins the booth's room and
// sends the microphone from the start, muted. The page never unmutes it: Plenary unmutes the
// live interpreter's microphone in Janus when the booth says so (interpretation.take) and
// mutes it on a handover, a release or the cough key. What the booth's room mixes back (the
// partner's voice) plays in `audio`, muted unless the interpreter turns it up.
import { format, gettext } from "./i18n.js";

const PLUGIN = "janus.plugin.audiobridge";
const RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;
// The voice as the microphone hears it, as the floor's publisher sends it (media.js).
const AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

// Events: "state" {state: "connecting"|"ready"|"failed", message}, "muted" {muted}.
export class BoothMicrophone extends EventTarget {
  constructor(audio) {
    super();
    this.audio = audio;
    this.booth = null; // the booth's language
    this.janus = null;
    this.config = null;
    this.handle = null;
    this.id = null; // our participant id in the booth's room (Janus says, on joining)
    this.muted = true; // as Janus has it
    this.retries = 0;
  }

  join(janus, config) {
    this.janus = janus;
    this.config = config;
    this.enter();
  }

  leave() {
    this.janus = null;
    this.handle = null;
    this.id = null;
    this.retries = 0;
  }

  // Sit in `language`'s booth (on the next connection if none is up yet).
  sit(language) {
    if (language === this.booth) return;
    this.booth = language;
    this.handle?.send({ message: { request: "leave" } });
    this.handle?.detach();
    this.handle = null;
    this.id = null;
    this.enter();
  }

  room() {
    return this.config?.channels?.find((c) => c.language === this.booth)?.booth_room ?? null;
  }

  enter() {
    const janus = this.janus;
    const room = this.room();
    if (!janus?.isConnected() || room === null || this.handle) return;
    // A lost connection joins again, a little later each time; a refusal, or a microphone
    // this browser will not give, is said and left so (joining again would change nothing).
    const retry = (cause) => {
      this.tell("failed", format(gettext("Your booth's microphone lost its connection ({cause}); reconnecting…"), { cause }));
      this.handle?.detach();
      this.handle = null;
      this.id = null;
      this.retries += 1;
      const delay = Math.min(RETRY_MS * 2 ** this.retries, MAX_RETRY_MS);
      setTimeout(() => this.janus === janus && this.enter(), delay);
    };
    const failed = (cause) => this.tell("failed", format(gettext("Your booth's microphone could not connect ({cause})."), { cause }));
    this.tell("connecting", gettext("Connecting your booth's microphone…"));
    janus.attach({
      plugin: PLUGIN,
      success: (handle) => {
        if (this.janus !== janus || this.room() !== room) return handle.detach();
        this.handle = handle;
        handle.send({ message: { request: "join", room, muted: true }, error: failed });
      },
      error: failed,
      onmessage: (message, jsep) => this.onRoom(message, jsep, failed),
      webrtcState: (up) => {
        if (!up) return retry(gettext("the connection was lost"));
        this.retries = 0;
        this.tell("ready", gettext("Your microphone is connected to the booth."));
      },
      onremotetrack: (track, mid, on) => {
        if (!on || track.kind !== "audio") return;
        this.audio.srcObject = new MediaStream([track]);
        this.audio.play().catch(() => {});
      },
    });
  }

  onRoom(message, jsep, failed) {
    if (message.error_code || message.error) return failed(message.error ?? "refused");
    if (message.audiobridge === "joined" && message.id !== undefined && this.id === null) {
      this.id = message.id;
      this.handle.createOffer({
        tracks: [{ type: "audio", capture: AUDIO, recv: true }],
        success: (offer) => this.handle.send({ message: { request: "configure", muted: true }, jsep: offer }),
        error: (error) => failed(error.message ?? String(error)),
      });
    }
    for (const participant of message.participants ?? []) {
      if (participant.id === this.id && participant.muted !== undefined) this.mutedNow(participant.muted);
    }
    if (jsep) this.handle.handleRemoteJsep({ jsep });
  }

  mutedNow(muted) {
    this.muted = muted;
    this.dispatchEvent(new CustomEvent("muted", { detail: { muted } }));
  }

  // For the end-to-end tests and the curious: what the microphone sent to the booth.
  async sentStats() {
    const found = { booth: this.booth, id: this.id, muted: this.muted, audioBytesSent: 0 };
    const pc = this.handle?.webrtcStuff?.pc;
    if (!pc) return found;
    (await pc.getStats()).forEach((report) => {
      if (report.type === "outbound-rtp" && report.kind === "audio") found.audioBytesSent += report.bytesSent ?? 0;
    });
    return found;
  }

  tell(state, message) {
    this.dispatchEvent(new CustomEvent("state", { detail: { state, message } }));
  }
}
