import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { formatVerifierKey, parseSignerKey, verifierFromSigner } from "../core/note/index.js";
import { LOG_KEY_FILE } from "../node/log-key.js";
import { openStore, SQLITE_FILE } from "../store/open-store.js";
import { isTocsinError, openCheckpoint, parseVerifierKey } from "../verify/index.js";
import { EnvironmentError, UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation } from "./node-options.js";

/** How long `--url` waits for the node. */
const FETCH_TIMEOUT_MS = 10_000;

/**
 * `tocsin log key [--data DIR] [--db URL] [--url URL]`: prints the log's verifier key (C2SP note vkey),
 * one line, for the operator to publish and for auditors to pin (`tocsin audit --log-key`). On the node:
 * from its key file (checked against the key its database recorded), or the database alone. Over HTTP
 * (`--url`): from GET /log/key, checked against the node's current checkpoint.
 */
export const logKeyCommand = defineCommand(
  {
    name: "log key",
    summary: "Print the log's verifier key (C2SP note vkey) to publish and pin, from the node's data directory or over HTTP.",
    description:
      "Prints one line, the key, so that `tocsin audit FILE --log-key \"$(tocsin log key)\"` works. With --url the key comes from the node's GET /log/key and must verify the node's current checkpoint (exit 1 when it does not); a key fetched from a node is worth pinning only once compared with the one its operator publishes. Exit 2 when there is no key to read (no node there, node unreachable).",
    options: {
      data: DATA_OPTION,
      db: DB_OPTION,
      url: { type: "string", value: "URL", help: "a node's base URL (https://node.example): ask it over HTTP instead of reading a data directory" },
    },
  },
  async ({ values }, out) => {
    if (values.url !== undefined) return fromNode(values.url, out);
    const at = nodeLocation(values);
    const keyFile = join(at.dataDir, LOG_KEY_FILE);
    const fromFile = existsSync(keyFile) ? vkeyOfKeyFile(keyFile) : undefined;
    const hasDatabase = at.db !== undefined || existsSync(join(at.dataDir, SQLITE_FILE));
    let recorded: string | undefined;
    if (hasDatabase) {
      const store = await openStore(at, { poolSize: 1 });
      try {
        recorded = await store.getMeta("log.vkey");
      } finally {
        await store.close();
      }
    }
    if (fromFile !== undefined && recorded !== undefined && fromFile !== recorded) {
      throw new TocsinError("CONFIG_INVALID", `${keyFile} is not the key of the log in this database`);
    }
    const vkey = fromFile ?? recorded;
    if (vkey === undefined) throw new UsageError(`no log key at ${keyFile} and no node database there (has the node started?)`);
    out(vkey + "\n");
    return 0;
  },
);

function vkeyOfKeyFile(path: string): string {
  try {
    return formatVerifierKey(verifierFromSigner(parseSignerKey(readFileSync(path, "utf8").trim())));
  } catch (e) {
    throw new TocsinError("CONFIG_INVALID", `${path} is not a log key: ${(e as Error).message}`);
  }
}

async function get(base: URL, path: string): Promise<{ status: number; text: string }> {
  const url = new URL(path, base);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: "text/plain" } });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new EnvironmentError(`cannot reach ${url.href}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  return { status: res.status, text: await res.text() };
}

async function fromNode(urlArg: string, out: (s: string) => void): Promise<number> {
  let base: URL;
  try {
    base = new URL(urlArg.endsWith("/") ? urlArg : `${urlArg}/`);
  } catch {
    throw new UsageError(`--url must be a URL (http://HOST:PORT), not ${urlArg}`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new UsageError(`--url must be http:// or https://, not ${base.protocol}`);
  const key = await get(base, "log/key");
  if (key.status !== 200) throw new EnvironmentError(`${new URL("log/key", base).href} answered ${key.status}: is this a Tocsin node?`);
  const vkey = key.text.trim();
  let verifier;
  try {
    verifier = parseVerifierKey(vkey);
  } catch (e) {
    throw new EnvironmentError(`${new URL("log/key", base).href} did not answer a verifier key: ${(e as Error).message}`);
  }
  // The key must be the one the node signs with: its current checkpoint verifies with it.
  const checkpoint = await get(base, "log/checkpoint");
  if (checkpoint.status === 200) {
    try {
      openCheckpoint(checkpoint.text, verifier);
    } catch (e) {
      process.stderr.write(`tocsin log key: the node's checkpoint does not verify with the key it serves (${isTocsinError(e) ? e.code : (e as Error).message})\n`);
      return 1;
    }
  }
  out(vkey + "\n");
  return 0;
}
