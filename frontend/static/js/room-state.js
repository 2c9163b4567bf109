// The room's state as the client knows it, and how each event changes it.
// Pure functions: no DOM, no socket. See docs/protocol.md.
import { PROTOCOL } from "./protocol.js";

const EVENT = PROTOCOL.event_types;

const NO_INTERPRETATION = { booths: [], my_channel: "", floor_under: false, my_booths: [] };

export function fromSnapshot(snapshot) {
  return {
    seq: snapshot.seq,
    meeting: { ...snapshot.meeting },
    you: snapshot.you,
    presence: snapshot.presence,
    hands: snapshot.hands,
    speakers: snapshot.speakers,
    floor: snapshot.floor,
    agenda: snapshot.agenda,
    agendaItem: snapshot.agenda_item,
    chat: snapshot.chat.map((line) => ({ seq: line.seq, ts: line.ts, actor: line.actor, ...line.data })),
    captions: (snapshot.parts?.captions?.recent ?? []).map((line) => ({ ...line })),
    captionLanguages: snapshot.parts?.captions?.languages ?? [],
    translatedInto: snapshot.parts?.captions?.translated_into ?? {},
    decisions: snapshot.parts?.votes?.decisions ?? [],
    interpretation: { ...NO_INTERPRETATION, ...snapshot.parts?.interpretation },
  };
}

const CAPTIONS_KEPT = 300;

// A settled final (its utterance's final pass) replaces the pieces it names.
function captionFinal(state, event) {
  const line = { ...event.data, seq: event.seq, translations: {} };
  const replaced = new Set(event.data.replaces ?? []);
  const kept = state.captions.filter((old) => !replaced.has(old.segment));
  return { ...state, captions: [...kept, line].slice(-CAPTIONS_KEPT) };
}

function captionTranslation(state, event) {
  const { segment, language, text } = event.data;
  const captions = state.captions.map((line) => (line.segment === segment
    ? { ...line, translations: { ...line.translations, [language]: text } }
    : line));
  return { ...state, captions };
}

// Every decision event carries the decision's whole public state (docs/votes.md).
function decisionChanged(state, event) {
  const changed = event.data.decision;
  const others = state.decisions.filter((d) => d.id !== changed.id);
  return { ...state, decisions: [...others, changed].sort((a, b) => a.id - b.id) };
}
const DECISION_EVENTS = ["decision_opened", "decision_objected", "ballot_cast", "roll_called", "decision_closed"];

// Each booth event carries the booth's whole state (docs/protocol.md, "Interpretation").
function boothChanged(state, event) {
  const { change, ...booth } = event.data;
  const booths = state.interpretation.booths.filter((b) => b.booth !== booth.booth);
  booths.push(booth);
  booths.sort((a, b) => a.channel - b.channel);
  return { ...state, interpretation: { ...state.interpretation, booths } };
}

// The listener's own choice, once `interpretation.listen` is acknowledged (not a room event).
export function channelChosen(state, channel, floorUnder) {
  return { ...state, interpretation: { ...state.interpretation, my_channel: channel, floor_under: floorUnder } };
}

// The channel a listener hears: the chosen booth while it is live, else the floor.
export function channelHeard(interpretation) {
  const chosen = interpretation.booths.find((b) => b.booth === interpretation.my_channel);
  return chosen && chosen.status === "live" ? chosen.booth : "";
}

const withoutParticipant = (list, participant) => list.filter((p) => p.id !== participant.id);

const reducers = {
  [EVENT.presence_joined]: (s, e) => ({ ...s, presence: [...withoutParticipant(s.presence, e.data.participant), e.data.participant] }),
  [EVENT.presence_left]: (s, e) => ({ ...s, presence: withoutParticipant(s.presence, e.data.participant) }),
  [EVENT.chat_message]: (s, e) => ({ ...s, chat: [...s.chat, { seq: e.seq, ts: e.ts, actor: e.actor, ...e.data }].slice(-200) }),
  [EVENT.hand_raised]: (s, e) => ({ ...s, hands: [...withoutParticipant(s.hands, e.data.participant), e.data.participant] }),
  [EVENT.hand_lowered]: (s, e) => ({ ...s, hands: withoutParticipant(s.hands, e.data.participant) }),
  [EVENT.speakers_changed]: (s, e) => ({ ...s, speakers: e.data.speakers }),
  [EVENT.floor_granted]: (s, e) => ({ ...s, floor: e.data }),
  [EVENT.timer_started]: (s, e) => ({ ...s, floor: { ...s.floor, timer: e.data.timer } }),
  [EVENT.timer_stopped]: (s, e) => ({ ...s, floor: { ...s.floor, timer: e.data.timer } }),
  [EVENT.agenda_switched]: (s, e) => ({ ...s, agendaItem: e.data.item }),
  [EVENT.meeting_status]: (s, e) => ({ ...s, meeting: { ...s.meeting, status: e.data.status } }),
  [EVENT.caption_final]: captionFinal,
  [EVENT.caption_translation]: captionTranslation,
  [EVENT.interpretation_booth]: boothChanged,
  ...Object.fromEntries(DECISION_EVENTS.map((name) => [EVENT[name], decisionChanged])),
};

// The text of a caption line to show a reader of `language` ("" : the speaker's own),
// with the language it is in and whether it is the original.
export function captionText(line, language) {
  if (!language || language === line.language) return { text: line.text, language: line.language, original: true };
  const translated = line.translations[language];
  if (translated !== undefined) return { text: translated, language, original: false, machine: true };
  return { text: line.text, language: line.language, original: true };
}

// Apply one event whose seq is exactly state.seq + 1. Unknown and sealed events only
// advance the sequence number.
export function apply(state, event) {
  const reduce = reducers[event.type];
  const next = reduce ? reduce(state, event) : state;
  return { ...next, seq: event.seq };
}

// Seconds left on the speaking timer at `now` (ms since epoch), or null if untimed.
export function timerRemaining(timer, now) {
  if (!timer || timer.limit == null) return null;
  let used = timer.elapsed;
  if (timer.running_since) used += (now - Date.parse(timer.running_since)) / 1000;
  return Math.round(timer.limit - used);
}
