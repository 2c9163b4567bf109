// The room protocol's constants as the server publishes them (/api/protocol/constants.json):
// close codes, meeting status transitions, ephemeral and negotiation event types. Modules
// import them from here instead of keeping copies.
import { format, gettext } from "./i18n.js";
const reply = await fetch("/api/protocol/constants.json", { credentials: "same-origin" });
if (!reply.ok) throw new Error(format(gettext("Could not load the protocol's constants ({status})."), { status: reply.status }));

export const PROTOCOL = Object.freeze(await reply.json());
