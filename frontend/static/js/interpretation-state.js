// What the booths' state means for one person: which channel a listener hears, what an
// interpreter's console offers. Pure functions over room-state.js's `interpretation`; no
// DOM, no socket (docs/protocol.md "Interpretation").

export const FLOOR = "";

export const boothOf = (interpretation, language) =>
  interpretation.booths.find((booth) => booth.booth === language) ?? null;

// The channel a listener who chose `chosen` hears now: the booth while it is live, else the
// floor, told so (`fallback`: the chosen booth is silent or unstaffed). `under`: the floor
// plays quietly beneath a booth's voice.
export function channelHeard(interpretation, chosen, floorUnder) {
  const booth = chosen === FLOOR ? null : boothOf(interpretation, chosen);
  if (booth === null) return { channel: FLOOR, fallback: chosen !== FLOOR ? "gone" : null, under: false };
  if (booth.status !== "live") return { channel: FLOOR, fallback: booth.status, under: false };
  return { channel: booth.booth, fallback: null, under: floorUnder };
}

// What an interpreter's console hears: the floor, or the booth it relays while that booth
// is live (a silent relay source leaves the floor, as for a listener).
export function consoleHears(interpretation, language) {
  const booth = boothOf(interpretation, language);
  if (!booth || booth.source === FLOOR) return { channel: FLOOR, relay: null };
  const heard = channelHeard(interpretation, booth.source, false);
  return { channel: heard.channel, relay: booth.source, fallback: heard.fallback };
}

// The console's controls for interpreter `you` in booth `language`: which operations the
// server would allow now (interpretation.take/handover/release/mute/source), and what to say.
export function consoleControls(interpretation, language, you) {
  const booth = boothOf(interpretation, language);
  if (!booth) return null;
  const mine = booth.live?.id === you;
  const offeredToMe = booth.handover_to?.id === you;
  const holderGone = booth.live !== null && booth.status !== "live";
  return {
    live: mine,
    muted: mine && booth.muted,
    take: !mine && (booth.live === null || offeredToMe || holderGone),
    requested: offeredToMe,
    handover: mine && booth.handover_to === null,
    handingOver: mine && booth.handover_to !== null,
    release: mine,
    cough: mine,
    holder: booth.live,
    status: booth.status,
    source: booth.source,
  };
}

// The booths a booth may take relay from: any other booth that does not relay itself (no
// relay chains); the floor is always offered.
export function relaySources(interpretation, language) {
  return interpretation.booths
    .filter((booth) => booth.booth !== language && booth.source === FLOOR)
    .map((booth) => booth.booth);
}

// How loud the floor plays beneath a booth's voice, as on a hardware console.
export const FLOOR_UNDER_LEVEL = 0.15;

// The levels of the floor's and the channel's sound for what is heard, at `volume`.
export function mixLevels(heard, volume) {
  if (heard.channel === FLOOR) return { floor: volume, channel: 0 };
  return { floor: heard.under ? volume * FLOOR_UNDER_LEVEL : 0, channel: volume };
}
