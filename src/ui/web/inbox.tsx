import { useState } from "preact/hooks";
import { api } from "./api.js";
import { Loading, Problem, Tlp, countdown, percent, shortId, useNow, when } from "./bits.js";
import type { Me } from "./main.js";

export interface InboxItem {
  readonly id: string;
  readonly title: string;
  readonly modified: string;
  readonly author: string;
  readonly authorName: string;
  readonly tlp: string;
  readonly probability?: number;
  readonly severity?: string;
  readonly windowStart?: string;
  readonly windowEnd?: string;
  readonly role: "recipient" | "sender";
  readonly resolved?: { outcome: string; at?: string };
  readonly recipients: readonly { party: string; name: string; state: string; nextDeadline?: { kind: string; at?: string }; escalated: readonly string[] }[];
}

export interface InboxAnswer {
  readonly me: Me;
  readonly warnings: readonly InboxItem[];
}

export const loadInbox = (): Promise<InboxAnswer> => api<InboxAnswer>("/api/v1/inbox");

const STATE_WORDS: Readonly<Record<string, string>> = {
  issued: "not yet received",
  received: "received, not assessed",
  assessed: "assessed",
  acting: "acting on it",
  resolved: "resolved",
};

/** The inbox: the warnings to (and from) the signed-in party, newest first. Refreshed by the live feed. */
/** Cards shown at first, and added by "Show more": a long history should not make the page slow to use. */
const PAGE = 25;

export function Inbox({ inbox, error, fresh }: { inbox: InboxAnswer | undefined; error: string | undefined; fresh: number }) {
  const now = useNow();
  const [shown, setShown] = useState(PAGE);
  if (!inbox) return error ? <Problem message={error} /> : <Loading what="your inbox" />;
  const items = inbox.warnings.filter((w) => w.role === "recipient").concat(inbox.warnings.filter((w) => w.role === "sender"));
  return (
    <div>
      <h1>Inbox</h1>
      <Problem message={error} />
      <p class="muted" aria-live="polite">
        {inbox.warnings.filter((w) => w.role === "recipient").length} warnings to you, {inbox.warnings.filter((w) => w.role === "sender").length} sent by you
        {fresh ? ` · updated ${new Date(fresh).toLocaleTimeString()}` : ""}
      </p>
      {items.length === 0 ? <p>No warnings yet.</p> : null}
      <ul class="inbox">
        {items.slice(0, shown).map((w) => {
          const mine = w.recipients.find((r) => r.party === inbox.me.id);
          const escalations = w.recipients.flatMap((r) => r.escalated.map((e) => `${r.name}: ${e}`));
          return (
            <li key={w.id} class={`card ${w.resolved ? "resolved" : ""}`}>
              <div class="card-head">
                <Tlp level={w.tlp} />
                {w.severity ? <span class={`severity severity-${w.severity}`}>{w.severity}</span> : null}
                <span class="prob" title="the sender's probability that the attack happens in the window">p = {percent(w.probability)}</span>
              </div>
              <h2 class="card-title">
                <a href={`#/warning/${encodeURIComponent(w.id)}`}>{w.title}</a>
              </h2>
              <p class="meta">
                {w.role === "recipient" ? <>From {w.authorName}</> : <>Sent by you to {w.recipients.map((r) => r.name).join(", ")}</>} · {when(w.modified)}
                {w.windowStart ? (
                  <>
                    {" "}
                    · window {when(w.windowStart)} – {when(w.windowEnd)}
                  </>
                ) : null}
              </p>
              {w.resolved ? (
                <p class="state">Resolved: {w.resolved.outcome.replace(/-/g, " ")}</p>
              ) : mine ? (
                <p class="state">
                  Your state: <strong>{STATE_WORDS[mine.state] ?? mine.state}</strong>
                  {mine.nextDeadline?.at ? (
                    <span class={Date.parse(mine.nextDeadline.at) < now ? "late" : "due"}>
                      {" "}
                      · {mine.nextDeadline.kind} deadline {countdown(mine.nextDeadline.at, now)}
                    </span>
                  ) : null}
                </p>
              ) : (
                <p class="state">
                  {w.recipients.map((r) => (
                    <span key={r.party} class="recipient-state">
                      {r.name}: {STATE_WORDS[r.state] ?? r.state}
                      {r.nextDeadline?.at ? ` (${r.nextDeadline.kind} deadline ${countdown(r.nextDeadline.at, now)})` : ""}
                    </span>
                  ))}
                </p>
              )}
              {escalations.length ? <p class="escalation">Escalated — {escalations.join("; ")}</p> : null}
              <p class="id" title={w.id}>
                {shortId(w.id)}
              </p>
            </li>
          );
        })}
      </ul>
      {items.length > shown ? (
        <p>
          <button type="button" class="secondary" onClick={() => setShown(shown + PAGE)}>
            Show {Math.min(PAGE, items.length - shown)} more (of {items.length - shown} older)
          </button>
        </p>
      ) : null}
    </div>
  );
}
