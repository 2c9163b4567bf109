// The pages' translations, from Django's JavaScript catalog (/jsi18n/, loaded by base.html
// before any module), and dates, times and numbers in the page's language (<html lang>).
const catalog = globalThis.django ?? {};

export const gettext = (text) => (catalog.gettext ? catalog.gettext(text) : text);
export const ngettext = (singular, plural, count) =>
  catalog.ngettext ? catalog.ngettext(singular, plural, count) : count === 1 ? singular : plural;

// "{name} has the floor" with named values: translators may move the names.
export function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export const pageLanguage = () => document.documentElement.lang || "en";
export const textDirection = () => document.documentElement.dir || "ltr";

// The writing direction of a language (of a caption, a clause), for its own `dir`.
const RTL = new Set(["ar", "fa", "he", "ur", "ps", "yi", "dv", "ku", "sd", "ug"]);
export const directionOf = (language) => (RTL.has(String(language ?? "").split("-")[0]) ? "rtl" : "ltr");

export const languageName = (code) => {
  try {
    return new Intl.DisplayNames([pageLanguage()], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
};
export const formatTime = (date) =>
  new Intl.DateTimeFormat(pageLanguage(), { hour: "2-digit", minute: "2-digit" }).format(date);
export const formatNumber = (number, options = {}) => new Intl.NumberFormat(pageLanguage(), options).format(number);
// Lists of delegations and names: joined by the language's own separator ("، ", "、").
// Translators: the separator between the items of a list of names, with its spacing.
export const formatList = (items) => items.join(gettext(", "));
