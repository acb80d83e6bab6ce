import { systemClock } from "../log/system-clock.js";
import { readSeed } from "../exchange/party-key-files.js";
import { parsePublicKey, type PartyRegistrar } from "../exchange/party-registrar.js";
import { withOperator } from "../node/operator.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation } from "./node-options.js";

/** `--data DIR` and `--db URL` (or TOCSIN_DB): the node; a party's generated keys go under DIR/keys. */
const NODE_OPTIONS = { data: DATA_OPTION, db: DB_OPTION } as const;

const PUBLIC_KEY_OPTION = { type: "string", value: "KEY", help: "the party's Ed25519 public key (base64 or hex); without it the node generates the pair and writes the private key under DIR/keys" } as const;

async function withRegistrar<T>(values: { data: string; db: string | undefined }, fn: (registrar: PartyRegistrar) => Promise<T>): Promise<T> {
  const at = nodeLocation(values);
  try {
    // Every change is a logged record: the command appends as the log's writer (see withOperator).
    return await withOperator(at, systemClock, fn);
  } catch (e) {
    // A bad slug, an unknown organisation, a taken name: the user's input, so exit 2 with the code.
    if (isTocsinError(e)) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  }
}

/**
 * `tocsin party create SLUG --name NAME [--custodial] [--public-key B64|HEX] [--organisation SLUG]
 * [--client-of SLUG]… [--community NAME]… [--data DIR] [--db URL]`: registers a party and prints
 * `{id, slug, name, custodial, token, keyId, publicKey, keyFile?}` as JSON. The token is shown once.
 */
export const partyCreateCommand = defineCommand(
  {
    name: "party create",
    summary: "Register a party (a STIX identity with an Ed25519 key); prints it as JSON with its API token, shown once.",
    positionals: "SLUG",
    options: {
      name: { type: "string", value: "NAME", help: "the party's display name", required: true },
      custodial: { type: "boolean", help: "the node keeps the party's private key and signs for it" },
      "public-key": PUBLIC_KEY_OPTION,
      organisation: { type: "string", value: "SLUG", help: "the party (by slug) whose organisation this one belongs to; TLP reads this relation" },
      "client-of": { type: "string", value: "SLUG", multiple: true, help: "a party (by slug) this one is a client of; TLP reads this relation" },
      community: { type: "string", value: "NAME", multiple: true, help: "a community this party belongs to; TLP reads this relation" },
      ...NODE_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("party create takes one SLUG");
    const created = await withRegistrar(values, (registrar) =>
      registrar.create({
        slug: positionals[0]!,
        name: values.name,
        custodial: values.custodial,
        ...(values["public-key"] ? { publicKey: parsePublicKey(values["public-key"]) } : {}),
        ...(values.organisation ? { organisation: values.organisation } : {}),
        clientOf: values["client-of"],
        communities: values.community,
      }),
    );
    out(JSON.stringify(created, null, 2) + "\n");
    return 0;
  },
);

/**
 * `tocsin party rotate-key SLUG [--public-key B64|HEX] [--signed-by KEYFILE | --reset] [--data DIR] [--db URL]`: a new
 * signing key, logged as a key event. A custodial party's rotation is signed by the node with the
 * party's current key; a self-signing party's by the party's current private key (`--signed-by`, a
 * PKCS#8 PEM file); `--reset` replaces the key without the party, logged as an operator reset that every
 * audit names. Old records stay valid.
 */
export const partyRotateKeyCommand = defineCommand(
  {
    name: "party rotate-key",
    summary: "Give a party a new signing key; the old one is retired (records it signed stay valid).",
    positionals: "SLUG",
    options: {
      "public-key": PUBLIC_KEY_OPTION,
      "signed-by": { type: "string", value: "KEYFILE", help: "the party's current private key (PKCS#8 PEM): a self-signing party signs its own key change" },
      reset: { type: "boolean", help: "replace the key without the party's signature: logged as a KEY RESET BY THE OPERATOR that every audit names" },
      ...NODE_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("party rotate-key takes one SLUG");
    if (values.reset && values["signed-by"] !== undefined) throw new UsageError("--reset and --signed-by exclude each other");
    const pk = values["public-key"] ? parsePublicKey(values["public-key"]) : undefined;
    let signedBy: Uint8Array | undefined;
    if (values["signed-by"] !== undefined) {
      try {
        signedBy = readSeed(values["signed-by"]);
      } catch (e) {
        throw new UsageError(`--signed-by: not an Ed25519 private key file: ${(e as Error).message}`);
      }
    }
    const rotated = await withRegistrar(values, (registrar) => registrar.rotateKey(positionals[0]!, { publicKey: pk, signedBy, reset: values.reset }));
    out(JSON.stringify(rotated, null, 2) + "\n");
    return 0;
  },
);

/** `tocsin party token SLUG [--data DIR] [--db URL]`: issues another API token for a party. */
export const partyTokenCommand = defineCommand(
  {
    name: "party token",
    summary: "Issue another API token for a party (printed once, with its token id); the issue is logged.",
    positionals: "SLUG",
    options: NODE_OPTIONS,
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("party token takes one SLUG");
    const issued = await withRegistrar(values, (registrar) => registrar.issueToken(positionals[0]!));
    out(JSON.stringify({ slug: positionals[0], ...issued }, null, 2) + "\n");
    return 0;
  },
);

/** `tocsin party revoke-token SLUG TOKEN_ID [--data DIR] [--db URL]`: refused by authentication at once; the revocation is logged. */
export const partyRevokeTokenCommand = defineCommand(
  {
    name: "party revoke-token",
    summary: "Revoke one of a party's API tokens by its token id (refused at once); the revocation is logged.",
    positionals: "SLUG TOKEN_ID",
    options: NODE_OPTIONS,
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 2) throw new UsageError("party revoke-token takes SLUG and TOKEN_ID");
    if (!/^[0-9a-f]{16}$/.test(positionals[1]!)) throw new UsageError("TOKEN_ID is 16 lowercase hex digits (printed by party create / party token)");
    const revoked = await withRegistrar(values, (registrar) => registrar.revokeToken(positionals[0]!, positionals[1]!));
    out(JSON.stringify({ slug: positionals[0], revoked: revoked.tokenId, index: revoked.index }, null, 2) + "\n");
    return 0;
  },
);
