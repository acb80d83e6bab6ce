import { useState } from "preact/hooks";
import { api } from "./api.js";
import { Loading, Problem, messageOf, useLoad } from "./bits.js";
import { pinnedLogKey } from "./verification.js";
import { fromBase64, fromHex, hashLeaf, openCheckpoint, parseVerifierKey, toHex, verifyConsistency, verifyInclusion, type OpenedCheckpoint } from "../../verify/index.js";

/*
 * The log as the browser checks it: the latest checkpoint's signature (with the pinned key, or the key
 * the node serves — said which) and its cosignatures, consistency with every checkpoint this browser saw
 * before, and one entry's inclusion proof. Every check runs here with tocsin/verify.
 */

const SEEN = "tocsin.checkpointsSeen";
interface Seen {
  readonly size: number;
  readonly root: string;
  readonly origin: string;
}
const seenCheckpoints = (): Seen[] => {
  try {
    return JSON.parse(localStorage.getItem(SEEN) ?? "[]") as Seen[];
  } catch {
    return [];
  }
};

interface LogState {
  readonly served: string;
  readonly opened?: OpenedCheckpoint;
  readonly problem?: string;
  readonly consistency: { readonly from: Seen; readonly ok: boolean; readonly why?: string }[];
}

const hexes = (xs: readonly string[]): Uint8Array[] => xs.map((x) => fromHex(x)!);

async function loadLog(): Promise<LogState> {
  const [note, served] = await Promise.all([api<string>("/log/checkpoint", { as: "text", anonymous: true }), api<string>("/log/key", { as: "text", anonymous: true })]);
  const key = pinnedLogKey.get() ?? served.trim();
  let opened: OpenedCheckpoint;
  try {
    opened = openCheckpoint(note, parseVerifierKey(key));
  } catch (e) {
    return { served: served.trim(), problem: `The checkpoint does not verify with ${pinnedLogKey.get() ? "the key you pinned" : "the key the node serves"}: ${messageOf(e)}`, consistency: [] };
  }
  const { size, rootHash, origin } = opened.checkpoint;
  const consistency: LogState["consistency"][number][] = [];
  const seen = seenCheckpoints().filter((s) => s.origin === origin);
  for (const s of seen) {
    if (s.size > size) {
      consistency.push({ from: s, ok: false, why: `this browser saw a larger checkpoint (${s.size}) than the node serves now (${size}): the log shrank or forked` });
      continue;
    }
    try {
      if (s.size === size) {
        if (s.root !== toHex(rootHash)) throw new Error("same size, another root: a fork");
      } else {
        const proof = await api<{ hashes: string[] }>(`/log/proof/consistency?from=${s.size}&to=${size}`, { anonymous: true });
        verifyConsistency(s.size, size, fromHex(s.root)!, rootHash, hexes(proof.hashes));
      }
      consistency.push({ from: s, ok: true });
    } catch (e) {
      consistency.push({ from: s, ok: false, why: messageOf(e) });
    }
  }
  // Remember it (a few of the latest sizes), so the next visit checks the log only grew.
  if (consistency.every((c) => c.ok) && !seen.some((s) => s.size === size)) {
    const next = [...seenCheckpoints(), { size, root: toHex(rootHash), origin }].sort((a, b) => a.size - b.size).slice(-5);
    localStorage.setItem(SEEN, JSON.stringify(next));
  }
  return { served: served.trim(), opened, consistency };
}

function InclusionCheck({ opened }: { opened: OpenedCheckpoint }) {
  const [index, setIndex] = useState("");
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const check = async (e: Event): Promise<void> => {
    e.preventDefault();
    const i = Number(index);
    const size = opened.checkpoint.size;
    if (!Number.isInteger(i) || i < 0 || i >= size) return setResult({ ok: false, text: `Give an entry index between 0 and ${size - 1}.` });
    try {
      const [entry, proof] = await Promise.all([
        api<{ leafHash: string; data: string }>(`/log/entries/${i}`, { anonymous: true }),
        api<{ hashes: string[] }>(`/log/proof/inclusion?index=${i}&size=${size}`, { anonymous: true }),
      ]);
      // The leaf hash is recomputed from the entry's bytes, not taken from the node.
      const leafHash = hashLeaf(fromBase64(entry.data)!);
      verifyInclusion(i, size, leafHash, hexes(proof.hashes), opened.checkpoint.rootHash);
      setResult({ ok: true, text: `✓ Entry ${i} (leaf hash ${toHex(leafHash).slice(0, 16)}…) is in the checkpoint of size ${size}: its ${proof.hashes.length}-hash inclusion proof verifies.` });
    } catch (err) {
      setResult({ ok: false, text: `✗ Entry ${i} is not proven in the checkpoint: ${messageOf(err)}` });
    }
  };
  return (
    <form class="form" onSubmit={(e) => void check(e)}>
      <label for="entry-index">Entry index</label>
      <input id="entry-index" type="number" min={0} value={index} onInput={(e) => setIndex((e.currentTarget as HTMLInputElement).value)} />
      <button type="submit">Check its inclusion proof</button>
      {result ? (
        <p class={result.ok ? "ok" : "problem"} role="status">
          {result.text}
        </p>
      ) : null}
    </form>
  );
}

export function LogScreen() {
  const { data, error, reload } = useLoad(loadLog, []);
  const [pinInput, setPinInput] = useState(pinnedLogKey.get() ?? "");
  const [pinError, setPinError] = useState("");
  if (!data) return error ? <Problem message={error} /> : <Loading what="the log's checkpoint" />;
  const pinned = pinnedLogKey.get();
  return (
    <div>
      <h1>Transparency log</h1>
      <Problem message={data.problem} />
      {data.opened ? (
        <section class="panel">
          <h2>Latest checkpoint</h2>
          <p class="ok" role="status">
            ✓ Signed by the log ({pinned ? "with the key you pinned" : "with the key the node serves: pin the operator's published key below"}).
          </p>
          <dl class="facts">
            <dt>Origin</dt>
            <dd class="mono">{data.opened.checkpoint.origin}</dd>
            <dt>Size</dt>
            <dd>{data.opened.checkpoint.size} entries</dd>
            <dt>Root hash</dt>
            <dd class="mono">{toHex(data.opened.checkpoint.rootHash)}</dd>
            <dt>Cosignatures</dt>
            <dd>
              {data.opened.unknown.length === 0 ? "None: no witness has cosigned this checkpoint." : `${data.opened.unknown.length} by ${data.opened.unknown.map((k) => k.name).join(", ")} (add their keys to verify them with tocsin checkpoint verify --witness).`}
            </dd>
          </dl>
          <details>
            <summary>The signed note</summary>
            <pre>{data.opened.note}</pre>
          </details>
        </section>
      ) : null}
      <section>
        <h2>Consistency with the checkpoints you saw</h2>
        {data.consistency.length === 0 ? (
          <p>This browser has seen no earlier checkpoint of this log; it remembers this one and checks the log only grew on your next visit.</p>
        ) : (
          <ul>
            {data.consistency.map((c) => (
              <li key={c.from.size} class={c.ok ? "ok" : "problem"}>
                {c.ok ? `✓ Consistent with the checkpoint of size ${c.from.size} you saw: the log only grew.` : `✗ Not consistent with the checkpoint of size ${c.from.size} you saw: ${c.why}`}
              </li>
            ))}
          </ul>
        )}
        <button type="button" class="secondary" onClick={reload}>
          Fetch the checkpoint again
        </button>
      </section>
      {data.opened ? (
        <section>
          <h2>An entry's inclusion proof</h2>
          <InclusionCheck opened={data.opened} />
        </section>
      ) : null}
      <section>
        <h2>The log key</h2>
        <p>
          The node serves <code>{data.served}</code>. Compare it with the key the operator publishes before you pin it: pinned, it verifies every checkpoint and bundle in this browser.
        </p>
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            try {
              parseVerifierKey(pinInput.trim());
              pinnedLogKey.set(pinInput);
              setPinError("");
              reload();
            } catch (err) {
              setPinError(`That is not a verifier key: ${messageOf(err)}`);
            }
          }}
        >
          <label for="pin-key">Log key to pin</label>
          <input id="pin-key" type="text" value={pinInput} onInput={(e) => setPinInput((e.currentTarget as HTMLInputElement).value)} />
          <Problem message={pinError} />
          <button type="submit">Pin this key</button>
          {pinned ? (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                pinnedLogKey.clear();
                reload();
              }}
            >
              Unpin
            </button>
          ) : null}
        </form>
      </section>
    </div>
  );
}
