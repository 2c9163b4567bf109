// The minutes page. Export links are fetched here, so that the page can say how far a long
// export has come: "Preparing…" while the server lays the record out, then how much of the
// file has arrived, then the download itself. Without this script the links still work.
import { format, formatNumber, gettext } from "./i18n.js";
const status = document.getElementById("export-progress");
const bar = status.querySelector("progress");
const label = status.querySelector("span");
const links = [...document.querySelectorAll("a[data-export]")];

const size = (bytes) => (bytes < 1024 ? format(gettext("{size} B"), { size: formatNumber(bytes) }) : format(gettext("{size} kB"), { size: formatNumber(Math.round(bytes / 1024)) }));

function say(state, text) {
  status.dataset.state = state;
  label.textContent = text;
}

function busy(on) {
  for (const link of links) link.setAttribute("aria-disabled", String(on));
}

async function receive(reply) {
  const total = Number(reply.headers.get("Content-Length")) || 0;
  const reader = reply.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { chunks, received };
    chunks.push(value);
    received += value.length;
    if (total) bar.value = Math.round((100 * received) / total);
    say("receiving", total ? format(gettext("Receiving the file… {received} of {total}"), { received: size(received), total: size(total) }) : format(gettext("Receiving the file… {received}"), { received: size(received) }));
  }
}

function save(chunks, type, name) {
  const url = URL.createObjectURL(new Blob(chunks, { type }));
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function exportFile(link) {
  busy(true);
  bar.hidden = false;
  bar.removeAttribute("value"); // indeterminate while the server lays the record out
  say("preparing", format(gettext("Preparing the {format} export…"), { format: link.textContent.trim() }));
  const reply = await fetch(link.href, { credentials: "same-origin" });
  if (!reply.ok) throw new Error(format(gettext("the server answered {status}"), { status: reply.status }));
  const { chunks, received } = await receive(reply);
  const disposition = reply.headers.get("Content-Disposition") || "";
  const name = disposition.match(/filename="([^"]+)"/)?.[1] || "minutes";
  save(chunks, reply.headers.get("Content-Type") || "application/octet-stream", name);
  bar.value = 100;
  say("ready", format(gettext("{name} is ready ({size})."), { name, size: size(received) }));
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-export]");
  if (!link) return;
  event.preventDefault();
  if (link.getAttribute("aria-disabled") === "true") return;
  exportFile(link)
    .catch((error) => {
      bar.hidden = true;
      say("failed", format(gettext("The export failed: {cause}."), { cause: error.message }));
    })
    .finally(() => busy(false));
});
