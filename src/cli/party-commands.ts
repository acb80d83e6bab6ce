import { join } from "node:path";
import { systemClock } from "../log/system-clock.js";
import { PartyService, parsePublicKey } from "../exchange/party-service.js";
import { openStore } from "../store/open-store.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation } from "./node-options.js";

/** `--data DIR` and `--db URL` (or TOCSIN_DB): the node; a party's generated keys go under DIR/keys. */
const NODE_OPTIONS = { data: DATA_OPTION, db: DB_OPTION } as const;

const PUBLIC_KEY_OPTION = { type: "string", value: "KEY", help: "the party's Ed25519 public key (base64 or hex); without it the node generates the pair and writes the private key under DIR/keys" } as const;

async function withParties<T>(values: { data: string; db: string | undefined }, fn: (parties: PartyService) => Promise<T>): Promise<T> {
  const at = nodeLocation(values);
  const store = await openStore(at);
  try {
    return await fn(new PartyService(store, systemClock, join(at.dataDir, "keys")));
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
    const created = await withParties(values, (parties) =>
      parties.create({
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

/** `tocsin party rotate-key SLUG [--public-key B64|HEX] [--data DIR] [--db URL]`: a new signing key; old records stay valid. */
export const partyRotateKeyCommand = defineCommand(
  {
    name: "party rotate-key",
    summary: "Give a party a new signing key; the old one is retired (records it signed stay valid).",
    positionals: "SLUG",
    options: { "public-key": PUBLIC_KEY_OPTION, ...NODE_OPTIONS },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("party rotate-key takes one SLUG");
    const pk = values["public-key"] ? parsePublicKey(values["public-key"]) : undefined;
    const rotated = await withParties(values, (parties) => parties.rotateKey(positionals[0]!, pk));
    out(JSON.stringify(rotated, null, 2) + "\n");
    return 0;
  },
);

/** `tocsin party token SLUG [--data DIR] [--db URL]`: issues another API token for a party. */
export const partyTokenCommand = defineCommand(
  {
    name: "party token",
    summary: "Issue another API token for a party (printed once).",
    positionals: "SLUG",
    options: NODE_OPTIONS,
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("party token takes one SLUG");
    const token = await withParties(values, (parties) => parties.issueToken(positionals[0]!));
    out(JSON.stringify({ slug: positionals[0], token }, null, 2) + "\n");
    return 0;
  },
);
