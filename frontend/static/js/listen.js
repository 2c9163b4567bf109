// Hearing the floor: 16 kHz PCM16 frames from the meeting's listening socket, played a
// little behind real time so that network jitter does not break the sound.
const JITTER_S = 0.15;

export class FloorAudio {
  constructor(meetingId) {
    this.meetingId = meetingId;
    this.context = null;
    this.socket = null;
    this.next = 0;
    this.muted = false; // the speaker does not hear themselves
  }

  get playing() {
    return this.context !== null;
  }

  start() {
    this.context = new AudioContext({ sampleRate: 16000 });
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.socket = new WebSocket(`${scheme}://${location.host}/ws/meetings/${this.meetingId}/listen/`);
    this.socket.binaryType = "arraybuffer";
    this.socket.addEventListener("message", (m) => this.receive(m.data));
    this.socket.addEventListener("close", () => this.context && setTimeout(() => this.context && this.restart(), 2000));
  }

  restart() {
    this.stop();
    this.start();
  }

  receive(data) {
    if (typeof data === "string") {
      if (JSON.parse(data).type === "audio.turn") this.next = 0; // a new speaker: no backlog
      return;
    }
    if (this.muted || !this.context) return;
    const pcm = new Int16Array(data);
    const buffer = this.context.createBuffer(1, pcm.length, 16000);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 0x8000;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const now = this.context.currentTime;
    if (this.next < now) this.next = now + JITTER_S;
    source.start(this.next);
    this.next += buffer.duration;
  }

  stop() {
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.context?.close();
    this.context = null;
  }
}
