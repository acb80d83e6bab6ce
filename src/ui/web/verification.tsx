import { parseVerifierKey, verifyBundle, type AuditCheck, type BundleVerdict } from "../../verify/index.js";

/*
 * The verification panel: the warning's accountability bundle checked here, in the browser, with the
 * project's verify library (tocsin/verify, the same code `tocsin audit` runs) — signatures, key
 * histories, log leaves, inclusion proofs, checkpoint signatures and cosignatures, consistency, the
 * whole thread. The node's word counts for nothing: any mismatch turns the panel red.
 */

const PINNED_KEY = "tocsin.logKey";

/** The log key the user pinned (compared with the operator's published key), kept in this browser. */
export const pinnedLogKey = {
  get: (): string | null => localStorage.getItem(PINNED_KEY),
  set: (vkey: string): void => localStorage.setItem(PINNED_KEY, vkey.trim()),
  clear: (): void => localStorage.removeItem(PINNED_KEY),
};

/** Verifies a bundle's text against the pinned log key (or, unpinned, the bundle's own, said so). */
export function verifyInBrowser(text: string): BundleVerdict {
  const pinned = pinnedLogKey.get();
  let logKey;
  try {
    logKey = pinned ? parseVerifierKey(pinned) : undefined;
  } catch {
    return { ok: false, unreadable: true, problems: [{ check: "format", subject: "pinned log key", message: "the log key pinned in this browser is not a verifier key: pin it again on the Log screen" }] };
  }
  return verifyBundle(text, logKey ? { logKey } : {});
}

interface Row {
  readonly title: string;
  readonly checks: readonly (AuditCheck | "format")[];
  readonly passed: (v: Extract<BundleVerdict, { timeline: unknown }>) => string;
}

const ROWS: readonly Row[] = [
  { title: "Record signatures", checks: ["signature", "party-key"], passed: (v) => `${v.counts.signatures} signatures verified against the authors' logged keys. ${v.custody.line}` },
  { title: "Key histories", checks: ["key-history"], passed: () => "Every author's key is the one its logged key history names at the time it signed." },
  { title: "Log entries", checks: ["leaf"], passed: (v) => `Each of the ${v.counts.records} log leaves commits to its record (digest, id, version, kind).` },
  { title: "Inclusion proofs", checks: ["inclusion"], passed: (v) => `${v.counts.inclusionProofs} inclusion proofs verified (RFC 9162).` },
  {
    title: "Checkpoint signatures",
    checks: ["checkpoint", "log-key"],
    passed: (v) => `${v.checkpoints.length} signed checkpoint${v.checkpoints.length === 1 ? "" : "s"} verified with ${v.logKey.pinned ? "the log key you pinned" : "the bundle's own log key (not pinned: pin the operator's published key on the Log screen)"}.`,
  },
  {
    title: "Witness cosignatures",
    checks: ["witness-quorum"],
    passed: (v) => {
      const names = [...new Set(v.checkpoints.flatMap((c) => c.cosignatures.map((s) => s.name)))];
      return names.length ? `Cosigned by ${names.join(", ")}.` : "No witness cosigned these checkpoints (none is configured for this log).";
    },
  },
  { title: "Consistency", checks: ["consistency"], passed: (v) => `${v.counts.consistencyProofs} consistency proofs between the checkpoints verified: the log only grew.` },
  { title: "Whole thread", checks: ["thread", "timeline"], passed: (v) => (v.thread.complete ? "Every record of the warning's thread is here, in log order, and the lifecycle rules hold." : "The thread's order and lifecycle rules hold.") },
];

/** The panel itself: one line per family of checks, green or red, with what failed. */
export function VerificationPanel({ verdict }: { verdict: BundleVerdict }) {
  const ok = verdict.ok && verdict.problems.length === 0;
  return (
    <section class={`verification ${ok ? "verified" : "failed"}`} aria-labelledby="verification-title" data-verdict={ok ? "verified" : "failed"}>
      <h2 id="verification-title">Verified in your browser</h2>
      <p role="status" class="verdict">
        {ok ? "✓ Everything on this page is what its authors signed and the log committed to." : "✗ Verification FAILED: what this page shows does not match what was signed and logged."}
      </p>
      {"unreadable" in verdict ? (
        <ul class="checks">
          <li class="bad">✗ {verdict.problems[0].message}</li>
        </ul>
      ) : (
        <ul class="checks">
          {ROWS.map((row) => {
            const problems = verdict.problems.filter((p) => (row.checks as readonly string[]).includes(p.check));
            return (
              <li key={row.title} class={problems.length ? "bad" : "good"}>
                <strong>
                  {problems.length ? "✗" : "✓"} {row.title}
                </strong>
                {problems.length ? (
                  <ul>
                    {problems.map((p, i) => (
                      <li key={i}>
                        {p.subject}: {p.message}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span> — {row.passed(verdict)}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {"notes" in verdict && verdict.notes.length > 0 ? (
        <details>
          <summary>Notes</summary>
          <ul>
            {verdict.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
