import { parseArgs } from "node:util";
import { join } from "node:path";
import { systemClock } from "../log/system-clock.js";
import { PartyService, parsePublicKey, readSeed } from "../exchange/party-service.js";
import { isPostgresUrl } from "../node/config.js";
import { withOperator } from "../node/operator.js";
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
  try {
    // Every change is a logged record: the command appends as the log's writer (see withOperator).
    return await withOperator({ db: url, dataDir }, systemClock, fn);
  } catch (e) {
    // A bad slug, an unknown organisation, a taken name: the user's input, so exit 2 with the code.
    if (isTocsinError(e)) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
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

/**
 * `tocsin party rotate-key SLUG [--public-key B64|HEX] [--signed-by KEYFILE | --reset] [--data DIR]`: a new
 * signing key, logged as a key event. A custodial party's rotation is signed by the node with the
 * party's current key; a self-signing party's by the party's current private key (`--signed-by`, a
 * PKCS#8 PEM file); `--reset` replaces the key without the party, logged as an operator reset that every
 * audit names. Old records stay valid.
 */
export async function partyRotateKeyCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, {
    "public-key": { type: "string" },
    "signed-by": { type: "string" },
    reset: { type: "boolean", default: false },
    data: { type: "string", default: process.env.TOCSIN_DATA ?? "./data" },
    ...DB_OPTION,
  });
  if (positionals.length !== 1) throw new UsageError("party rotate-key takes one SLUG");
  if (values.reset && values["signed-by"] !== undefined) throw new UsageError("--reset and --signed-by exclude each other");
  const pk = values["public-key"] ? parsePublicKey(values["public-key"] as string) : undefined;
  let signedBy: Uint8Array | undefined;
  if (typeof values["signed-by"] === "string") {
    try {
      signedBy = readSeed(values["signed-by"]);
    } catch (e) {
      throw new UsageError(`--signed-by: not an Ed25519 private key file: ${(e as Error).message}`);
    }
  }
  const rotated = await withParties(
    values.data as string,
    (parties) => parties.rotateKey(positionals[0]!, { publicKey: pk, signedBy, reset: values.reset as boolean }),
    values.db,
  );
  out(JSON.stringify(rotated, null, 2) + "\n");
  return 0;
}

/** `tocsin party token SLUG [--data DIR]`: issues another API token for a party; prints it once with its id, and logs the issue. */
export async function partyTokenCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, { data: { type: "string", default: process.env.TOCSIN_DATA ?? "./data" }, ...DB_OPTION });
  if (positionals.length !== 1) throw new UsageError("party token takes one SLUG");
  const issued = await withParties(values.data as string, (parties) => parties.issueToken(positionals[0]!), values.db);
  out(JSON.stringify({ slug: positionals[0], ...issued }, null, 2) + "\n");
  return 0;
}

/** `tocsin party revoke-token SLUG TOKEN_ID [--data DIR]`: refused by authentication at once; the revocation is logged. */
export async function partyRevokeTokenCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, { data: { type: "string", default: process.env.TOCSIN_DATA ?? "./data" }, ...DB_OPTION });
  if (positionals.length !== 2) throw new UsageError("party revoke-token takes SLUG and TOKEN_ID");
  if (!/^[0-9a-f]{16}$/.test(positionals[1]!)) throw new UsageError("TOKEN_ID is 16 lowercase hex digits (printed by party create / party token)");
  const revoked = await withParties(values.data as string, (parties) => parties.revokeToken(positionals[0]!, positionals[1]!), values.db);
  out(JSON.stringify({ slug: positionals[0], revoked: revoked.tokenId, index: revoked.index }, null, 2) + "\n");
  return 0;
}
