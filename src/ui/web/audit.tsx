import { useState } from "preact/hooks";
import { Problem } from "./bits.js";
import { TimelineTable } from "./timeline-table.js";
import { VerificationPanel, verifyInBrowser } from "./verification.js";
import type { BundleVerdict } from "../../verify/index.js";

/**
 * Audit a bundle file: dropped or chosen, read here, verified here — no request to any server, so it
 * works offline and without signing in. The verdict and the timeline, as `tocsin audit` gives them.
 */
export function AuditScreen() {
  const [verdict, setVerdict] = useState<{ name: string; verdict: BundleVerdict }>();
  const [over, setOver] = useState(false);
  const [error, setError] = useState("");
  const take = async (file: File | undefined): Promise<void> => {
    setError("");
    if (!file) return;
    if (file.size > 64 * 1024 * 1024) return setError("This file is larger than 64 MiB: audit it with tocsin audit instead.");
    setVerdict({ name: file.name, verdict: verifyInBrowser(await file.text()) });
  };
  const timeline = verdict && "timeline" in verdict.verdict ? verdict.verdict.timeline : [];
  return (
    <div>
      <h1>Audit a bundle</h1>
      <p>An accountability bundle (from <code>tocsin export-bundle</code>, or a warning's bundle) is checked here in your browser; nothing is sent anywhere.</p>
      <div
        class={`dropzone ${over ? "over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void take(e.dataTransfer?.files[0]);
        }}
      >
        <p>Drop a bundle file here, or</p>
        <label for="bundle-file">Choose a bundle file</label> <input id="bundle-file" type="file" accept=".json,application/json" onChange={(e) => void take((e.currentTarget as HTMLInputElement).files?.[0])} />
      </div>
      <Problem message={error} />
      {verdict ? (
        <div class="warning-screen">
          <div>
            <h2>Timeline of {verdict.name}</h2>
            <TimelineTable entries={timeline} label="Audited timeline" />
          </div>
          <aside class="warning-side">
            <VerificationPanel verdict={verdict.verdict} />
          </aside>
        </div>
      ) : null}
    </div>
  );
}
