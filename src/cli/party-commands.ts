import { parseArgs } from "node:util";
import { join } from "node:path";
import { systemClock } from "../log/system-clock.js";
import { PartyService, parsePublicKey } from "../exchange/party-service.js";
import { isPostgresUrl } from "../node/config.js";
import { openStore } from "../store/open-store.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { UsageError } from "./cli-errors.js";

import type { ParseArgsConfig } from "node:util";

function parse(argv: string[], options: NonNullable<ParseArgsConfig["options"]>) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** `--db URL` (or TOCSIN_DB) selects a PostgreSQL store; the keys stay under `--data`. */
const DB_OPTION = { db: { type: "string" as const } };

async function withParties<T>(dataDir: string, fn: (parties: PartyService) => Promise<T>, db?: unknown): Promise<T> {
  const url = typeof db === "string" ? db : process.env.TOCSIN_DB || undefined;
  if (url !== undefined && !isPostgresUrl(url)) throw new UsageError("--db must be a postgres:// URL");
  const store = await openStore({ db: url, dataDir });
  try {
    return await fn(new PartyService(store, systemClock, join(dataDir, "keys")));
  } catch (e) {
    // A bad slug, an unknown organisation, a taken name: the user's input, so exit 2 with the code.
    if (isTocsinError(e)) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  } finally {
    await store.close();
  }
}

/**
 * `tocsin party create SLUG --name NAME [--custodial] [--public-key B64|HEX] [--organisation SLUG]
 * [--client-of SLUG]… [--community NAME]… [--data DIR]`: registers a party and prints
 * `{id, slug, name, custodial, token, keyId, publicKey, keyFile?}` as JSON. The token is shown once.
 */
export async function partyCreateCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, {
    name: { type: "string" },
    custodial: { type: "boolean", default: false },
    "public-key": { type: "string" },
    organisation: { type: "string" },
    "client-of": { type: "string", multiple: true },
    community: { type: "string", multiple: true },
    data: { type: "string", default: process.env.TOCSIN_DATA ?? "./data" },
    ...DB_OPTION,
  });
  if (positionals.length !== 1) throw new UsageError("party create takes one SLUG");
  if (typeof values.name !== "string") throw new UsageError("--name is required");
  const created = await withParties(values.data as string, (parties) =>
    parties.create({
      slug: positionals[0]!,
      name: values.name as string,
      custodial: values.custodial as boolean,
      ...(values["public-key"] ? { publicKey: parsePublicKey(values["public-key"] as string) } : {}),
      ...(values.organisation ? { organisation: values.organisation as string } : {}),
      clientOf: (values["client-of"] as string[] | undefined) ?? [],
      communities: (values.community as string[] | undefined) ?? [],
    }),
    values.db,
  );
  out(JSON.stringify(created, null, 2) + "\n");
  return 0;
}

/** `tocsin party rotate-key SLUG [--public-key B64|HEX] [--data DIR]`: a new signing key; old records stay valid. */
export async function partyRotateKeyCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, {
    "public-key": { type: "string" },
    data: { type: "string", default: process.env.TOCSIN_DATA ?? "./data" },
    ...DB_OPTION,
  });
  if (positionals.length !== 1) throw new UsageError("party rotate-key takes one SLUG");
  const pk = values["public-key"] ? parsePublicKey(values["public-key"] as string) : undefined;
  const rotated = await withParties(values.data as string, (parties) => parties.rotateKey(positionals[0]!, pk), values.db);
  out(JSON.stringify(rotated, null, 2) + "\n");
  return 0;
}

/** `tocsin party token SLUG [--data DIR]`: issues another API token for a party. */
export async function partyTokenCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, { data: { type: "string", default: process.env.TOCSIN_DATA ?? "./data" }, ...DB_OPTION });
  if (positionals.length !== 1) throw new UsageError("party token takes one SLUG");
  const token = await withParties(values.data as string, (parties) => parties.issueToken(positionals[0]!), values.db);
  out(JSON.stringify({ slug: positionals[0], token }, null, 2) + "\n");
  return 0;
}
