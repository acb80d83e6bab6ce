import { dutySentence } from "./duty-section.js";
import type { ScoreSet } from "../scoring/index.js";
import { escapeHtml as e } from "./html-escape.js";
import { reliabilitySvg } from "./reliability-svg.js";
import type { PaperSize, WarningReportInput } from "./report-input.js";
import type { WarningVersion } from "./warning-versions.js";

const HOUR = 3_600_000;

/** "3 d 4 h", "45 min": durations as people read them. */
export function humanDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const sign = ms < 0 ? "−" : "";
  const a = Math.abs(ms);
  if (a < HOUR) return `${sign}${Math.round(a / 60_000)} min`;
  if (a < 48 * HOUR) return `${sign}${(a / HOUR).toFixed(1)} h`;
  const d = Math.floor(a / (24 * HOUR));
  return `${sign}${d} d ${Math.round((a - d * 24 * HOUR) / HOUR)} h`;
}

const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined ? "—" : v.toFixed(digits));
const ci = (c: readonly [number, number] | null | undefined, digits = 3): string => (c ? `[${c[0].toFixed(digits)}, ${c[1].toFixed(digits)}]` : "");
const when = (iso: string | undefined): string => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/Z$/, " UTC") : "—");
/** RFC 3339 times inside a record's line, shortened to the minute ("2024-03-06 09:00Z"). */
const shortTimes = (s: string): string => s.replace(/(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z/g, "$1 $2Z");

/*
 * Words are never broken inside: hyphens only where the text has a soft hyphen, and a line breaks
 * inside a word only when the word alone is wider than its column (long ids, hashes, keys — which are
 * in <code>, where breaking anywhere is allowed as they are not words).
 */
const CSS = `
body,td,th,p,li{hyphens:manual;-webkit-hyphens:manual;word-break:normal;overflow-wrap:break-word}
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:12px;color:#222;margin:28px 36px;line-height:1.4}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;border-bottom:2px solid #333;padding-bottom:2px;margin:22px 0 8px}
h3{font-size:13px;margin:14px 0 6px}.meta{color:#555;margin:0 0 10px}
.banner{padding:8px 12px;border-radius:4px;font-weight:bold;margin:10px 0}
.ok{background:#e3f4e8;border:1px solid #2e8b57;color:#1d5e3a}.bad{background:#fbe3e3;border:1px solid #c0392b;color:#8e1f14}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
.k-assessment td{background:#fff8e6}.k-escalation td{background:#fdecea}.k-resolution td{background:#eef4fb}
.grid{display:flex;gap:18px;align-items:flex-start;flex-wrap:wrap}.grid>div{flex:1;min-width:280px}
.note{color:#555;font-size:11px}code{font-size:11px;overflow-wrap:anywhere}.tlp{font-weight:bold;background:#000;color:#ffc000;padding:1px 6px}
tr{page-break-inside:avoid}h2,h3{page-break-after:avoid}table.timeline{table-layout:fixed;font-size:11px}.neutral{background:#fdf6e3;border:1px solid #b58900;color:#6b5200}.keep{page-break-inside:avoid}td.t{font-size:11px}.custodial{font-size:10px;font-weight:bold;color:#8a4b00}.witnessed{font-size:10px;color:#2a5d2a}
dl.asked{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0 8px}dl.asked dt{font-weight:bold}dl.asked dd{margin:0}
.verify{border:1px solid #333;padding:6px 12px;page-break-inside:avoid}.verify li{margin:3px 0}
@media print{body{margin:0}}
`;

/** The page size and margins Chromium prints with (CSS @page). */
function pageCss(paper: PaperSize): string {
  return `@page{size:${paper === "Letter" ? "letter" : "A4"};margin:14mm 12mm}`;
}

function scoresSection(name: string, s: ScoreSet | undefined): string {
  if (s === undefined) return `<p class="banner neutral">No track record: this report was made from a bundle alone, and a bundle carries the warning's records, not ${e(name)}'s other warnings. Make the report on the node (<code>tocsin report --warning …</code>) to include it.</p>`;
  if (s.status === "too-few-resolved") {
    return `<p class="banner neutral">Too few resolved warnings to score ${e(name)}: ${s.resolved} scoreable (need ${s.needed}); ${s.unscored} resolved as unknown.</p>`;
  }
  const d = s.reliability.decomposition;
  const rows = [
    ["Resolved warnings scored", String(s.resolved), s.unscored ? `${s.unscored} more resolved as unknown (not scored)` : ""],
    ["Base rate (events / warnings)", num(s.baseRate), ""],
    ["Brier score (0 best, 0.25 = always 0.5)", num(s.brier.value), ci(s.brier.ci)],
    ["Log score (nats, lower is better)", num(s.logScore.value), ci(s.logScore.ci)],
    ["Brier skill score vs base rate", num(s.brierSkill.value), ci(s.brierSkill.ci)],
    ["Expected calibration error", num(s.reliability.ece), ""],
    ["Lead time (median)", humanDuration(s.leadTime?.medianMs), s.leadTime ? `${s.leadTime.count} events; mean ${humanDuration(s.leadTime.meanMs)} ${s.leadTime.meanCi ? `[${humanDuration(s.leadTime.meanCi[0])}, ${humanDuration(s.leadTime.meanCi[1])}]` : ""}` : "no event times"],
  ];
  const murphy = [
    ["Reliability (calibration error)", d.reliability],
    ["Resolution", d.resolution],
    ["Uncertainty", d.uncertainty],
    ["Within-bin variance", d.withinBinVariance],
    ["Within-bin covariance", d.withinBinCovariance],
    ["= Brier score (REL − RES + UNC + WBV − WBC)", d.brier],
  ];
  return `<div class="grid keep"><div>
<table><tr><th>measure</th><th>value</th><th>95 % interval / note</th></tr>
${rows.map(([a, b, c]) => `<tr><td>${e(a)}</td><td class="n">${e(b)}</td><td>${e(c)}</td></tr>`).join("\n")}
</table>
<h3>Murphy decomposition</h3>
<table>${murphy.map(([a, b]) => `<tr><td>${e(a)}</td><td class="n">${num(b as number, 4)}</td></tr>`).join("")}</table>
<p class="note">Intervals: percentile bootstrap, ${s.bootstrap.resamples} resamples, seed ${s.bootstrap.seed}. Outcomes: materialized and prevented count as the event happening, did-not-materialize as not, unknown is not scored.</p>
</div><div>${reliabilitySvg(s.reliability, "Reliability diagram")}</div></div>`;
}

function recipientSection(r: WarningReportInput["recipients"][number]): string {
  const rec = r.record;
  if (rec === undefined) return `<section class="keep"><h3>${e(r.name)}</h3><p>No record of other warnings: not in a bundle.</p></section>`;
  const dismissed = rec.dismissedMaterialized.length
    ? `<table><tr><th>warning</th><th>opinion</th><th>assessed</th><th>event</th></tr>${rec.dismissedMaterialized
        .map((x) => `<tr><td><code>${e(x.warningId)}</code></td><td>${e(x.opinion)}</td><td>${e(when(x.assessedAt))}</td><td>${e(when(x.eventTime))}</td></tr>`)
        .join("")}</table>`
    : `<p>No dismissed warning has materialized.</p>`;
  const missed = rec.missedDeadlines.length
    ? `<table><tr><th>warning</th><th>deadline</th><th>due</th><th>escalated</th></tr>${rec.missedDeadlines
        .map((m) => `<tr><td><code>${e(m.warningId)}</code></td><td>${e(m.kind)}</td><td>${e(when(m.deadline))}</td><td>${e(when(m.escalatedAt))}</td></tr>`)
        .join("")}</table>`
    : `<p>No missed deadlines.</p>`;
  const t = rec.timeTo;
  return `<section class="keep"><h3>${e(r.name)}</h3>
<table><tr><th>warnings received</th><th>resolved</th><th>dismissed</th><th>dismissed, then materialized</th><th>missed deadlines (receipt / assessment / action)</th></tr>
<tr><td class="n">${rec.warnings}</td><td class="n">${rec.resolved}</td><td class="n">${rec.dismissed}</td><td class="n">${rec.dismissedMaterialized.length}</td><td class="n">${rec.missedByKind.receipt} / ${rec.missedByKind.assessment} / ${rec.missedByKind.action}</td></tr></table>
<table><tr><th>median time from warning to</th><th>receipt</th><th>assessment</th><th>action</th></tr>
<tr><td></td><td class="n">${humanDuration(t.receipt.medianMs)} (${t.receipt.count})</td><td class="n">${humanDuration(t.assessment.medianMs)} (${t.assessment.count})</td><td class="n">${humanDuration(t.action.medianMs)} (${t.action.count})</td></tr></table>
<h3>Dismissed warnings that materialized</h3>${dismissed}
<h3>Missed deadlines</h3>${missed}</section>`;
}

/** A name like a log origin ("localhost/tocsin/7ad074ce") may break after its slashes, never inside a part. */
const breakable = (s: string): string => e(s).replace(/\//g, "/<wbr>");

const PROBABILITY = (p: number | undefined): string => (p === undefined ? "—" : `${Math.round(p * 100)} %`);

/** What the latest version asks, then every version with what it changed. */
function askedSection(versions: readonly WarningVersion[]): string {
  const v = versions.at(-1);
  if (!v) return `<p>The bundle holds no version of the warning.</p>`;
  // In the order a recipient meets them.
  const order = (k: string): number => ["receipt", "assessment", "action"].indexOf(k) >>> 0;
  const deadlines = Object.entries(v.deadlines).sort(([a], [b]) => order(a) - order(b));
  const asked = `<dl class="asked">
<dt>Description</dt><dd>${e(v.description || "—")}</dd>
<dt>Severity</dt><dd>${e(v.severity || "—")}</dd>
<dt>Probability</dt><dd>${e(PROBABILITY(v.probability))} that the event happens within the window</dd>
<dt>Window</dt><dd>${e(when(v.windowStart))} to ${e(when(v.windowEnd))}</dd>
<dt>Requested actions</dt><dd>${v.requestedActions.length ? `<ul>${v.requestedActions.map((x) => `<li>${e(x)}</li>`).join("")}</ul>` : "none"}</dd>
<dt>Deadlines</dt><dd>${deadlines.length ? deadlines.map(([k, t]) => `${e(k)} by ${e(when(t))}`).join("; ") : "none"}</dd>
</dl>`;
  const history = `<table><tr><th>version</th><th>what changed</th></tr>${versions
    .map((x, i) => `<tr><td class="t">${e(when(x.modified))}</td><td>${i === 0 ? "first version" : x.changes.length ? x.changes.map((c) => e(shortTimes(c))).join("<br>") : "no change to what it asks"}</td></tr>`)
    .join("")}</table>`;
  return `<h3>As of its latest version (${e(when(v.modified))})</h3>${asked}<h3>Versions (${versions.length})</h3>${history}`;
}

/**
 * How to check the report without trusting it: pin the log operator's published key (obtained apart
 * from this report, which could name any key), then audit the bundle with it. The bundle's own key is
 * deliberately not echoed as the key to use.
 */
/** The duty to warn: how this warning discharged a determination, and the source's duty-to-warn record. */
function dutySection(r: WarningReportInput): string {
  const d = r.duty;
  if (!d?.thisWarning && !d?.source) return "";
  const own = d.thisWarning ? `<p class="duty">This warning: ${e(dutySentence(d.thisWarning))}.</p>` : "";
  let source = "";
  if (d.source) {
    const t = d.source.record;
    const grounds = Object.entries(t.waivedByGround).filter(([, n]) => n > 0).map(([g, n]) => `${g} ${n}`).join(", ");
    source = `<p>${e(r.source.name)}'s determinations you may read: ${t.determinations}; warned ${t.warned}, waived ${t.waived}${grounds ? ` (${e(grounds)})` : ""}, decided late ${t.late}, never decided ${t.neverDecided}, open ${t.open}, escalated ${t.escalated}.</p>
<ul>${d.source.cases.map((c) => `<li>${e(dutySentence(c))}.</li>`).join("")}</ul>`;
  }
  return `<section><h2>The duty to warn</h2>${own}${source}</section>`;
}

function verifySection(r: WarningReportInput): string {
  const bundle = r.madeFrom.kind === "bundle" ? r.madeFrom.file : "bundle.json";
  const made = r.madeFrom.kind === "bundle" ? `from the accountability bundle <code>${e(r.madeFrom.file)}</code>` : "from an accountability bundle (<code>tocsin report --bundle FILE</code> writes it)";
  return `<div class="verify"><p>This report was rendered ${made}. Anyone can check that bundle offline, trusting neither the parties nor this node:</p><ol>
<li>Get the log's verifier key from its operator, not from this report or the bundle: the operator runs <code>tocsin log key</code> on its node (anyone can ask a running node with <code>tocsin log key --url NODE_URL</code>) and publishes the key. The log is named <code>${e(r.logName)}</code>; its key is one line starting with that name.</li>
<li>Audit the bundle with that key pinned: <code>tocsin audit ${e(bundle)} --log-key 'THE PUBLISHED KEY'</code>. A bundle signed by another key fails.</li>
<li>Optionally check a checkpoint or one record yourself: <code>tocsin checkpoint verify NOTE --log-key …</code>, <code>tocsin proof verify-inclusion --from PROOF --record RECORD --log-key …</code>.</li>
</ol></div>`;
}

/** The self-contained HTML report: no scripts, no external resources, prints to PDF as is (A4 unless `paper` says Letter). */
export function warningReportHtml(r: WarningReportInput, options: { readonly paper?: PaperSize } = {}): string {
  const a = r.audit;
  const status = a.ok
    ? `<div class="banner ok">VERIFIED offline: ${a.counts.signatures} signatures, ${a.counts.inclusionProofs} inclusion proofs, ${a.checkpoints.length} signed checkpoints and the consistency between them, the timeline's order and the lifecycle rules. ${a.logKey.pinned ? "Log key pinned." : "Log key taken from the bundle itself: pin the operator's published key to trust it (below)."}</div>`
    : `<div class="banner bad">NOT VERIFIED: ${a.problems.length} problem(s)<ul>${a.problems.map((p) => `<li>${e(p.check)}: ${e(p.subject)}: ${e(p.message)}</li>`).join("")}</ul></div>`;
  // Key resets by the operator are shown as plainly as a failure, even when no record here rests on them.
  const resets = a.notes.filter((n) => n.startsWith("KEY RESET BY THE OPERATOR")).map((n) => `<div class="banner bad">${e(n)}</div>`).join("");
  const rows = a.timeline
    .map(
      (t) => `<tr class="k-${e(t.kind)}"><td class="n">${t.index}</td><td class="t">${e(when(t.loggedAt))}${t.witnessed ? `<br><span class="witnessed">no later than ${e(when(t.witnessed.notAfter))} per witnesses ${e(t.witnessed.witnesses.join(", "))}</span>` : ""}</td><td>${breakable(t.authorName ?? t.author)}${t.signer === "custodial" || t.signer === "node" ? `<br><span class="custodial">${e(t.signedBy)}</span>` : ""}</td><td>${e(t.kind)}</td><td>${e(shortTimes(t.says))}</td><td>${t.signature === "verified" ? "✔" : t.signature === "withheld" ? "—" : "✘"}</td><td>${e(t.includedIn.join(", "))}</td></tr>`,
    )
    .join("\n");
  const cosigned = a.checkpoints.flatMap((c) => c.cosignatures.map((w) => `checkpoint ${c.size}: ${w.name} at ${new Date(w.timestamp * 1000).toISOString()}`));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Who knew what, when — ${e(r.title)}</title><style>${pageCss(options.paper ?? "A4")}${CSS}</style></head>
<body>
<h1>Who knew what, when: ${e(r.title)}</h1>
<p class="meta"><span class="tlp">${e(r.tlp)}</span> &nbsp; warning <code>${e(a.warning)}</code> &nbsp; from ${e(r.source.name)} to ${r.recipients.map((x) => e(x.name)).join(", ")} &nbsp; report generated ${e(when(r.generatedAt))}</p>
${status}${resets}
<section><h2>What the warning asked</h2>${askedSection(r.versions)}</section>
<section><h2>Timeline</h2>
<table class="timeline"><colgroup><col style="width:7%"><col style="width:12%"><col style="width:14%"><col style="width:11%"><col style="width:42%"><col style="width:5%"><col style="width:9%"></colgroup><tr><th>log index</th><th>logged (node clock)</th><th>author</th><th>record</th><th>what it says</th><th>sig.</th><th>check&shy;points</th></tr>
${rows}</table>
<p class="custody">Signers: ${e(a.custody.line)}.</p>
<p class="note">Every row is a record whose digest is in the node's Merkle transparency log, signed (Ed25519) by its author's own key, or by the node on behalf of a custodial author where the row says so: such a record shows what that party's session posted through the node, not that the party signed it. "checkpoints" lists the signed checkpoints whose inclusion proofs verified; "no later than T per witnesses W" is the witnesses' bound on the log time: the earliest cosignature of a checkpoint holding the record. ${a.notes.map((n) => `Note: ${e(n)}. `).join("")}${cosigned.length ? `Witness cosignatures: ${e(cosigned.join("; "))}.` : "No witness cosignatures in this bundle."}</p></section>
${dutySection(r)}
<section><h2>Source track record: ${e(r.source.name)}</h2>${scoresSection(r.source.name, r.source.scores)}</section>
<section><h2>Recipient record</h2>${r.recipients.map(recipientSection).join("\n")}</section>
<section><h2>Verify it yourself</h2>${verifySection(r)}</section>
</body></html>
`;
}
