// The interface language control (every page): choosing a language applies it at once;
// without this script its button does the same.
const form = document.querySelector("form.interface-language");
if (form) {
  form.querySelector("button").hidden = true;
  form.elements.language.addEventListener("change", () => form.requestSubmit());
}
