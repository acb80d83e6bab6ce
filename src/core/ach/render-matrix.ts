import type { BoardAnalysis } from "./analyse.js";
import type { Board } from "./board.js";
import { cellsOf } from "./cells.js";
import { cellText } from "./board-csv.js";

/*
 * The board as the terminal shows it (`tocsin ach show`): the matrix with hypotheses as columns and
 * evidence as rows, the scores under it, then the flags with their reasons, the linchpins, the
 * analysts' disagreements and the comments. Plain text, no colour, lines kept under ~120 columns.
 */

export interface RenderMeta {
  /** e.g. "version 3 of 3, saved 2024-04-03T10:00:00.000Z by analyst-desk, log entry 512". */
  readonly versionLine?: string;
  /** Party display names by identity id (comments, owner). */
  readonly partyName?: (id: string) => string;
  /** What an evidence item's link resolves to here, e.g. "warning, log entry 3" (by evidence id). */
  readonly linkNote?: (evidence: string) => string | undefined;
}

const LEVEL = { low: "L", medium: "M", high: "H" } as const;

function fit(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `${s.slice(0, width - 1)}…`;
}

function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

const num = (n: number, d = 2): string => (Math.abs(n) < 0.5 * 10 ** -d ? (0).toFixed(d) : n.toFixed(d));

export function renderBoard(board: Board, a: BoardAnalysis, meta: RenderMeta = {}): string {
  const name = meta.partyName ?? ((id: string) => id);
  const hs = board.hypotheses;
  const cells = cellsOf(board);
  // Where analysts differ a cell shows each one's rating in this order ("C|N"), blank as "·".
  const analysts = [...new Set(board.ratings.map((r) => r.analyst))].sort();
  const cell = (e: string, h: string): string => {
    const c = cells.get(e)?.get(h);
    const one = cellText(c);
    if (!c || !one.includes(":")) return one || "·";
    return analysts.map((x) => c.get(x) ?? "·").join("|");
  };
  const cellTexts = board.evidence.flatMap((e) => hs.map((h) => cell(e.id, h.id)));
  const colW = Math.min(24, Math.max(7, ...cellTexts.map((t) => t.length), ...hs.map((h) => h.id.length)));
  const descW = 40;
  const groupW = Math.min(14, Math.max(5, ...board.evidence.map((e) => e.sourceGroup.length)));
  const L: string[] = [];
  L.push(`${board.title}`);
  if (board.description) L.push(...wrap(board.description, 110, ""));
  L.push(`board ${board.name} · owner ${name(board.owner)}${board.editors.length ? ` · editors ${board.editors.map(name).join(", ")}` : ""}`);
  if (meta.versionLine) L.push(meta.versionLine);
  L.push("");
  L.push("Hypotheses");
  for (const h of hs) {
    const f = a.flags.find((x) => x.hypothesis === h.id)!;
    L.push(`  ${h.id.padEnd(4)} ${h.title}${f.flagged ? "   [ASSERTED WITHOUT EVIDENCE]" : ""}`);
  }
  L.push("");
  const head = `${"".padEnd(4)} ${fit("evidence", descW)} ${"C/R".padEnd(3)} ${fit("group", groupW)} ${hs.map((h) => fit(h.id, colW)).join(" ")} ${"diag".padStart(5)}`;
  const rule = "─".repeat(head.length);
  L.push(head);
  L.push(rule);
  board.evidence.forEach((e, i) => {
    const cr = `${LEVEL[e.credibility]}/${LEVEL[e.relevance]}`;
    const row = hs.map((h) => fit(cell(e.id, h.id), colW)).join(" ");
    L.push(`${e.id.padEnd(4)} ${fit(e.description, descW)} ${cr} ${fit(e.sourceGroup, groupW)} ${row} ${num(a.diagnosticity[i]!.weighted).padStart(5)}`);
  });
  L.push(rule);
  const label = (s: string): string => `${"".padEnd(4)} ${fit(s, descW)} ${"".padEnd(3)} ${"".padEnd(groupW)} `;
  const score = (h: string) => a.scores.find((s) => s.hypothesis === h)!;
  L.push(label("Weighted inconsistency (0 best)") + hs.map((h) => fit(num(score(h.id).score), colW)).join(" "));
  L.push(label("Rank") + hs.map((h) => fit(String(score(h.id).rank), colW)).join(" "));
  L.push(label(`Posterior (${a.bayes.statedPriors ? "stated" : "uniform"} priors)`) + hs.map((h) => fit(num(a.bayes.posteriors[h.id]!, 3), colW)).join(" "));
  L.push(label("Asserted without evidence") + hs.map((h) => fit(a.flags.find((f) => f.hypothesis === h.id)!.flagged ? "FLAG" : "-", colW)).join(" "));
  L.push("");
  L.push(`Ranking: ${a.ranking}`);
  L.push("  C/R = credibility/relevance (L, M, H: weights 1/√2, 1, √2); I = −1, II = −2; a source group counts once.");
  L.push(`  Cells: CC C N I II NA, · blank${analysts.length > 1 ? `; where analysts differ, each one's rating: ${analysts.join("|")}` : ""}.`);
  L.push("");
  L.push("Evidence");
  for (const e of board.evidence) {
    const target = e.link?.recordRef ?? (e.link?.logIndex !== undefined ? `log entry ${e.link.logIndex}` : e.link?.url);
    const note = meta.linkNote?.(e.id);
    const link = target && note ? `${target} (${note})` : target;
    L.push(...wrap(`${e.id} ${e.date} ${e.description} Source: ${e.source} (group ${e.sourceGroup}; credibility ${e.credibility}, relevance ${e.relevance}).${link ? ` Link: ${link}` : ""}`, 110, "  ").map((x, i) => (i === 0 ? x : `    ${x.trimStart()}`)));
  }
  L.push("");
  L.push("Flags");
  for (const f of a.flags) L.push(...wrap(`${f.hypothesis}: ${f.flagged ? "FLAGGED" : "supported"} — ${f.reason}`, 110, "  ").map((s, i) => (i === 0 ? s : `    ${s.trimStart()}`)));
  L.push("");
  L.push("Sensitivity (linchpins: single changes that alter the ranking)");
  if (a.linchpins.length === 0) L.push("  none: no single item's removal or credibility change alters the ranking");
  for (const l of a.linchpins) {
    const what = l.change.kind === "remove" ? `without ${l.evidence}` : `${l.evidence} credibility ${l.change.from} → ${l.change.to}`;
    L.push(`  ${what}: ${l.ranking}${l.leaderChanges ? "   (changes the leader)" : ""}`);
  }
  L.push("");
  L.push("Analysts' disagreements");
  if (a.disagreements.length === 0) L.push("  none");
  for (const d of a.disagreements) {
    L.push(`  ${d.evidence} × ${d.hypothesis}: ${Object.entries(d.ratings).map(([k, v]) => `${k} ${v}`).join(", ")} (spread ${d.spread}${d.conflict ? ", CONFLICT" : ""})`);
  }
  L.push("");
  L.push("Source groups");
  for (const g of board.sourceGroups) {
    const n = board.evidence.filter((e) => e.sourceGroup === g.id).length;
    L.push(`  ${g.id.padEnd(groupW)} ${g.name}; ${n} item${n === 1 ? "" : "s"}; interested in: ${g.interestedIn.length ? g.interestedIn.join(", ") : "none"}`);
  }
  if (board.comments.length) {
    L.push("");
    L.push("Comments");
    for (const c of board.comments) {
      const on = [c.evidence, c.hypothesis].filter(Boolean).join(" × ");
      L.push(...wrap(`${c.at.slice(0, 10)} ${c.analyst ?? name(c.author)}${on ? ` on ${on}` : ""}: ${c.text}`, 110, "  "));
    }
  }
  return L.map((l) => l.trimEnd()).join("\n") + "\n";
}
