import { useState } from "preact/hooks";
import { ApiError, api } from "./api.js";
import { Loading, Problem, messageOf, useLoad, when } from "./bits.js";
import { KeyLoader, authorFor } from "./keyring.js";
import type { Me } from "./main.js";
import { signRecord, type StixObject } from "../../core/record/index.js";

type Obj = Record<string, any>;
const RATINGS = ["CC", "C", "N", "I", "II", "NA"] as const;
const RATING_WORDS: Readonly<Record<string, string>> = { CC: "very consistent", C: "consistent", N: "neutral", I: "inconsistent", II: "very inconsistent", NA: "not applicable" };

/** The boards the party may read. */
export function BoardsScreen() {
  const { data, error } = useLoad(() => api<{ boards: Obj[] }>("/api/v1/boards"), []);
  if (!data) return error ? <Problem message={error} /> : <Loading what="the boards" />;
  return (
    <div>
      <h1>Attribution boards</h1>
      {data.boards.length === 0 ? <p>No board you may read.</p> : null}
      <ul class="inbox">
        {data.boards.map((b) => (
          <li key={b.board_ref} class="card">
            <h2 class="card-title">
              <a href={`#/board/${encodeURIComponent(b.name)}`}>{b.title}</a>
            </h2>
            <p class="meta">
              {b.name} · version {b.version} of {when(b.modified)}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Saves one edit: the node applies it and, for a custodial party, signs; a party that signs for itself
 * gets the unsigned next version back (ACH_SIGNATURE_REQUIRED), signs it here and posts it.
 */
async function saveEdit(me: Me, board: string, body: Obj): Promise<Obj> {
  try {
    return await api<Obj>(`/api/v1/boards/${encodeURIComponent(board)}/edits`, { body });
  } catch (e) {
    if (!(e instanceof ApiError && e.code === "ACH_SIGNATURE_REQUIRED" && e.details?.unsigned)) throw e;
    const author = authorFor(me);
    if (!author?.seed || !author.publicKey) throw new Error("Load your private key file first: your board versions are signed in this browser.");
    const signed = signRecord(e.details.unsigned as StixObject, { signerRef: me.id, seed: author.seed, publicKey: author.publicKey });
    return api<Obj>(`/api/v1/boards/${encodeURIComponent(board)}/versions`, { body: signed });
  }
}

/** One board: the ACH matrix (editable in place by its owner and editors), scores, ranks, flags, linchpins, history. */
export function BoardScreen({ name, me }: { name: string; me: Me }) {
  const { data, error, reload } = useLoad(() => Promise.all([api<Obj>(`/api/v1/boards/${encodeURIComponent(name)}`), api<Obj>(`/api/v1/boards/${encodeURIComponent(name)}/history`)]), [name]);
  const [, setKeyTick] = useState(0);
  const [saving, setSaving] = useState("");
  const [saveError, setSaveError] = useState("");
  if (!data) return error ? <Problem message={error} /> : <Loading what="the board" />;
  const [view, history] = data;
  const board: Obj = view.board;
  const analysis: Obj = view.analysis;
  const editable = board.owner_ref === me.id || ((board.editor_refs as string[] | undefined) ?? []).includes(me.id);
  const analyst = me.slug;
  const ratingsOf = (e: string, h: string): Obj[] => (board.ratings as Obj[]).filter((r) => r.evidence === e && r.hypothesis === h);
  const scoreOf = (h: string): Obj | undefined => (analysis.scores as Obj[]).find((s) => s.hypothesis === h);
  const flagOf = (h: string): Obj | undefined => (analysis.flags as Obj[]).find((f) => f.hypothesis === h);

  const rate = async (evidence: string, hypothesis: string, rating: string): Promise<void> => {
    setSaveError("");
    setSaving(`Saving ${evidence} × ${hypothesis}…`);
    try {
      const saved = await saveEdit(me, name, { operations: [{ op: "rate", analyst, evidence, hypothesis, rating }], base_version: view.version, change: `${analyst} rates ${evidence} against ${hypothesis}: ${rating || "blank"}` });
      setSaving(`Saved as version ${saved.version}, logged at index ${saved.index}.`);
      reload();
    } catch (e) {
      setSaving("");
      setSaveError(messageOf(e));
    }
  };

  return (
    <div>
      <h1>{board.title}</h1>
      <p class="meta">
        {board.name} · version {view.version} of {when(view.modified)} · logged at index {view.index}
      </p>
      {board.description ? <p>{board.description}</p> : null}
      <p>
        Ranking: <strong>{analysis.ranking}</strong>
      </p>
      {editable ? (
        <>
          <KeyLoader me={me} onChange={() => setKeyTick((t) => t + 1)} />
          <p class="muted">Your ratings are saved as analyst “{analyst}”; each change is a new signed version of the board.</p>
        </>
      ) : null}
      <Problem message={saveError} />
      <p role="status" aria-live="polite" class="muted">
        {saving}
      </p>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="ACH matrix">
        <table class="matrix">
          <caption class="muted">Evidence against hypotheses: each cell holds every analyst's rating{editable ? "; the menu sets yours" : ""}.</caption>
          <thead>
            <tr>
              <th scope="col">Evidence</th>
              {(board.hypotheses as Obj[]).map((h) => (
                <th key={h.id} scope="col" title={h.description}>
                  {h.id}: {h.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(board.evidence as Obj[]).map((e) => (
              <tr key={e.id}>
                <th scope="row">
                  {e.id}: {e.description}
                  <div class="muted">
                    {e.source} · credibility {e.credibility} · relevance {e.relevance}
                  </div>
                </th>
                {(board.hypotheses as Obj[]).map((h) => {
                  const ratings = ratingsOf(e.id, h.id);
                  const mine = ratings.find((r) => r.analyst === analyst)?.rating ?? "";
                  return (
                    <td key={h.id} class="rating">
                      <span title={ratings.map((r) => `${r.analyst}: ${RATING_WORDS[r.rating] ?? r.rating}`).join("; ")}>{[...new Set(ratings.map((r) => r.rating))].join("/") || "—"}</span>
                      {editable ? (
                        <>
                          {" "}
                          <select aria-label={`Your rating of ${e.id} against ${h.id}`} value={mine} onChange={(ev) => void rate(e.id, h.id, (ev.currentTarget as HTMLSelectElement).value)}>
                            <option value="">blank</option>
                            {RATINGS.map((r) => (
                              <option key={r} value={r}>
                                {r}
                              </option>
                            ))}
                          </select>
                        </>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Inconsistency score (rank)</th>
              {(board.hypotheses as Obj[]).map((h) => (
                <td key={h.id} class="rating">
                  {scoreOf(h.id)?.score.toFixed(2)} ({scoreOf(h.id)?.rank})
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">Flags</th>
              {(board.hypotheses as Obj[]).map((h) => (
                <td key={h.id} class={flagOf(h.id)?.flagged ? "flag" : ""}>
                  {flagOf(h.id)?.flagged ? "⚑ asserted without evidence" : "—"}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
      <section>
        <h2>Why the flags</h2>
        <ul>
          {(analysis.flags as Obj[]).map((f) => (
            <li key={f.hypothesis} class={f.flagged ? "flag" : ""}>
              {f.hypothesis}: {f.reason}
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>Linchpins</h2>
        {(analysis.linchpins as Obj[]).length === 0 ? (
          <p>No single piece of evidence changes the ranking.</p>
        ) : (
          <ul>
            {(analysis.linchpins as Obj[]).map((l) => (
              <li key={l.evidence}>
                Without {l.evidence}: {l.ranking}
                {l.leaderChanges ? " — the leading hypothesis changes" : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>Signed versions</h2>
        <ol class="versions">
          {(history.versions as Obj[]).map((v) => (
            <li key={v.id}>
              Version {v.version}, {when(v.modified)}, logged at index {v.index}
              {v.change ? ` — ${v.change}` : ""}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
