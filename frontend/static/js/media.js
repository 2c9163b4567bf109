// Seeing and hearing the floor over WebRTC (docs/media.md): Plenary's Janus gateway, reached
// only through the meeting's media socket, with janus.js and adapter.js (Debian's, served as
// Plenary's static files, loaded before this module). The floor holder publishes their
// microphone (call processing off, as the recogniser wants it) and, if they turn it on, their
// camera; everyone else subscribes to the floor's feed. Plenary decides who may publish and
// hands out a signed room token with GET /meetings/<id>/media/, fetched again on each floor
// change and before the token expires. When WebRTC cannot work here the page falls back to
// the PCM relay (listen.js) and the audio socket (microphone.js) and says so.
import { format, gettext } from "./i18n.js";
const PLUGIN = "janus.plugin.videoroom";
const RETRY_MS = 500; // a missing feed (the floor holder not live yet) or a lost socket
const CONNECT_TRIES = 6; // failed connections in a row before falling back
const ICE_TIMEOUT_MS = 8000; // a peer connection not up by then: WebRTC does not work here
const CONNECT_TIMEOUT_MS = 10_000; // a Janus session not created by then: try again
const MEND_MS = 2000; // how often a page with no floor subscription checks it should have one
const REFRESH_MARGIN_MS = 60_000;
const NO_SUCH_FEED = 428;
// The voice as the microphone hears it (see microphone.js); 360p for the camera.
const AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 25 } };

const wsUrl = (path) => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
const janusReady = new Promise((resolve) =>
  globalThis.Janus?.init({ debug: false, dependencies: Janus.useDefaultDependencies(), callback: resolve }));

export const webrtcAvailable = () =>
  typeof globalThis.Janus === "function" && typeof RTCPeerConnection === "function" && Janus.isWebrtcSupported();

// Events: "state" {state: "connecting"|"live"|"fallback", message}, "publish" {state, message}.
export class FloorMedia extends EventTarget {
  constructor(meetingId, { tile, gallery = null, attached = [] }) {
    super();
    this.meetingId = meetingId;
    this.tile = tile; // {video, name, volume, play}
    // What else lives on this page's Janus connection: the delegations' cameras (gallery.js),
    // a language channel (channels.js), a booth's microphone (booth-microphone.js). Each
    // joins every new connection (`join(janus, config)`) and forgets a lost one (`leave()`).
    this.attached = [gallery, ...attached].filter(Boolean);
    this.config = null;
    this.janus = null;
    this.failures = 0;
    this.connections = 0; // Janus sessions this page has had (a restart makes a new one)
    this.floor = undefined; // the holder the page shows: participant summary or null
    this.subscriber = null;
    this.feed = null;
    this.publisher = null;
    this.watchdog = null;
    this.republishing = null; // the timer of a publish again after a lost connection
    this.publishLosses = 0; // the publisher's connections lost in a row
    this.camera = false;
    this.refreshTimer = null;
    this.fallback = false;
    this.state = null; // the last "state" told: {state, message}
    this.mender = null;
    this.tile.volume.addEventListener("input", () => (this.tile.video.volume = Number(this.tile.volume.value)));
    this.tile.play.addEventListener("click", () => this.play());
  }

  async start() {
    if (!webrtcAvailable()) return this.fallBack(gettext("this browser has no WebRTC"));
    await janusReady;
    await this.refresh();
    if (this.config) this.connect();
  }

  // The media descriptor: room, token, whether we may publish, the floor (contract v1). A
  // server busy or unreachable for a moment (5xx, no answer) is asked again, 0.5 s, 1 s, …
  // later; a refusal (4xx), or six failures in a row, leave the fallback.
  async refresh(tries = 1) {
    clearTimeout(this.refreshTimer);
    let again = true;
    try {
      const response = await fetch(`/meetings/${this.meetingId}/media/`, { credentials: "same-origin" });
      again = response.status >= 500;
      if (!response.ok) throw new Error(format(gettext("the media descriptor answered {status}"), { status: response.status }));
      this.config = await response.json();
    } catch (error) {
      if (!again || tries >= CONNECT_TRIES || this.fallback) return this.fallBack(error.message);
      await new Promise((wait) => setTimeout(wait, RETRY_MS * tries));
      return this.refresh(tries + 1);
    }
    const left = Date.parse(this.config.expires) - Date.now() - REFRESH_MARGIN_MS;
    this.refreshTimer = setTimeout(() => this.refresh(), Math.max(left, 5000));
    return this.config;
  }

  connect() {
    this.tell("state", "connecting", gettext("Connecting to the floor's sound and picture…"));
    // janus.js says nothing of a socket closed before its session exists (Plenary closes
    // it when Janus does not answer): a connection not up in time is lost, and tried again.
    let watchdog = null;
    const janus = new Janus({
      server: wsUrl(this.config.socket),
      iceServers: this.config.ice_servers,
      success: () => {
        clearTimeout(watchdog);
        if (janus !== this.janus) return janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
        this.failures = 0;
        this.connections += 1;
        this.tell("state", "live", "");
        this.follow();
        // A listener left with no subscription and nothing retrying it (seen under CI's load,
        // cause not found: floor known, connection live, no feed for 30 s) follows again.
        clearInterval(this.mender);
        this.mender = setInterval(() => janus === this.janus && this.feed === null && this.follow(), MEND_MS);
        this.attached.forEach((part) => part.join(janus, this.config));
      },
      error: (cause) => {
        clearTimeout(watchdog);
        if (janus === this.janus) this.lost(cause);
      },
    });
    this.janus = janus;
    watchdog = setTimeout(() => janus === this.janus && this.lost(gettext("the media server did not answer")), CONNECT_TIMEOUT_MS);
  }

  // The socket dropped or Janus restarted: everything attached is gone; start over.
  lost(cause) {
    const janus = this.janus;
    this.janus = null;
    this.subscriber = null;
    this.feed = null;
    const wasPublishing = this.publisher !== null || this.republishing !== null;
    clearTimeout(this.republishing);
    this.republishing = null;
    this.publisher = null;
    this.attached.forEach((part) => part.leave()); // they join the new connection again
    janus?.destroy({ cleanupHandles: true, notifyDestroyed: false });
    this.failures += 1;
    if (this.failures >= CONNECT_TRIES) return this.fallBack(cause);
    this.tell("state", "connecting", gettext("Reconnecting to the floor's sound and picture…"));
    setTimeout(async () => {
      if (this.fallback || !(await this.refresh())) return;
      this.connect();
      if (wasPublishing) this.publishWhenConnected();
    }, RETRY_MS * this.failures);
  }

  fallBack(cause) {
    if (this.fallback) return;
    this.fallback = true;
    this.attached.forEach((part) => part.leave());
    this.janus?.destroy({ cleanupHandles: true, notifyDestroyed: false });
    this.janus = null;
    this.tell("state", "fallback",
      format(gettext("Sound and picture over WebRTC do not work here ({cause}): you hear the floor through the fallback audio stream, without video."), { cause }));
  }

  // The room's state changed: follow the floor holder, without reloading.
  async floorChanged(holder, youId) {
    const id = holder?.id ?? null;
    if (this.floor !== undefined && (this.floor?.id ?? null) === id) return;
    this.floor = holder ?? null;
    this.you = youId;
    this.tile.name.textContent = holder ? who(holder) : gettext("Nobody has the floor.");
    if (this.fallback) return;
    if ((this.publisher || this.republishing) && id !== youId) this.unpublish();
    if (this.config) await this.refresh();
    this.follow();
  }

  // Subscribe to the floor's feed (not our own); a feed not live yet is retried.
  follow() {
    if (!this.janus?.isConnected() || this.floor === undefined) return;
    // Plenary names each participant's publisher by their id (server/media/selectors.py).
    const feed = this.floor && this.floor.id !== this.you ? this.floor.id : null;
    if (feed === this.feed) return;
    this.unsubscribe();
    this.feed = feed;
    if (feed !== null) this.subscribe(feed);
  }

  subscribe(feed) {
    let watchdog = null; // from the answer on: a connection not up in time falls back
    let mine = null; // this subscription's handle: an earlier one's news is not this one's
    const retry = () => {
      clearTimeout(watchdog);
      if (this.feed !== feed) return;
      this.feed = null;
      setTimeout(() => this.feed === null && this.follow(), RETRY_MS);
    };
    const stream = new MediaStream();
    this.janus.attach({
      plugin: PLUGIN,
      success: (handle) => {
        if (this.feed !== feed) return handle.detach();
        this.subscriber = mine = handle;
        handle.send({
          message: { request: "join", ptype: "subscriber", room: this.config.room, token: this.config.token, streams: [{ feed }] },
          error: (cause) => {
            handle.detach();
            if (handle === this.subscriber) this.subscriber = null;
            retry(cause);
          },
        });
      },
      error: retry,
      onmessage: (message, jsep) => {
        const handle = mine;
        if (handle === null || handle !== this.subscriber) return; // detached since
        // The feed gone: unpublished, or (Janus's multistream subscriptions outlive their
        // publisher) every stream of the subscription made inactive. Follow it again: the
        // floor holder's next publish (a reconnect, a restart) is a new feed to subscribe to.
        const ended = message.videoroom === "updated" && (message.streams ?? []).every((s) => !s.active);
        if (message.error_code || ended || message.videoroom === "event" && (message.unpublished || message.left)) {
          this.subscriber = null;
          handle.detach();
          if (message.error_code && message.error_code !== NO_SUCH_FEED) this.tell("state", "live", message.error);
          return retry();
        }
        if (jsep) {
          handle.createAnswer({
            jsep,
            tracks: [],
            success: (answer) => {
              handle.send({ message: { request: "start", room: this.config.room }, jsep: answer });
              watchdog = setTimeout(() => this.feed === feed && this.fallBack(gettext("the floor's sound and picture could not connect")), ICE_TIMEOUT_MS);
            },
            error: retry,
          });
        }
      },
      webrtcState: (up) => {
        clearTimeout(watchdog);
        if (!up && mine === this.subscriber) retry(); // not a subscription left behind
      },
      onremotetrack: (track, mid, on) => {
        stream.getTracks().filter((t) => t.id === track.id).forEach((t) => stream.removeTrack(t));
        if (on) stream.addTrack(track);
        this.show(stream);
      },
      oncleanup: () => this.tile.video.srcObject === stream && this.show(null),
    });
  }

  unsubscribe() {
    const handle = this.subscriber;
    this.subscriber = null;
    this.feed = null;
    handle?.detach();
  }

  show(stream) {
    const video = this.tile.video;
    if (video.srcObject !== stream) video.srcObject = stream;
    video.dataset.tracks = stream ? stream.getTracks().map((t) => t.kind).sort().join(" ") : "";
    this.tile.video.closest("figure").dataset.live = String(Boolean(stream?.getTracks().length));
    if (stream) this.play();
  }

  // Browsers may refuse sound until the user has acted on the page: then a button asks.
  play() {
    this.tile.video.play().then(
      () => (this.tile.play.hidden = true),
      () => (this.tile.play.hidden = false),
    );
  }

  get publishing() {
    return this.publisher !== null;
  }

  // The floor holder's microphone (and camera if on) as the room's publisher.
  publishWhenConnected() {
    const wait = () => this.fallback || (this.janus?.isConnected() ? this.publish() : setTimeout(wait, RETRY_MS));
    wait();
  }

  publish() {
    if (this.publisher || !this.janus) return;
    clearTimeout(this.republishing);
    this.republishing = null;
    this.tell("publish", "connecting", gettext("Connecting your microphone…"));
    this.watchdog = setTimeout(() => this.publishFailed(gettext("the connection to the media server did not come up")), ICE_TIMEOUT_MS);
    let joined = false;
    let mine = null; // this publish's handle: a later one's events are not this one's
    this.janus.attach({
      plugin: PLUGIN,
      success: (handle) => {
        mine = handle;
        this.publisher = handle;
        const display = this.floor ? who(this.floor) : "";
        handle.send({
          message: { request: "join", ptype: "publisher", room: this.config.room, id: this.config.publisher, display, token: this.config.token },
          error: (cause) => this.unpublish(format(gettext("Your microphone was refused: {cause}."), { cause })),
        });
      },
      error: (cause) => this.publishFailed(cause),
      onmessage: (message, jsep) => {
        const handle = this.publisher;
        // Refused at the door (not the floor holder, no token): say so. Once in the room,
        // an error is Janus failing to take the media (no ICE candidates): the fallback.
        if ((message.error_code || message.error) && !joined) {
          this.unpublish(format(gettext("Your microphone was refused: {cause}."), { cause: message.error ?? gettext("not allowed") }));
          return;
        }
        if (message.error_code || message.error) return this.publishFailed(message.error);
        if (message.videoroom === "joined") {
          joined = true;
          handle.createOffer({
            tracks: this.tracks(),
            success: (offer) => handle.send({
              message: { request: "configure", audio: true, video: this.camera },
              jsep: offer,
              error: (cause) => this.publishFailed(cause),
            }),
            error: (error) => this.publishFailed(error.message ?? String(error)),
          });
        }
        if (message.videoroom === "event" && (message.leaving === "ok" || message.reason === "kicked")) {
          this.unpublish(gettext("The floor has passed on; your microphone is off."));
        }
        if (message.moderation === "muted") this.tell("publish", "muted", gettext("The chair muted your microphone."));
        if (message.moderation === "unmuted") this.tell("publish", "on", gettext("Your microphone is on: the meeting hears you."));
        if (jsep) handle.handleRemoteJsep({ jsep });
      },
      webrtcState: (up) => {
        if (mine === null || mine !== this.publisher) return; // turned off meanwhile
        clearTimeout(this.watchdog);
        if (up) {
          this.publishLosses = 0;
          this.tell("publish", "on", gettext("Your microphone is on: the meeting hears you."));
        } else this.republish();
      },
    });
  }

  tracks() {
    const audio = { type: "audio", capture: AUDIO, recv: false };
    return this.camera ? [audio, { type: "video", capture: VIDEO, recv: false }] : [audio];
  }

  // The microphone's connection went down while the floor is still ours: publish again, as
  // a listener subscribes again (Plenary refuses the join if the floor has passed on). Lost
  // again and again, WebRTC does not hold here: the audio socket takes over.
  republish() {
    this.publishLosses += 1;
    if (this.publishLosses >= CONNECT_TRIES) return this.publishFailed(gettext("the connection was lost again and again"));
    this.unpublish();
    this.tell("publish", "connecting", gettext("Your microphone's connection was lost: reconnecting…"));
    this.republishing = setTimeout(() => {
      this.republishing = null;
      this.publishWhenConnected();
    }, RETRY_MS * this.publishLosses);
  }

  publishFailed(cause) {
    this.unpublish();
    this.tell("publish", "failed", format(gettext("Your microphone could not connect over WebRTC ({cause})."), { cause }));
  }

  // The camera joins or leaves the published feed (renegotiated, the sound goes on).
  setCamera(on) {
    const handle = this.publisher;
    if (!handle?.webrtcStuff?.pc) return;
    const failed = (cause) => {
      this.camera = false;
      this.tell("publish", "on", format(gettext("The camera could not start: {cause}."), { cause: cause?.message ?? cause }));
    };
    handle.createOffer({
      tracks: [on ? { type: "video", capture: VIDEO, recv: false, add: true } : { type: "video", remove: true }],
      success: (offer) => {
        this.camera = on;
        handle.send({ message: { request: "configure", video: on }, jsep: offer, error: failed });
        this.tell("publish", "on", on ? gettext("Your microphone and camera are on: the meeting hears and sees you.") : gettext("Your microphone is on: the meeting hears you."));
      },
      error: failed,
    });
  }

  unpublish(message = gettext("Your microphone is off.")) {
    clearTimeout(this.watchdog);
    clearTimeout(this.republishing);
    this.republishing = null;
    const handle = this.publisher;
    this.publisher = null;
    if (handle) {
      handle.send({ message: { request: "leave" } });
      handle.hangup();
      handle.detach();
    }
    this.tell("publish", "off", message);
  }

  // For the end-to-end tests and the curious: what the floor's subscription received.
  async receivedStats() {
    const pc = this.subscriber?.webrtcStuff?.pc;
    const found = {
      audioBytes: 0, videoBytes: 0, framesDecoded: 0, audioEnergy: 0,
      feed: this.feed, connections: this.connections, subscription: this.subscriber?.getId() ?? null,
      floor: this.floor?.id ?? null, state: this.state, connection: pc?.connectionState ?? null,
    };
    if (!pc) return found;
    (await pc.getStats()).forEach((report) => {
      if (report.type !== "inbound-rtp") return;
      if (report.kind === "audio") {
        found.audioBytes += report.bytesReceived ?? 0;
        found.audioEnergy += report.totalAudioEnergy ?? 0;
      } else {
        found.videoBytes += report.bytesReceived ?? 0;
        found.framesDecoded += report.framesDecoded ?? 0;
      }
    });
    return found;
  }

  tell(type, state, message) {
    if (type === "state") this.state = { state, message };
    this.dispatchEvent(new CustomEvent(type, { detail: { state, message } }));
  }
}

const who = (p) => (p.delegation_name ? `${p.name} — ${p.delegation_name}` : p.name);
