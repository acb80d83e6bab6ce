import { writeFileSync } from "node:fs";
import { ClientError } from "../client/client-error.js";
import type { WarningRow } from "../client/tocsin-client.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { SESSION_OPTIONS, openProfileSession } from "./party-session-options.js";

/** `tocsin inbox`: the warnings addressed to me, with my state and next deadline in each. */
export const inboxCommand = defineCommand(
  {
    name: "inbox",
    summary: "List the warnings addressed to you, with your state in each (issued, received, assessed, acting, resolved), next deadline and escalations.",
    options: {
      state: { type: "string", value: "STATE", help: "only warnings where you are at this state" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values }, out) => {
    const session = await openProfileSession(values.profile);
    const rows = await session.client.warnings({ recipient: session.party.id, ...(values.state ? { state: values.state } : {}) });
    const mine = rows.map((w) => ({ ...w, me: w.recipients.find((r) => r.party === session.party.id) }));
    if (values.json) {
      out(JSON.stringify({ party: session.party.slug, warnings: mine.map(({ me, ...w }) => ({ ...w, state: me?.state, nextDeadline: me?.nextDeadline, escalated: me?.escalated ?? [] })) }, null, 2) + "\n");
      return 0;
    }
    if (mine.length === 0) {
      out(`no warnings addressed to ${session.party.slug}\n`);
      return 0;
    }
    const lines = [`${mine.length} warning${mine.length === 1 ? "" : "s"} addressed to ${session.party.slug}:`];
    for (const w of mine) {
      const record = await session.client.record(w.id).catch(() => undefined);
      const due = w.me?.nextDeadline ? `; ${w.me.nextDeadline.kind} due ${w.me.nextDeadline.at ?? "now"}` : "";
      const escalated = w.me?.escalated.length ? `; ESCALATED: missed ${w.me.escalated.join(", ")}` : "";
      lines.push(`  ${w.id}  ${record ? JSON.stringify(String(record.name ?? "")) : ""}`, `    you: ${w.me?.state ?? "?"}${due}${escalated}${w.resolved ? `; resolved ${w.resolved.outcome}` : ""}`);
    }
    out(lines.join("\n") + "\n");
    return 0;
  },
);

/** `tocsin status WARNING [--bundle FILE]`: the warning's timeline and each recipient's state. */
export const statusCommand = defineCommand(
  {
    name: "status",
    summary: "Show where a warning stands: every record about it (who signed, when logged) and each recipient's state; --bundle saves its bundle for tocsin audit.",
    positionals: "WARNING",
    options: {
      bundle: { type: "string", value: "FILE", help: "also write the warning's accountability bundle to FILE (refuses an existing file), for tocsin audit" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("status takes one WARNING id");
    const session = await openProfileSession(values.profile);
    const id = positionals[0]!;
    const { timeline, row } = await session.status(id);
    if (values.bundle !== undefined) {
      const bundle = await session.client.bundle(id);
      try {
        writeFileSync(values.bundle, bundle, { flag: "wx" });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ClientError("CLIENT_FILE_UNREADABLE", `--bundle: ${code === "EEXIST" ? `${values.bundle} exists (never overwritten)` : `cannot write ${values.bundle}: ${code}`}`, { cause: e });
      }
    }
    if (values.json) {
      out(JSON.stringify({ warning: id, resolved: row?.resolved, recipients: row?.recipients ?? [], timeline: timeline.entries, keyNotices: timeline.keyNotices, ...(values.bundle ? { bundle: values.bundle } : {}) }, null, 2) + "\n");
      return 0;
    }
    const names = new Map<string, string>();
    for (const r of row?.recipients ?? []) {
      const p = await session.client.party(r.party).catch(() => undefined);
      if (p) names.set(r.party, `${p.name} (${p.slug})`);
    }
    out(statusText(id, row, names, timeline.entries, timeline.keyNotices) + (values.bundle ? `bundle written to ${values.bundle} (check it with tocsin audit ${values.bundle})\n` : ""));
    return 0;
  },
);

function statusText(id: string, row: WarningRow | undefined, names: ReadonlyMap<string, string>, entries: readonly { kind: string; authorName?: string; author: string; says: string; index: number; loggedAt: string; signedBy: string }[], notices: readonly string[]): string {
  const lines = [`warning ${id}${row?.resolved ? ` — resolved: ${row.resolved.outcome}` : ""}`];
  if (row) {
    lines.push("recipients:");
    for (const r of row.recipients) {
      const due = r.nextDeadline ? `, ${r.nextDeadline.kind} due ${r.nextDeadline.at ?? "now"}` : "";
      lines.push(`  ${names.get(r.party) ?? r.party}: ${r.state}${due}${r.escalated.length ? `, ESCALATED: missed ${r.escalated.join(", ")}` : ""}`);
    }
  }
  lines.push("timeline:");
  for (const e of entries) lines.push(`  #${e.index} ${e.loggedAt} ${e.kind} by ${e.authorName ?? e.author}: ${e.says} (${e.signedBy})`);
  for (const n of notices) lines.push(`NOTE: ${n}`);
  return lines.join("\n") + "\n";
}
