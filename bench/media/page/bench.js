// One side of bench/media/run.py, straight to Janus (no Plenary page): #role=publish sends
// the fake microphone (and camera with video=1) as publisher `id`; #role=listen subscribes
// to `feed`. Both record the envelope of the sound they send or hear (RMS of 256-sample
// blocks, stamped with the shared clock performance.timeOrigin + now) for the latency.
const params = new URLSearchParams(location.hash.slice(1));
const room = Number(params.get("room"));
const video = params.get("video") === "1";
const AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
window.bench = { chunks: [], ready: false, error: null, pc: null };

function tap(stream) {
  const context = new AudioContext();
  const source = context.createMediaStreamSource(stream);
  const processor = context.createScriptProcessor(2048, 1, 1);
  processor.onaudioprocess = (e) => {
    const x = e.inputBuffer.getChannelData(0);
    const rms = [];
    for (let i = 0; i < x.length; i += 256) {
      let sum = 0;
      for (let j = i; j < i + 256; j++) sum += x[j] * x[j];
      rms.push(Math.sqrt(sum / 256));
    }
    window.bench.chunks.push([performance.timeOrigin + performance.now(), context.sampleRate, rms]);
  };
  source.connect(processor);
  processor.connect(context.destination);
}

window.bench.received = async () => {
  let bytes = 0;
  let headers = 0;
  if (window.bench.pc) {
    (await window.bench.pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "audio") {
        bytes += r.bytesReceived;
        headers += r.headerBytesReceived;
      }
    });
  }
  return { bytes, headers, at: performance.now() };
};

function publish(janus) {
  let handle = null;
  janus.attach({
    plugin: "janus.plugin.videoroom",
    success: (h) => {
      handle = h;
      h.send({ message: { request: "join", ptype: "publisher", room, id: Number(params.get("id")), display: "bench", token: params.get("token") } });
    },
    onmessage: (message, jsep) => {
      if (message.error) window.bench.error = message.error;
      if (message.videoroom === "joined") {
        const tracks = [{ type: "audio", capture: AUDIO, recv: false }];
        if (video) tracks.push({ type: "video", capture: { width: 640, height: 360 }, recv: false });
        handle.createOffer({
          tracks,
          success: (offer) => handle.send({ message: { request: "configure", audio: true, video }, jsep: offer }),
          error: (e) => (window.bench.error = String(e)),
        });
      }
      if (jsep) handle.handleRemoteJsep({ jsep });
    },
    onlocaltrack: (track, on) => on && track.kind === "audio" && tap(new MediaStream([track])),
    webrtcState: (up) => (window.bench.ready = up),
  });
}

function listen(janus) {
  let handle = null;
  const stream = new MediaStream();
  janus.attach({
    plugin: "janus.plugin.videoroom",
    success: (h) => {
      handle = h;
      h.send({ message: { request: "join", ptype: "subscriber", room, streams: [{ feed: Number(params.get("feed")) }], token: params.get("token") } });
    },
    onmessage: (message, jsep) => {
      if (message.error) window.bench.error = message.error;
      if (jsep) {
        handle.createAnswer({
          jsep,
          tracks: [],
          success: (answer) => handle.send({ message: { request: "start", room }, jsep: answer }),
          error: (e) => (window.bench.error = String(e)),
        });
      }
    },
    onremotetrack: (track, mid, on) => {
      if (!on || track.kind !== "audio") return;
      stream.addTrack(track);
      // Chromium feeds a remote stream to Web Audio only while a media element plays it.
      const heard = document.getElementById("heard");
      heard.muted = true;
      heard.srcObject = stream;
      tap(stream);
    },
    webrtcState: (up) => {
      window.bench.pc = handle.webrtcStuff.pc;
      window.bench.ready = up;
    },
  });
}

Janus.init({
  debug: false,
  callback: () => {
    const janus = new Janus({
      server: params.get("ws"),
      token: params.get("core"),
      iceServers: [],
      success: () => (params.get("role") === "publish" ? publish(janus) : listen(janus)),
      error: (e) => (window.bench.error = String(e)),
    });
  },
});
