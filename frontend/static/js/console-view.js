// Drawing the interpreter's console (interpret.js) from the room's state: the booth, its
// live microphone and the buttons that fit, what the booth hears, the floor holder and the
// speakers' list. No protocol here: the controls are what interpretation-state.js allows.
import { format, gettext, languageName } from "./i18n.js";
import { consoleControls, consoleHears, relaySources } from "./interpretation-state.js";
import { who } from "./room-view.js";

const $ = (id) => document.getElementById(id);

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function boothSays(controls) {
  if (controls.live) return controls.muted ? gettext("You are live, muted (cough key).") : gettext("You are live: listeners of your booth hear you.");
  if (controls.holder && controls.status === "live") return format(gettext("Live: {name}."), { name: who(controls.holder) });
  if (controls.holder) return format(gettext("{name} holds the microphone but is disconnected."), { name: who(controls.holder) });
  return controls.status === "silent" ? gettext("Nobody is live: the booth is silent.") : gettext("No interpreter of this booth is connected.");
}

export function renderBooth(state, language) {
  const interpretation = state.interpretation;
  const controls = consoleControls(interpretation, language, state.you.id);
  if (!controls) return;
  const badge = $("booth-state");
  setText(badge, boothSays(controls));
  badge.dataset.status = controls.status;
  badge.dataset.live = String(controls.live);
  badge.dataset.muted = String(controls.muted);
  $("booth-take").hidden = !controls.take;
  $("booth-handover").hidden = !controls.handover && !controls.handingOver;
  $("booth-handover").setAttribute("aria-disabled", String(controls.handingOver));
  setText($("booth-handover"), controls.handingOver ? gettext("Handing over… (waiting for your partner)") : gettext("Hand over to my partner"));
  $("booth-release").hidden = !controls.release;
  $("booth-cough").hidden = !controls.cough;
  $("booth-cough").setAttribute("aria-pressed", String(controls.muted));
  const offer = $("booth-offer");
  offer.hidden = !controls.requested;
  if (controls.requested) setText(offer, format(gettext("{name} hands the microphone over to you: take it."), { name: who(controls.holder) }));
  renderSource(interpretation, language, controls.source);
}

function renderSource(interpretation, language, source) {
  const select = $("booth-source");
  const allowed = new Set(["", ...relaySources(interpretation, language)]);
  for (const option of select.options) {
    option.hidden = !allowed.has(option.value) && option.value !== source;
    option.disabled = option.hidden;
  }
  if (document.activeElement !== select) select.value = source;
  const hears = consoleHears(interpretation, language);
  const status = $("booth-hears");
  status.dataset.channel = hears.channel;
  if (!hears.relay) setText(status, gettext("You hear the floor."));
  else if (hears.channel === hears.relay) setText(status, format(gettext("You hear the {language} booth (relay)."), { language: languageName(hears.relay) }));
  else setText(status, format(gettext("The {language} booth is not live: you hear the floor."), { language: languageName(hears.relay) }));
}

export function renderFloor(state) {
  const holder = $("floor-holder");
  setText(holder, state.floor.holder ? who(state.floor.holder) : gettext("Nobody has the floor."));
  holder.dataset.participant = state.floor.holder?.id ?? "";
  const rows = state.speakers.map((entry) => {
    const li = document.createElement("li");
    li.textContent = who(entry.participant);
    li.dataset.kind = entry.kind;
    return li;
  });
  $("speakers").replaceChildren(...rows);
  $("speakers-empty").hidden = rows.length > 0;
}
