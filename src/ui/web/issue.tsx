import { useState } from "preact/hooks";
import { api } from "./api.js";
import { Loading, Problem, messageOf, useLoad } from "./bits.js";
import { KeyLoader, authorFor } from "./keyring.js";
import type { Me } from "./main.js";
import { postRecords } from "./respond.js";
import { buildWarning, sealEvidence, type SealedEvidence } from "../../client/record-builders.js";
import { toBase64, utf8 } from "../../core/crypto/index.js";
import { TLP_LEVELS, type TlpLevel } from "../../core/tlp/markings.js";

interface Party {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

const SEVERITIES = ["low", "medium", "high", "critical"] as const;
/** A datetime-local field's value (local time, minutes) for a time `ms` from now. */
const localIn = (ms: number): string => {
  const d = new Date(Date.now() + ms);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocal = (v: string): number | undefined => (v ? new Date(v).getTime() : undefined);

/** The file a sender keeps to reveal sealed evidence later: without its salt the commitment cannot be opened. */
function sealFileHref(warningId: string, seal: SealedEvidence): string {
  const json = JSON.stringify({ warning: warningId, id: seal.id, description: seal.description, salt: toBase64(seal.salt), evidence: toBase64(seal.evidence) }, null, 2);
  return URL.createObjectURL(new Blob([json], { type: "application/json" }));
}

/** Issue a warning: recipients, TLP, window, probability, severity, requested actions, deadlines, sealed evidence. */
export function IssueScreen({ me, onChanged }: { me: Me; onChanged: () => void }) {
  const parties = useLoad(() => api<{ parties: Party[] }>("/api/v1/parties"), []);
  const [, setKeyTick] = useState(0);
  const [f, setF] = useState({
    title: "",
    description: "",
    tlp: "AMBER" as TlpLevel,
    start: localIn(60 * 60_000),
    end: localIn(3 * 86_400_000),
    probability: "60",
    severity: "high" as (typeof SEVERITIES)[number],
    actions: "",
    receipt: localIn(2 * 3_600_000),
    assessment: localIn(12 * 3_600_000),
    action: localIn(86_400_000),
    evidence: "",
    evidenceNote: "",
  });
  const [recipients, setRecipients] = useState<string[]>([]);
  const [error, setError] = useState("");
  const [issued, setIssued] = useState<{ id: string; index: number; seal?: string; sealName?: string }>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError("");
    const author = authorFor(me);
    if (!author) return setError("Load your private key file first: the warning is signed in this browser.");
    if (f.title.trim() === "") return setError("Give the warning a title.");
    if (recipients.length === 0) return setError("Choose at least one recipient.");
    const p = Number(f.probability);
    if (!Number.isFinite(p) || p < 0 || p > 100) return setError("The probability is a percentage between 0 and 100.");
    const windowStart = fromLocal(f.start);
    const windowEnd = fromLocal(f.end);
    if (windowStart === undefined || windowEnd === undefined || windowEnd <= windowStart) return setError("The window must end after it starts.");
    const seal = f.evidence.trim() ? sealEvidence(utf8.encode(f.evidence), f.evidenceNote.trim() ? { description: f.evidenceNote.trim() } : {}) : undefined;
    setBusy(true);
    try {
      const warning = buildWarning(author, {
        at: Date.now(),
        name: f.title.trim(),
        ...(f.description.trim() ? { description: f.description.trim() } : {}),
        recipients,
        windowStart,
        windowEnd,
        probability: p / 100,
        severity: f.severity,
        tlp: f.tlp,
        deadlines: { receipt: fromLocal(f.receipt), assessment: fromLocal(f.assessment), action: fromLocal(f.action) },
        requestedActions: f.actions.split("\n").map((a) => a.trim()).filter(Boolean),
        ...(seal ? { commitments: [seal] } : {}),
      });
      const answer = await postRecords([warning]);
      setIssued({ id: warning.id, index: answer.records[0]!.index, ...(seal ? { seal: sealFileHref(warning.id, seal), sealName: `${seal.id}.seal.json` } : {}) });
      onChanged();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (!parties.data) return parties.error ? <Problem message={parties.error} /> : <Loading what="the parties" />;
  const others = parties.data.parties.filter((p) => p.id !== me.id && !p.slug.startsWith("tocsin-node") && p.slug !== "node");
  return (
    <div>
      <h1>Issue a warning</h1>
      <KeyLoader me={me} onChange={() => setKeyTick((t) => t + 1)} />
      {issued ? (
        <div class="ok" role="status">
          <p>
            Warning issued and logged at index {issued.index}. <a href={`#/warning/${encodeURIComponent(issued.id)}`}>Open it</a>.
          </p>
          {issued.seal ? (
            <p>
              Keep the sealed evidence's file to reveal it later (its salt is nowhere else):{" "}
              <a href={issued.seal} download={issued.sealName}>
                download {issued.sealName}
              </a>
              .
            </p>
          ) : null}
        </div>
      ) : null}
      <Problem message={error} />
      <form class="form" onSubmit={(e) => void submit(e)}>
        <label for="w-title">Title</label>
        <input id="w-title" type="text" value={f.title} onInput={set("title")} />
        <label for="w-description">What you expect, and what you ask</label>
        <textarea id="w-description" rows={4} value={f.description} onInput={set("description")} />
        <fieldset>
          <legend>Recipients</legend>
          {others.map((p) => (
            <label key={p.id} class="checkbox">
              <input
                type="checkbox"
                checked={recipients.includes(p.id)}
                onChange={(e) => setRecipients((e.currentTarget as HTMLInputElement).checked ? [...recipients, p.id] : recipients.filter((r) => r !== p.id))}
              />
              {p.name}
            </label>
          ))}
        </fieldset>
        <label for="w-tlp">TLP</label>
        <select id="w-tlp" value={f.tlp} onChange={set("tlp")}>
          {TLP_LEVELS.map((l) => (
            <option key={l} value={l}>
              TLP:{l}
            </option>
          ))}
        </select>
        <label for="w-start">Window opens</label>
        <input id="w-start" type="datetime-local" value={f.start} onInput={set("start")} />
        <label for="w-end">Window closes</label>
        <input id="w-end" type="datetime-local" value={f.end} onInput={set("end")} />
        <label for="w-probability">Probability the attack happens in the window (%)</label>
        <input id="w-probability" type="number" min={0} max={100} step={1} value={f.probability} onInput={set("probability")} />
        <label for="w-severity">Severity</label>
        <select id="w-severity" value={f.severity} onChange={set("severity")}>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label for="w-actions">Requested actions (one per line)</label>
        <textarea id="w-actions" rows={3} value={f.actions} onInput={set("actions")} />
        <fieldset>
          <legend>Deadlines</legend>
          <label for="w-receipt">Receipt by</label>
          <input id="w-receipt" type="datetime-local" value={f.receipt} onInput={set("receipt")} />
          <label for="w-assessment">Assessment by</label>
          <input id="w-assessment" type="datetime-local" value={f.assessment} onInput={set("assessment")} />
          <label for="w-action">Action by</label>
          <input id="w-action" type="datetime-local" value={f.action} onInput={set("action")} />
        </fieldset>
        <fieldset>
          <legend>Sealed evidence (optional)</legend>
          <p class="muted">Only its salted digest is in the warning; you reveal it later with the file you download.</p>
          <label for="w-evidence">Evidence</label>
          <textarea id="w-evidence" rows={3} value={f.evidence} onInput={set("evidence")} />
          <label for="w-evidence-note">What it is (shown now)</label>
          <input id="w-evidence-note" type="text" value={f.evidenceNote} onInput={set("evidenceNote")} />
        </fieldset>
        <button type="submit" disabled={busy}>
          Sign and issue the warning
        </button>
      </form>
    </div>
  );
}
