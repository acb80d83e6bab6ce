import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { partyKeyPem, readPartyKey } from "../client/party-key.js";

/**
 * The private keys the node generates, as PKCS#8 PEM files (mode 0600) under `<data>/keys/`, one per
 * party and key id: a custodial party's stays there for the node to sign with; a self-signing party's
 * is handed over and should be removed from the node.
 */
export class PartyKeyFiles {
  constructor(private readonly dir: string) {}

  pathOf(slug: string, keyId: string): string {
    return join(this.dir, `${slug}-${keyId.slice(0, 8)}.pem`);
  }

  /** The seed of a key the node wrote, or undefined when its file is not (or no longer) there. */
  read(slug: string, keyId: string): Uint8Array | undefined {
    const path = this.pathOf(slug, keyId);
    return existsSync(path) ? readSeed(path) : undefined;
  }

  /** Writes a new key's file (never over an existing one) and returns its path. */
  write(slug: string, keyId: string, seed: Uint8Array): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = this.pathOf(slug, keyId);
    const pem = partyKeyPem(seed);
    writeFileSync(path, pem, { mode: 0o600, flag: "wx" });
    chmodSync(path, 0o600);
    return path;
  }

  /** Removes the file of a key that never became a party's (its party could not be stored). */
  remove(slug: string, keyId: string): void {
    rmSync(this.pathOf(slug, keyId), { force: true });
  }
}

/** The seed of an Ed25519 PKCS#8 PEM key file (as written by the node, `tocsin key generate` or `openssl genpkey -algorithm ed25519`). */
export function readSeed(path: string): Uint8Array {
  return readPartyKey(path).seed;
}
