// The room page's channel picker (docs/protocol.md "Interpretation"): the floor or a booth's
// language, and the floor quietly underneath. The choice is the participant's, kept by the
// server (interpretation.listen) and restored from the snapshot; a chosen booth that is not
// live leaves the floor heard, and a badge says so.
import { format, gettext, languageName } from "./i18n.js";
import { FLOOR, channelHeard, mixLevels } from "./interpretation-state.js";
import { setLevel } from "./channels.js";

const STATUS = { live: () => gettext("live"), silent: () => gettext("silent"), unstaffed: () => gettext("unstaffed") };
const FALLBACK = {
  silent: (language) => format(gettext("The {language} booth is silent: you hear the floor."), { language }),
  unstaffed: (language) => format(gettext("The {language} booth has no interpreter now: you hear the floor."), { language }),
  gone: (language) => format(gettext("There is no {language} booth: you hear the floor."), { language }),
};

export class ChannelPicker {
  // {root: the section (absent: the conference has no booths), act, player (channels.js),
  //  floor: the floor's <video>, volume: the floor's volume slider}
  constructor({ root, act, player, floor, volume }) {
    this.root = root;
    this.act = act;
    this.player = player;
    this.floor = floor;
    this.volume = volume;
    this.chosen = FLOOR;
    this.under = false;
    this.restored = null; // the server's choice last restored (from a snapshot)
    this.interpretation = null;
    if (!root) return;
    root.querySelectorAll("input[name=channel]").forEach((radio) =>
      radio.addEventListener("change", () => radio.checked && this.choose(radio.value, this.under)));
    this.underBox = root.querySelector("#floor-under");
    this.underBox.addEventListener("change", () => this.choose(this.chosen, this.underBox.checked));
    volume.addEventListener("input", () => this.mix());
  }

  // The room's state changed: the snapshot's choice where it is news, the booths' status.
  render(interpretation) {
    this.interpretation = interpretation;
    if (!this.root) return;
    const saved = `${interpretation.my_channel}|${interpretation.floor_under}`;
    if (saved !== this.restored) {
      this.restored = saved;
      this.chosen = interpretation.my_channel;
      this.under = interpretation.floor_under;
    }
    for (const booth of interpretation.booths) {
      const tag = this.root.querySelector(`.channel-status[data-booth="${booth.booth}"]`);
      if (!tag) continue;
      tag.dataset.status = booth.status;
      tag.textContent = STATUS[booth.status]();
    }
    this.show();
  }

  choose(channel, under) {
    if (!this.act("interpretation.listen", { channel, floor_under: under })) return this.show();
    this.chosen = channel;
    this.under = under;
    this.show();
  }

  show() {
    this.root.querySelectorAll("input[name=channel]").forEach((radio) => (radio.checked = radio.value === this.chosen));
    this.underBox.checked = this.under;
    this.underBox.disabled = this.chosen === FLOOR;
    const heard = this.heard();
    const badge = this.root.querySelector("#channel-badge");
    badge.hidden = heard.fallback === null;
    badge.dataset.state = heard.fallback ?? "";
    badge.dataset.heard = heard.channel;
    if (heard.fallback) badge.textContent = FALLBACK[heard.fallback](languageName(this.chosen));
    // The chosen booth's stream stays up while it is silent, so that its voice is there at once.
    this.player.tune(heard.fallback === "gone" ? FLOOR : this.chosen);
    this.mix();
  }

  heard() {
    if (!this.interpretation) return { channel: FLOOR, fallback: null, under: false };
    return channelHeard(this.interpretation, this.chosen, this.under);
  }

  mix() {
    if (!this.root) return;
    const levels = mixLevels(this.heard(), Number(this.volume.value));
    setLevel(this.floor, levels.floor);
    setLevel(this.player.audio, levels.channel);
  }
}
