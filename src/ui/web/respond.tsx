import { useState } from "preact/hooks";
import { api } from "./api.js";
import { Problem, messageOf } from "./bits.js";
import { KeyLoader, authorFor } from "./keyring.js";
import type { Me } from "./main.js";
import { buildAction, buildAssessment, buildReceipt, type Opinion } from "../../client/record-builders.js";
import type { StixObject } from "../../core/record/index.js";

/** The opinion scale in words (STIX `opinion` values). */
export const OPINIONS: readonly [Opinion, string][] = [
  ["strongly-agree", "Strongly agree: we expect the attack"],
  ["agree", "Agree: the attack is likely"],
  ["neutral", "Neutral: we cannot tell"],
  ["disagree", "Disagree: the attack is unlikely"],
  ["strongly-disagree", "Strongly disagree: we do not expect the attack"],
];

const STATUSES = ["planned", "in-progress", "done", "declined"] as const;

/** Posts records signed here (or unsigned, for the node to sign for a custodial party). */
export async function postRecords(records: StixObject[]): Promise<{ records: { id: string; index: number; custodial: boolean }[] }> {
  return api("/api/v1/records", { body: records });
}

/**
 * Respond to a warning: acknowledge receipt of exactly this version, give an assessment on the opinion
 * scale with an explanation, and record actions with owners and status. Each is one signed record.
 */
export function Respond({ me, warning, onDone }: { me: Me; warning: StixObject; onDone: () => void }) {
  const [, setKeyTick] = useState(0);
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const [opinion, setOpinion] = useState<Opinion>("neutral");
  const [explanation, setExplanation] = useState("");
  const [actionName, setActionName] = useState("");
  const [actionOwner, setActionOwner] = useState(me.id);
  const [actionStatus, setActionStatus] = useState<(typeof STATUSES)[number]>("planned");
  const [busy, setBusy] = useState(false);
  const author = authorFor(me);

  const send = async (what: string, build: () => StixObject): Promise<void> => {
    setError("");
    setDone("");
    if (!author) {
      setError("Load your private key file first: your records are signed in this browser.");
      return;
    }
    setBusy(true);
    try {
      const answer = await postRecords([build()]);
      const r = answer.records[0]!;
      setDone(`${what} logged at index ${r.index}${r.custodial ? ", signed by the node for your custodial party" : ", signed with your key"}.`);
      onDone();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="respond" aria-labelledby="respond-title">
      <h2 id="respond-title">Respond</h2>
      <KeyLoader me={me} onChange={() => setKeyTick((t) => t + 1)} />
      <Problem message={error} />
      {done ? (
        <p class="ok" role="status">
          {done}
        </p>
      ) : null}
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void send("Receipt", () => buildReceipt(author!, warning, Date.now()));
        }}
      >
        <h3>Receipt</h3>
        <p class="muted">Signs that you received exactly this version ({String(warning.modified)}), by its digest.</p>
        <button type="submit" disabled={busy}>
          Acknowledge receipt
        </button>
      </form>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (explanation.trim() === "") return setError("Say why: an assessment needs an explanation.");
          void send("Assessment", () => buildAssessment(author!, String(warning.id), Date.now(), opinion, explanation.trim()));
        }}
      >
        <h3>Assessment</h3>
        <label for="opinion">Your assessment</label>
        <select id="opinion" value={opinion} onChange={(e) => setOpinion((e.currentTarget as HTMLSelectElement).value as Opinion)}>
          {OPINIONS.map(([value, words]) => (
            <option key={value} value={value}>
              {words}
            </option>
          ))}
        </select>
        <label for="explanation">Explanation</label>
        <textarea id="explanation" rows={3} value={explanation} onInput={(e) => setExplanation((e.currentTarget as HTMLTextAreaElement).value)} />
        <button type="submit" disabled={busy}>
          Sign and send the assessment
        </button>
      </form>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (actionName.trim() === "") return setError("Name the action.");
          void send("Action", () => buildAction(author!, String(warning.id), Date.now(), { name: actionName.trim(), status: actionStatus, owner: actionOwner.trim() || me.id }));
        }}
      >
        <h3>Action</h3>
        <label for="action-name">Action</label>
        <input id="action-name" type="text" value={actionName} onInput={(e) => setActionName((e.currentTarget as HTMLInputElement).value)} />
        <label for="action-owner">Owner (a party id)</label>
        <input id="action-owner" type="text" value={actionOwner} onInput={(e) => setActionOwner((e.currentTarget as HTMLInputElement).value)} />
        <label for="action-status">Status</label>
        <select id="action-status" value={actionStatus} onChange={(e) => setActionStatus((e.currentTarget as HTMLSelectElement).value as (typeof STATUSES)[number])}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace("-", " ")}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy}>
          Sign and send the action
        </button>
      </form>
    </section>
  );
}
