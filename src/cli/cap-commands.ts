import { readFileSync, statSync, writeFileSync } from "node:fs";
import { ClientError } from "../client/client-error.js";
import { CapError } from "../core/cap/index.js";
import { MAX_CAP_BYTES } from "../exchange/cap-xml-reader.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { SESSION_OPTIONS, openProfileSession } from "./party-session-options.js";

/*
 * OASIS CAP 1.2 for a party's alerting system (docs/cap.md): a warning's CAP alert fetched from the
 * node, and a CAP Ack posted to it. Both act as the profile's party, so TLP applies as to any read.
 */

/** `tocsin cap export WARNING [--version T] [--out FILE]`. */
export const capExportCommand = defineCommand(
  {
    name: "cap export",
    summary: "Write a warning as an OASIS CAP 1.2 alert (XML) for an alerting system: Alert, Update (a later version) or Cancel (withdrawn).",
    positionals: "WARNING",
    description: "The mapping (msgType, scope from TLP, urgency, severity, certainty, times) is in docs/cap.md. Without --out the XML goes to stdout.",
    options: {
      version: { type: "string", value: "MODIFIED", help: "that version (its modified time) instead of the latest" },
      out: { type: "string", value: "FILE", help: "write the XML to FILE (refuses an existing file)" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("cap export takes one WARNING id");
    const session = await openProfileSession(values.profile);
    const xml = await session.client.capAlert(positionals[0]!, values.version);
    if (values.out === undefined) {
      out(xml);
      return 0;
    }
    try {
      writeFileSync(values.out, xml, { flag: "wx" });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ClientError("CLIENT_FILE_UNREADABLE", `--out: ${code === "EEXIST" ? `${values.out} exists (never overwritten)` : `cannot write ${values.out}: ${code}`}`, { cause: e });
    }
    if (values.json) out(JSON.stringify({ warning: positionals[0], out: values.out, bytes: Buffer.byteLength(xml) }, null, 2) + "\n");
    else out(`CAP alert for ${positionals[0]} written to ${values.out}\n`);
    return 0;
  },
);

/** `tocsin cap import FILE`: a CAP Ack from a custodial party, made its receipt by the node. */
export const capImportCommand = defineCommand(
  {
    name: "cap import",
    summary: "Post a CAP 1.2 Ack (an XML file) as your party: the node makes it your receipt for the alert it references and signs it (custodial parties).",
    positionals: "FILE",
    description: "The Ack's sender must be your party (its id or slug) and its references name alerts exported by this node (sender,identifier,sent). Malformed or schema-invalid XML, a DTD or entity, an unknown alert: refused with a code, nothing stored.",
    options: SESSION_OPTIONS,
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("cap import takes one FILE");
    const file = positionals[0]!;
    let xml: Buffer;
    try {
      // Refused here before it is read whole, as the node would refuse it.
      if (statSync(file).size > MAX_CAP_BYTES) throw new CapError("CAP_XML_TOO_LARGE", `${file} is larger than ${MAX_CAP_BYTES} bytes; an Ack is a few hundred`);
      xml = readFileSync(file);
    } catch (e) {
      if (e instanceof CapError) throw e;
      throw new ClientError("CLIENT_FILE_UNREADABLE", `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
    const session = await openProfileSession(values.profile);
    const imported = await session.client.postCapAck(xml);
    if (values.json) {
      out(JSON.stringify(imported, null, 2) + "\n");
      return 0;
    }
    const lines = [`CAP Ack ${imported.ack} imported as ${imported.receipts.length} receipt${imported.receipts.length === 1 ? "" : "s"}:`];
    for (const r of imported.receipts) {
      lines.push(`  receipt ${r.id} for version ${String(r.record?.warning_modified ?? "?")}`, `    logged at index ${r.index}, digest ${r.digest}`, "    signed by the node on your behalf (custodial)");
    }
    out(lines.join("\n") + "\n");
    return 0;
  },
);
