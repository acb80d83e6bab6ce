import { useState } from "preact/hooks";
import { api } from "./api.js";
import { messageOf } from "./bits.js";
import type { Me } from "./main.js";
import { keyMatches, readPkcs8, type LoadedKey } from "./signing-key.js";

/*
 * Who signs what this page writes: a custodial party's records go unsigned and the node signs them (and
 * marks them so); a party that signs for itself loads its key file here. The file is read in the
 * browser and never uploaded; the key is checked against the party's logged key before anything is signed.
 */

let loaded: LoadedKey | undefined;

/** The key loaded in this tab (undefined until the user loads one). */
export const loadedKey = (): LoadedKey | undefined => loaded;

/** The author the record builders sign as: with the loaded key, or without one for a custodial party. */
export function authorFor(me: Me): { id: string; seed?: Uint8Array; publicKey?: Uint8Array } | undefined {
  if (me.custodial) return { id: me.id };
  return loaded ? { id: me.id, seed: loaded.seed, publicKey: loaded.publicKey } : undefined;
}

/** The key-file field, or a line saying the node signs for a custodial party. */
export function KeyLoader({ me, onChange }: { me: Me; onChange?: () => void }) {
  const [status, setStatus] = useState<string>(loaded ? "Your key is loaded." : "");
  const [error, setError] = useState<string>("");
  if (me.custodial) {
    return <p class="muted">Your party is custodial: the node signs what you send with the key it holds for you, and every record says so.</p>;
  }
  const load = async (file: File | undefined): Promise<void> => {
    setError("");
    if (!file) return;
    try {
      const key = readPkcs8(await file.text());
      const identity = await api<Record<string, unknown>>(`/api/v1/parties/${encodeURIComponent(me.id)}`);
      if (!keyMatches(key, identity)) throw new Error("This key is not your party's current key in the log: the node would refuse what it signs. Load your current key file.");
      loaded = key;
      setStatus(`Key loaded from ${file.name} (it stays in this tab; nothing was uploaded).`);
      onChange?.();
    } catch (e) {
      loaded = undefined;
      setStatus("");
      setError(messageOf(e));
    }
  };
  return (
    <div class="keyloader">
      <label for="key-file">Your private key file (PKCS#8 PEM, read here, never uploaded)</label>
      <input id="key-file" type="file" accept=".pem,.key,application/x-pem-file" onChange={(e) => void load((e.currentTarget as HTMLInputElement).files?.[0])} />
      {status ? (
        <p class="ok" role="status">
          {status}
        </p>
      ) : null}
      {error ? (
        <p class="problem" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
