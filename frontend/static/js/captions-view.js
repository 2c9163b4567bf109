// The captions panel: final lines in the language the reader picked (or each speaker's own),
// the current draft below them, visibly provisional and kept out of the live region, and
// auto-scroll that stops while the reader looks back. A booth's captions (a line whose
// `channel` is the booth's language) show to readers of that language, labelled
// "interpretation into …", beside the floor's machine translation.
import { captionText } from "./room-state.js";
import { who } from "./room-view.js";
import { directionOf, format, formatList, gettext, languageName } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const STICKY_PX = 24;
const PICKED = "plenary.captionLanguage";
const named = languageName;

export class CaptionsView {
  constructor({ meetingId, pick }) {
    this.select = $("caption-language");
    this.scroller = $("captions-scroll");
    this.list = $("captions-list");
    this.draftLine = $("caption-draft");
    this.latest = $("captions-latest");
    this.status = $("caption-status");
    this.untranslated = $("caption-untranslated");
    this.translatedInto = {};
    this.spoken = [];
    this.key = `${PICKED}.${meetingId}`;
    this.pick = pick;
    this.lines = [];
    this.draft = null;
    this.following = true;
    this.select.value = localStorage.getItem(this.key) ?? this.select.dataset.preferred ?? "";
    this.select.addEventListener("change", () => this.picked());
    this.scroller.addEventListener("scroll", () => this.scrolled());
    this.latest.addEventListener("click", () => this.follow());
  }

  get language() {
    return this.select.value;
  }

  // Tell the server which language to translate into for us (after every (re)connect).
  announce() {
    this.pick(this.language || null);
  }

  picked() {
    localStorage.setItem(this.key, this.language);
    this.announce();
    this.list.replaceChildren();
    this.render(this.lines, { force: true });
    this.sayUntranslated();
  }

  // What this server machine-translates into what (target → sources), and the languages
  // spoken here: a pair with no route is said once, above the captions, not on every line.
  routes(translatedInto, spoken) {
    if (translatedInto === this.translatedInto && spoken === this.spoken) return;
    this.translatedInto = translatedInto;
    this.spoken = spoken;
    this.sayUntranslated();
  }

  sayUntranslated() {
    const language = this.language;
    const from = this.translatedInto[language] ?? [];
    const missing = language ? this.spoken.filter((code) => code !== language && !from.includes(code)) : [];
    const all = missing.length === this.spoken.filter((code) => code !== language).length;
    const values = { from: formatList(missing.map(named)), into: named(language) };
    const said = all
      ? gettext("No translation into {into} on this server: captions are shown as spoken.")
      : gettext("No translation from {from} into {into} on this server: those captions are shown as spoken.");
    this.untranslated.textContent = missing.length ? format(said, values) : "";
    this.untranslated.hidden = missing.length === 0;
  }

  scrolled() {
    const { scrollHeight, scrollTop, clientHeight } = this.scroller;
    this.following = scrollHeight - scrollTop - clientHeight < STICKY_PX;
    this.latest.hidden = this.following;
  }

  follow() {
    this.following = true;
    this.latest.hidden = true;
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.list.focus?.();
  }

  // Lines are added or changed in place (a translation arriving replaces the original it
  // stood in for), so the live region announces each final once, in the reader's language.
  render(lines, { force = false } = {}) {
    if (lines === this.lines && !force) return;
    this.lines = lines;
    const read = lines.filter((line) => this.reads(line));
    const shown = new Map([...this.list.children].map((li) => [Number(li.dataset.segment), li]));
    const kept = new Set(read.map((line) => line.segment));
    for (const [segment, li] of shown) if (!kept.has(segment)) li.remove();
    for (const line of read) {
      const li = shown.get(line.segment);
      if (!li) this.list.append(this.lineElement(line));
      else this.update(li, line);
    }
    $("captions-empty").hidden = read.length > 0 || Boolean(this.draft);
    if (this.draft && lines.some((line) => line.turn === this.draft.turn && line.seq > this.draft.after)) {
      this.showDraft(null); // a final of that turn superseded it
    }
    this.keepInView();
  }

  // The floor's lines, and a booth's in the reader's language.
  reads(line) {
    return !line.channel || line.channel === this.language;
  }

  lineElement(line) {
    const li = document.createElement("li");
    li.dataset.segment = line.segment;
    li.dataset.turn = line.turn;
    const speaker = document.createElement("strong");
    speaker.textContent = who(line.speaker);
    speaker.dir = "auto";
    const text = document.createElement("span");
    text.className = "caption-text";
    const machine = document.createElement("abbr");
    machine.className = "caption-machine";
    machine.textContent = "MT";
    const interpreted = document.createElement("span");
    interpreted.className = "caption-interpretation";
    li.append(speaker, ": ", text, " ", machine, interpreted);
    this.update(li, line);
    return li;
  }

  update(li, line) {
    const shown = captionText(line, this.language);
    const text = li.querySelector(".caption-text");
    if (text.textContent !== shown.text) text.textContent = shown.text;
    text.lang = shown.language;
    li.lang = shown.language; // each line in its own language and direction, whatever the page's
    li.dir = directionOf(shown.language);
    li.dataset.language = shown.language;
    li.dataset.original = String(shown.original);
    const from = { language: named(line.language) };
    li.title = format(shown.original ? gettext("Original ({language})") : gettext("Machine translation from {language}"), from);
    const machine = li.querySelector(".caption-machine");
    machine.hidden = !shown.machine;
    machine.title = format(gettext("Machine translation from {language}"), from);
    const interpreted = li.querySelector(".caption-interpretation");
    interpreted.hidden = !line.channel;
    const into = { language: named(line.channel ?? "") };
    interpreted.textContent = line.channel ? format(gettext("interpretation into {language}"), into) : "";
    li.dataset.channel = line.channel ?? "";
    if (line.channel) li.title = format(gettext("Interpretation into {language} (the booth's voice, recognised)"), into);
  }

  // Drafts come without a sequence number and are replaced by the next draft or final.
  onDraft(draft) {
    if (!this.reads(draft)) return;
    const after = this.lines.length ? this.lines[this.lines.length - 1].seq : 0;
    this.showDraft({ ...draft, after });
  }

  showDraft(draft) {
    this.draft = draft;
    this.draftLine.hidden = !draft;
    if (draft) $("captions-empty").hidden = true;
    this.draftLine.textContent = draft ? `${who(draft.speaker)}: ${draft.text} …` : "";
    if (draft) {
      this.draftLine.lang = draft.language;
      this.draftLine.dir = directionOf(draft.language);
    }
    this.keepInView();
  }

  onStatus(status) {
    this.status.textContent = status.state === "live" ? "" : status.message;
    this.status.dataset.state = status.state;
  }

  floorChanged(holder) {
    if (this.draft && this.draft.speaker.id !== holder?.id) this.showDraft(null);
  }

  keepInView() {
    if (this.following) this.scroller.scrollTop = this.scroller.scrollHeight;
    else this.latest.hidden = false;
  }
}
