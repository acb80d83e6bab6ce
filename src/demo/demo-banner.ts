import type { DemoSummary } from "./demo-scenario.js";

/**
 * What `tocsin serve --demo` prints after the node listens: the parties and their API tokens, the first
 * warning, and calls a newcomer can paste. `undefined` means the demo was not loaded (the data
 * directory already held a node).
 */
export function formatDemoBanner(summary: DemoSummary | undefined, base: string, nodeArgs = "--data <this node's data directory>"): string {
  if (summary === undefined) {
    return "Demo not loaded: this node already holds records (the demo loads only into a new one; try --data <new dir>, or a new --db database).\n";
  }
  const width = Math.max(...summary.parties.map((p) => p.slug.length));
  const ruFsb = summary.parties.find((p) => p.slug === "ru-fsb");
  const first = summary.warnings[0];
  const lines = [
    `Demo scenario loaded: the March 2024 warning before the Crocus City Hall attack.`,
    `  ${summary.label.toUpperCase()}`,
    `  Plus ${summary.synthetic.warnings} SYNTHETIC past warnings (2023, from synthetic-calibrated and synthetic-overconfident)`,
    "  for the track-record charts: not real warnings, sources or events.",
    `  ${summary.records} records, log size ${summary.logSize}.`,
    "",
    "  Parties (API tokens are shown only now; the node stores their hashes):",
    ...summary.parties.map((p) => `    ${p.slug.padEnd(width)}  ${p.token}  ${p.id}${p.custodial ? "  (custodial: the node signs)" : ""}`),
    "",
    ...summary.warnings.map((w, i) => `  Warning ${i + 1}: ${w.id}\n    ${w.title}`),
    "",
    ...(ruFsb
      ? [
          // The token rides in the URL fragment, which browsers never send to a server; the page takes it and
          // removes it from the address bar. A demo convenience: a real party pastes its token.
          "  Open the web UI signed in as ru-fsb (a recipient of both warnings):",
          `    ${base}/#token=${ruFsb.token}`,
          `  or open ${base}/ and paste any token above.`,
          "",
        ]
      : []),
    "  Try:",
    ...(first && ruFsb
      ? [
          `    curl -H "Authorization: Bearer ${ruFsb.token}" ${base}/api/v1/records/${first.id}`,
          `    curl -H "Authorization: Bearer ${ruFsb.token}" ${base}/api/v1/warnings`,
          `    curl -H "Authorization: Bearer ${ruFsb.token}" ${base}/api/v1/warnings/${first.id}/timeline`,
          `    curl ${base}/api/v1/parties/synthetic-overconfident/track-record`,
          `    ./bin/tocsin report --warning ${first.id} --format pdf --out report.pdf --bundle bundle.json ${nodeArgs}`,
          `    ./bin/tocsin audit bundle.json`,
        ]
      : []),
    `    curl ${base}/log/checkpoint`,
    ...(summary.board
      ? [
          `    curl ${base}/api/v1/boards/${summary.board.name}`,
          `    ./bin/tocsin ach show ${summary.board.name} ${nodeArgs}   (the attribution board, ${summary.board.versions} signed versions)`,
        ]
      : []),
    "",
  ];
  return lines.join("\n") + "\n";
}
