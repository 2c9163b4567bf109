// A language channel over WebRTC (docs/media.md, "Interpretation"): each booth's voice is a
// Streaming mountpoint of Plenary's Janus, forwarded to listeners without re-encoding. The
// page watches the mountpoint of the channel it chose on the floor's Janus connection
// (media.js), changes channel with the Streaming `switch` request (no renegotiation), and
// pauses the stream while it hears the floor. Which channel is heard, and how loud the floor
// plays beneath it, the page decides (interpretation-state.js); this module only carries it.
import { gettext } from "./i18n.js";

const PLUGIN = "janus.plugin.streaming";
const RETRY_MS = 500;

export class ChannelPlayer extends EventTarget {
  constructor(audio) {
    super();
    this.audio = audio; // the <audio> element the channel plays in
    this.janus = null;
    this.channels = [];
    this.handle = null;
    this.attaching = false;
    this.watching = null; // the mountpoint this handle is on (paused or not)
    this.paused = false;
    this.wanted = ""; // the language wanted ("" : none, the floor is heard)
    this.stream = new MediaStream();
  }

  // A Janus connection (media.js): watch the wanted channel on it.
  join(janus, config) {
    this.janus = janus;
    this.channels = config.channels ?? [];
    this.handle = null;
    this.attaching = false;
    this.watching = null;
    this.tune(this.wanted);
  }

  leave() {
    this.janus = null;
    this.handle = null;
    this.attaching = false;
    this.watching = null;
  }

  mountpoint(language) {
    return this.channels.find((c) => c.language === language)?.mountpoint ?? null;
  }

  // Carry `language`'s channel ("" : none). Changing channel is a switch on the same
  // stream; the floor pauses it.
  tune(language) {
    this.wanted = language;
    const mountpoint = this.mountpoint(language);
    if (!this.janus?.isConnected()) return;
    if (mountpoint === null) return this.pause();
    if (!this.handle) return this.attaching || this.watch(mountpoint);
    if (this.watching === null) return; // the watch is under way; it is followed when answered
    if (this.watching !== mountpoint) {
      this.watching = mountpoint;
      this.handle.send({ message: { request: "switch", id: mountpoint } });
    }
    if (this.paused) {
      this.paused = false;
      this.handle.send({ message: { request: "start" } });
    }
  }

  pause() {
    if (!this.handle || this.paused || this.watching === null) return;
    this.paused = true;
    this.handle.send({ message: { request: "pause" } });
  }

  watch(mountpoint) {
    const janus = this.janus;
    this.attaching = true;
    let mine = null; // this watch's handle
    const retry = () => {
      if (this.janus !== janus || (mine !== null && mine !== this.handle)) return;
      this.attaching = false;
      const handle = this.handle;
      this.handle = null;
      this.watching = null;
      handle?.detach();
      setTimeout(() => this.janus === janus && !this.handle && this.tune(this.wanted), RETRY_MS);
    };
    janus.attach({
      plugin: PLUGIN,
      success: (handle) => {
        if (this.janus !== janus) return handle.detach();
        this.attaching = false;
        this.handle = mine = handle;
        this.paused = false;
        handle.send({ message: { request: "watch", id: mountpoint }, error: retry });
      },
      error: retry,
      onmessage: (message, jsep) => {
        if (message.error_code || message.error) {
          this.tell("failed", message.error ?? gettext("The channel could not be watched."));
          return retry();
        }
        if (!jsep || mine !== this.handle) return;
        mine.createAnswer({
          jsep,
          tracks: [],
          success: (answer) => {
            mine.send({ message: { request: "start" }, jsep: answer });
            this.watching = mountpoint;
            this.tune(this.wanted); // the choice may have changed while the watch was answered
          },
          error: retry,
        });
      },
      // A connection that goes down (the network, a Janus restart under way) is watched
      // again; a handle of ours detached since has nothing to mend.
      webrtcState: (up) => {
        this.tell(up ? "live" : "failed", "");
        if (!up) retry();
      },
      onremotetrack: (track, mid, on) => {
        this.stream.getTracks().filter((t) => t.id === track.id).forEach((t) => this.stream.removeTrack(t));
        if (on && track.kind === "audio") this.stream.addTrack(track);
        if (this.audio.srcObject !== this.stream) this.audio.srcObject = this.stream;
        this.audio.play().catch(() => this.tell("blocked", ""));
      },
    });
  }

  // For the end-to-end tests and the curious: what the channel's stream received.
  async receivedStats() {
    const pc = this.handle?.webrtcStuff?.pc;
    const found = {
      mountpoint: this.watching, paused: this.paused, audioBytes: 0, audioEnergy: 0,
      connection: pc?.connectionState ?? null,
    };
    if (!pc) return found;
    (await pc.getStats()).forEach((report) => {
      if (report.type !== "inbound-rtp" || report.kind !== "audio") return;
      found.audioBytes += report.bytesReceived ?? 0;
      found.audioEnergy += report.totalAudioEnergy ?? 0;
    });
    return found;
  }

  tell(state, message) {
    this.dispatchEvent(new CustomEvent("state", { detail: { state, message } }));
  }
}

// Play `element` at `level` (0: muted, so it does not even decode into the output).
export function setLevel(element, level) {
  element.muted = level === 0;
  element.volume = level;
}
