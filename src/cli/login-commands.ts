import { resolve } from "node:path";
import { generatePartyKey } from "../client/party-key.js";
import { PartySession } from "../client/party-session.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { JSON_OPTION, PROFILE_OPTION } from "./party-session-options.js";
import { saveProfile } from "./party-profile.js";

/**
 * `tocsin key generate --out FILE`: a new Ed25519 key pair for a self-signing party. The private key
 * stays in FILE (PKCS#8 PEM, mode 0600; never overwritten); the public key is what the operator registers.
 */
export const keyGenerateCommand = defineCommand(
  {
    name: "key generate",
    summary: "Generate a party's Ed25519 signing key: the private key to a file (mode 0600), the public key to register printed.",
    description:
      "Give the printed public key to the node's operator (tocsin party create SLUG --name NAME --public-key KEY); the private key never leaves the file.",
    options: {
      out: { type: "string", value: "FILE", help: "where to write the private key (PKCS#8 PEM); an existing file is refused", required: true },
      json: JSON_OPTION,
    },
  },
  ({ values }, out) => {
    const key = generatePartyKey(values.out);
    const file = resolve(values.out);
    if (values.json) out(JSON.stringify({ keyFile: file, publicKey: key.publicKeyBase64, keyId: key.keyId }, null, 2) + "\n");
    else out(`private key written to ${file} (mode 0600: keep it; it never leaves this machine)\npublic key ${key.publicKeyBase64}\nkey id     ${key.keyId}\n`);
    return 0;
  },
);

/**
 * `tocsin login --node URL --party SLUG --token TOKEN [--key FILE] [--profile NAME]`: checks the token
 * and the key against the node, then saves them as the profile the party commands use.
 */
export const loginCommand = defineCommand(
  {
    name: "login",
    summary: "Save the node, party, key file and API token the party commands act with (checked against the node first).",
    description:
      "The profile is written to $TOCSIN_HOME/profile.json (default ~/.config/tocsin), or profiles/NAME.json with --profile, mode 0600. A self-signing party gives its private key file: it must be the party's active key as the node logged it. A custodial party gives none: the node signs for it.",
    options: {
      node: { type: "string", value: "URL", help: "the node's base URL (http://HOST:PORT)", env: "TOCSIN_NODE", required: true },
      party: { type: "string", value: "SLUG", help: "your party's slug (or identity id)", required: true },
      token: { type: "string", value: "TOKEN", help: "your party's API token (from party create or party token)", env: "TOCSIN_TOKEN", required: true },
      key: { type: "string", value: "FILE", help: "your private key file (PKCS#8 PEM); absent for a custodial party" },
      profile: PROFILE_OPTION,
      json: JSON_OPTION,
    },
  },
  async ({ values }, out) => {
    if (values.token.trim() === "") throw new UsageError("--token is empty");
    const keyFile = values.key === undefined ? undefined : resolve(values.key);
    const session = await PartySession.open({ url: values.node, token: values.token, party: values.party, ...(keyFile ? { keyFile } : {}) });
    const profile = {
      node: session.client.url,
      party: session.party.slug,
      partyId: session.party.id,
      custodial: session.key === undefined,
      ...(keyFile ? { keyFile } : {}),
      token: values.token,
    };
    const path = saveProfile(values.profile, profile);
    if (values.json) out(JSON.stringify({ profile: path, ...profile, token: undefined }, null, 2) + "\n");
    else {
      const how = session.key ? `signing with ${keyFile} (key ${session.key.keyId})` : "custodial: the node signs for you";
      out(`logged in to ${profile.node} as ${session.party.name} (${profile.party}, ${profile.partyId}), ${how}\nprofile saved to ${path}\n`);
    }
    return 0;
  },
);
