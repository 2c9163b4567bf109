// The captions panel: final lines in the language the reader picked (or each speaker's own),
// the current draft below them, visibly provisional and kept out of the live region, and
// auto-scroll that stops while the reader looks back.
import { captionText } from "./room-state.js";
import { who } from "./room-view.js";

const $ = (id) => document.getElementById(id);
const STICKY_PX = 24;
const PICKED = "plenary.captionLanguage";
const NAMES = new Intl.DisplayNames(["en"], { type: "language" });
const named = (code) => NAMES.of(code) ?? code;

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
    const which = all ? "" : ` from ${missing.map(named).join(", ")}`;
    this.untranslated.textContent = missing.length
      ? `No translation${which} into ${named(language)} on this server: ${all ? "captions" : "those captions"} are shown as spoken.`
      : "";
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
    const shown = new Map([...this.list.children].map((li) => [Number(li.dataset.segment), li]));
    const kept = new Set(lines.map((line) => line.segment));
    for (const [segment, li] of shown) if (!kept.has(segment)) li.remove();
    for (const line of lines) {
      const li = shown.get(line.segment);
      if (!li) this.list.append(this.lineElement(line));
      else this.update(li, line);
    }
    $("captions-empty").hidden = lines.length > 0 || Boolean(this.draft);
    if (this.draft && lines.some((line) => line.turn === this.draft.turn && line.seq > this.draft.after)) {
      this.showDraft(null); // a final of that turn superseded it
    }
    this.keepInView();
  }

  lineElement(line) {
    const li = document.createElement("li");
    li.dataset.segment = line.segment;
    li.dataset.turn = line.turn;
    const speaker = document.createElement("strong");
    speaker.textContent = who(line.speaker);
    const text = document.createElement("span");
    text.className = "caption-text";
    const machine = document.createElement("abbr");
    machine.className = "caption-machine";
    machine.textContent = "MT";
    li.append(speaker, ": ", text, " ", machine);
    this.update(li, line);
    return li;
  }

  update(li, line) {
    const shown = captionText(line, this.language);
    const text = li.querySelector(".caption-text");
    if (text.textContent !== shown.text) text.textContent = shown.text;
    text.lang = shown.language;
    li.dataset.language = shown.language;
    li.dataset.original = String(shown.original);
    li.title = shown.original ? `Original (${named(line.language)})` : `Machine translation from ${named(line.language)}`;
    const machine = li.querySelector(".caption-machine");
    machine.hidden = !shown.machine;
    machine.title = `Machine translation from ${named(line.language)}`;
  }

  // Drafts come without a sequence number and are replaced by the next draft or final.
  onDraft(draft) {
    const after = this.lines.length ? this.lines[this.lines.length - 1].seq : 0;
    this.showDraft({ ...draft, after });
  }

  showDraft(draft) {
    this.draft = draft;
    this.draftLine.hidden = !draft;
    if (draft) $("captions-empty").hidden = true;
    this.draftLine.textContent = draft ? `${who(draft.speaker)}: ${draft.text} …` : "";
    if (draft) this.draftLine.lang = draft.language;
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
