// The camera gallery (a conference's setting, docs/media.md "The camera gallery"): the
// delegations' cameras in small muted tiles beside the floor's. The page joins the meeting's
// Janus room under the camera id Plenary gives it (GET /meetings/<id>/media/ → camera.id):
// Janus tells it which cameras are there and which come and go (publishers, unpublished,
// leaving), and it subscribes to each, up to gallery_tiles of them. A member delegate may
// show their own camera, video only (the proxy refuses an offer that carries audio).
import { format, gettext } from "./i18n.js";
const PLUGIN = "janus.plugin.videoroom";
const VIDEO = { width: { ideal: 320 }, height: { ideal: 180 }, frameRate: { ideal: 15 } };
// Plenary's camera ids lie above every participant id (server/media/selectors.py).
const CAMERA_IDS = 2 ** 32;

export class CameraGallery extends EventTarget {
  constructor(container) {
    super();
    this.container = container; // the section holding the tiles
    this.list = container.querySelector("[data-tiles]");
    this.janus = null;
    this.config = null;
    this.handle = null; // this page's place in the room (and its camera, when shown)
    this.tiles = new Map(); // camera id → {handle, figure, video}
    this.joined = false;
    this.wanted = false; // the delegate asked to show their camera (kept across reconnections)
    this.showing = false;
  }

  // A new Janus connection (or the first): join under our camera id and follow the room.
  join(janus, config) {
    this.leave();
    this.janus = janus;
    this.config = config;
    this.container.hidden = !config.gallery || !config.camera;
    if (this.container.hidden) return;
    this.janus.attach({
      plugin: PLUGIN,
      success: (handle) => {
        this.handle = handle;
        handle.send({
          message: { request: "join", ptype: "publisher", room: config.room, id: config.camera.id, token: config.token },
          error: (cause) => this.tell("off", format(gettext("The gallery is not available: {cause}."), { cause })),
        });
      },
      onmessage: (message, jsep) => this.onRoom(message, jsep),
      webrtcState: (up) => (up ? this.tell("showing", gettext("The gallery shows your camera (no sound).")) : this.cameraOff(gettext("Your camera's connection was lost."))),
    });
  }

  onRoom(message, jsep) {
    if (message.error) return this.tell(this.showing ? "failed" : "watching", message.error);
    for (const publisher of message.publishers ?? []) this.add(publisher);
    const gone = message.unpublished ?? message.leaving;
    if (gone !== undefined && gone !== "ok") this.remove(gone);
    if (message.videoroom === "joined") {
      this.joined = true;
      this.tell("watching", "");
      if (this.wanted) this.showCamera();
    }
    if (jsep) this.handle?.handleRemoteJsep({ jsep });
  }

  get mayShow() {
    return Boolean(this.config?.gallery && this.config.camera?.publish);
  }

  // A member delegate's camera in the gallery: video only (no microphone is even asked).
  showCamera() {
    if (!this.mayShow) return;
    this.wanted = true;
    if (!this.joined || this.showing) return;
    this.showing = true;
    this.handle.createOffer({
      tracks: [{ type: "video", capture: VIDEO, recv: false }],
      success: (offer) => this.handle.send({
        message: { request: "configure", video: true },
        jsep: offer,
        error: (cause) => this.cameraOff(format(gettext("Your camera was refused: {cause}."), { cause })),
      }),
      error: (error) => this.cameraOff(format(gettext("Your camera could not start: {cause}."), { cause: error.message ?? error })),
    });
    this.tell("connecting", gettext("Connecting your camera…"));
  }

  cameraOff(message = gettext("The gallery does not show your camera.")) {
    this.wanted = false;
    if (!this.showing) return;
    this.showing = false;
    this.handle?.send({ message: { request: "unpublish" } });
    this.handle?.hangup();
    this.tell("watching", message);
  }

  // A camera joined: a muted tile, subscribed to its video (the floor's own feed is the big
  // tile; ours we do not watch).
  add({ id, display }) {
    if (id < CAMERA_IDS || id === this.config.camera.id || this.tiles.has(id)) return;
    if (this.tiles.size >= this.config.gallery_tiles) return;
    const figure = document.createElement("figure");
    figure.className = "media-tile gallery-tile";
    figure.dataset.testid = "gallery-tile";
    figure.dataset.feed = String(id);
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    const caption = document.createElement("figcaption");
    caption.textContent = display ?? "";
    figure.append(video, caption);
    this.list.append(figure);
    const tile = { handle: null, figure, video };
    this.tiles.set(id, tile);
    const stream = new MediaStream();
    this.janus.attach({
      plugin: PLUGIN,
      success: (handle) => {
        if (this.tiles.get(id) !== tile) return handle.detach();
        tile.handle = handle;
        handle.send({ message: { request: "join", ptype: "subscriber", room: this.config.room, token: this.config.token, streams: [{ feed: id }] } });
      },
      onmessage: (message, jsep) => {
        if (message.error_code) return this.remove(id);
        if (jsep) {
          tile.handle.createAnswer({
            jsep,
            tracks: [],
            success: (answer) => tile.handle.send({ message: { request: "start", room: this.config.room }, jsep: answer }),
            error: () => this.remove(id),
          });
        }
      },
      onremotetrack: (track, mid, on) => {
        stream.getTracks().filter((t) => t.id === track.id).forEach((t) => stream.removeTrack(t));
        if (on && track.kind === "video") stream.addTrack(track);
        video.srcObject = stream;
        video.play().catch(() => {});
      },
    });
  }

  remove(id) {
    const tile = this.tiles.get(Number(id));
    if (!tile) return;
    this.tiles.delete(Number(id));
    tile.handle?.detach();
    tile.figure.remove();
  }

  leave() {
    for (const id of [...this.tiles.keys()]) this.remove(id);
    this.showing = false;
    this.joined = false;
    this.handle = null; // its Janus connection is gone, or goes with it
  }

  // For the end-to-end tests and the curious: what each camera's subscription received.
  async receivedStats() {
    const found = [];
    for (const [feed, tile] of this.tiles) {
      const stats = { feed, display: tile.figure.querySelector("figcaption").textContent, framesDecoded: 0, audioBytes: 0, audioTracks: 0, muted: tile.video.muted };
      const pc = tile.handle?.webrtcStuff?.pc;
      if (pc) {
        stats.audioTracks = pc.getReceivers().filter((r) => r.track?.kind === "audio").length;
        (await pc.getStats()).forEach((report) => {
          if (report.type !== "inbound-rtp") return;
          if (report.kind === "audio") stats.audioBytes += report.bytesReceived ?? 0;
          else stats.framesDecoded += report.framesDecoded ?? 0;
        });
      }
      found.push(stats);
    }
    return found;
  }

  tell(state, message) {
    this.dispatchEvent(new CustomEvent("state", { detail: { state, message } }));
  }
}
