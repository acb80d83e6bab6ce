import { api } from "./api.js";
import { Loading, Problem, Section, Tlp, countdown, percent, useLoad, useNow, when } from "./bits.js";
import type { Me } from "./main.js";
import { Respond } from "./respond.js";
import { TimelineTable } from "./timeline-table.js";
import { VerificationPanel, verifyInBrowser } from "./verification.js";
import { SIGNATURE_EXT, type BundleVerdict } from "../../verify/index.js";
import { RESOLUTION_EXT, WARNING_EXT } from "../../core/record/extension-ids.js";
import { tlpLevelOf } from "../../core/tlp/markings.js";
import type { StixObject } from "../../core/record/index.js";

type Obj = Record<string, any>;

/** What a warning version says, in the words the screen shows (and compares between versions). */
function factsOf(v: Obj): [string, string][] {
  const ext: Obj = v.extensions?.[WARNING_EXT] ?? {};
  const deadlines: Obj = ext.deadlines ?? {};
  return [
    ["Title", String(v.name ?? "")],
    ["What it says", String(v.description ?? "")],
    ["Probability", percent(ext.probability)],
    ["Severity", String(ext.severity ?? "")],
    ["Window", `${when(ext.window_start)} – ${when(ext.window_end)}`],
    ["Requested actions", ((ext.requested_actions as string[] | undefined) ?? []).join("; ")],
    ["Deadlines", Object.entries(deadlines).map(([k, at]) => `${k} by ${when(String(at))}`).join("; ")],
    ["Recipients", String(((ext.recipient_refs as string[] | undefined) ?? []).length)],
    ["Sealed evidence", ((ext.commitments as Obj[] | undefined) ?? []).map((c) => `${c.commitment_id}${c.description ? ` (${c.description})` : ""}`).join("; ")],
    ["TLP", tlpLevelOf((v.object_marking_refs as string[] | undefined) ?? []).level],
  ];
}

/** What changed from one version to the next, field by field. */
function changes(prev: Obj, next: Obj): string[] {
  const before = new Map(factsOf(prev));
  return factsOf(next)
    .filter(([k, v]) => before.get(k) !== v)
    .map(([k, v]) => `${k}: ${before.get(k) || "—"} → ${v || "—"}`);
}

export interface WarningView {
  readonly text: string;
  readonly bundle: Obj;
  readonly verdict: BundleVerdict;
}

/** Fetches the warning's bundle and verifies it here; the screen shows only what the bundle carries. */
export async function loadWarning(id: string): Promise<WarningView> {
  const text = await api<string>(`/api/v1/warnings/${encodeURIComponent(id)}/bundle`, { as: "text" });
  let bundle: Obj = {};
  try {
    bundle = JSON.parse(text) as Obj;
  } catch {
    // verifyInBrowser says it is not JSON.
  }
  return { text, bundle, verdict: verifyInBrowser(text) };
}

export function WarningScreen({ id, me, onChanged }: { id: string; me: Me; onChanged: () => void }) {
  const now = useNow();
  const { data, error, reload } = useLoad(() => loadWarning(id), [id]);
  if (!data) return error ? <Problem message={error} /> : <Loading what="the warning and its proofs" />;
  const { bundle, verdict } = data;
  const records: Obj[] = ((bundle.records as Obj[] | undefined) ?? []).map((r) => r.record as Obj);
  const versions = records.filter((r) => r.id === id).sort((a, b) => (a.modified < b.modified ? -1 : 1));
  const latest = versions.at(-1);
  const names = new Map<string, string>(((bundle.parties as Obj[] | undefined) ?? []).map((p) => [String(p.id), String(p.name)]));
  const ext: Obj = latest?.extensions?.[WARNING_EXT] ?? {};
  const timeline = "timeline" in verdict ? verdict.timeline : [];
  const iAmRecipient = ((ext.recipient_refs as string[] | undefined) ?? []).includes(me.id);
  const resolution: Obj | undefined = records.find((r) => r.extensions?.[RESOLUTION_EXT])?.extensions?.[RESOLUTION_EXT];
  return (
    <div class="warning-screen">
      <Problem message={error} />
      <div class="warning-main">
        {latest ? (
          <article>
            <p class="card-head">
              <Tlp level={tlpLevelOf((latest.object_marking_refs as string[] | undefined) ?? []).level} />
              {ext.severity ? <span class={`severity severity-${ext.severity}`}>{String(ext.severity)}</span> : null}
              <span class="prob">p = {percent(ext.probability)}</span>
            </p>
            <h1>{String(latest.name)}</h1>
            <p class="meta">
              From {names.get(String(latest.created_by_ref)) ?? String(latest.created_by_ref)} · version {versions.length} of {when(String(latest.modified))}
              {latest.extensions?.[SIGNATURE_EXT]?.custodial ? " · signed by the node for a custodial author" : ""}
            </p>
            {latest.description ? <p class="description">{String(latest.description)}</p> : null}
            <dl class="facts">
              <dt>Window</dt>
              <dd>
                {when(ext.window_start)} – {when(ext.window_end)} ({countdown(String(ext.window_start), now)})
              </dd>
              <dt>Requested actions</dt>
              <dd>
                <ul>
                  {((ext.requested_actions as string[] | undefined) ?? []).map((a) => (
                    <li key={a}>{a}</li>
                  ))}
                </ul>
              </dd>
              <dt>Deadlines</dt>
              <dd>
                <ul>
                  {Object.entries((ext.deadlines as Obj | undefined) ?? {}).map(([k, at]) => (
                    <li key={k}>
                      {k}: {when(String(at))} ({countdown(String(at), now)})
                    </li>
                  ))}
                </ul>
              </dd>
              <dt>Recipients</dt>
              <dd>{((ext.recipient_refs as string[] | undefined) ?? []).map((r) => names.get(r) ?? r).join(", ")}</dd>
              {ext.commitments ? (
                <>
                  <dt>Sealed evidence</dt>
                  <dd>{(ext.commitments as Obj[]).map((c) => `${c.commitment_id}${c.description ? ` — ${c.description}` : ""}`).join("; ")}</dd>
                </>
              ) : null}
            </dl>
          </article>
        ) : (
          <p>This bundle holds no readable version of the warning.</p>
        )}
        {versions.length > 1 ? (
          <Section title="Versions and what changed">
            <ol class="versions">
              {versions.map((v, i) => (
                <li key={String(v.modified)}>
                  <strong>Version {i + 1}</strong>, {when(String(v.modified))}
                  {i === 0 ? (
                    <span> — first issued</span>
                  ) : (
                    <ul>
                      {changes(versions[i - 1]!, v).map((c) => (
                        <li key={c}>{c}</li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          </Section>
        ) : null}
        <Section title="Timeline: who knew what, when">
          <TimelineTable entries={timeline} label="Timeline table" />
        </Section>
        {resolution ? (
          <p class="state">
            Resolved: {String(resolution.outcome).replace(/-/g, " ")}
            {resolution.event_time ? ` (event at ${when(String(resolution.event_time))})` : ""}. A resolved warning takes no more responses.
          </p>
        ) : iAmRecipient && latest ? (
          <Respond
            me={me}
            warning={latest as StixObject}
            onDone={() => {
              reload();
              onChanged();
            }}
          />
        ) : null}
      </div>
      <aside class="warning-side">
        <VerificationPanel verdict={verdict} />
      </aside>
    </div>
  );
}
