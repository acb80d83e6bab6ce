import { mkdirSync } from "node:fs";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { WitnessService, witnessVerifierKeys } from "../exchange/witness-service.js";
import { systemClock } from "../log/system-clock.js";
import { loadOrCreateWitnessKeys } from "../node/witness-key.js";
import { openStore } from "../store/open-store.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation } from "./node-options.js";

/**
 * `tocsin witness add-log ORIGIN VKEY [--url URL] [--data DIR] [--db URL]`: this node starts witnessing
 * the log ORIGIN (C2SP tlog-witness), trusting VKEY — the log's Ed25519 note verifier key — for its
 * checkpoints. Adding a log already witnessed replaces its key (and URL, if given) and keeps what was
 * cosigned. --url is where the log answers: gossip fetches the consistency proofs that decide
 * checkpoints of other sizes there (without it, only where a peer node revealed the log).
 */
export const witnessAddLogCommand = defineCommand(
  {
    name: "witness add-log",
    summary: "Witness a log: cosign its checkpoints (POST /witness/add-checkpoint) when signed by VKEY and consistent.",
    positionals: "ORIGIN VKEY",
    description: "VKEY is the log's verifier key (name+id+key, type 0x01), as `tocsin serve` prints it at GET /log/checkpoint's signer; its name must be ORIGIN.",
    options: {
      url: { type: "string", value: "URL", help: "where the log answers (its node's base URL, http(s)): gossip fetches consistency proofs there to check checkpoints of other sizes" },
      data: DATA_OPTION,
      db: DB_OPTION,
    },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 2) throw new UsageError("witness add-log takes ORIGIN and VKEY");
    const [origin, vkey] = positionals as [string, string];
    const at = nodeLocation(values);
    mkdirSync(at.dataDir, { recursive: true, mode: 0o700 });
    const store = await openStore(at, { poolSize: 1 });
    try {
      const keys = loadOrCreateWitnessKeys(at.dataDir, { mlDsa: false });
      await new WitnessService({ store, keys, clock: systemClock }).addLog(origin, vkey, values.url);
    } catch (e) {
      if (isTocsinError(e)) throw new UsageError(`${e.code}: ${e.message}`);
      throw e;
    } finally {
      await store.close();
    }
    out(`witnessing ${origin}${values.url !== undefined ? ` (proofs from ${values.url})` : ""}\n`);
    return 0;
  },
);

/**
 * `tocsin witness key [--ml-dsa] [--data DIR]`: prints this node's witness verifier key (signed-note vkey,
 * type 0x04), creating DIR/witness.key on first use; with --ml-dsa (or once DIR/witness-ml-dsa.key
 * exists) its ML-DSA-44 vkey (type 0x06) on a second line.
 */
export const witnessKeyCommand = defineCommand(
  {
    name: "witness key",
    summary: "Print this node's witness verifier key(s) in note vkey format (created on first use in --data).",
    options: {
      data: DATA_OPTION,
      "ml-dsa": { type: "boolean", help: "also create (if needed) and print the ML-DSA-44 witness key (tlog-cosignature, type 0x06)" },
    },
  },
  async ({ values }, out) => {
    mkdirSync(values.data, { recursive: true, mode: 0o700 });
    const keys = loadOrCreateWitnessKeys(values.data, { mlDsa: values["ml-dsa"] });
    out(witnessVerifierKeys(keys).join("\n") + "\n");
    return 0;
  },
);
