import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { ClientError } from "../client/client-error.js";
import { UsageError } from "./cli-errors.js";

/*
 * Where a party's commands remember which node, party, key file and token to use (`tocsin login`):
 * $TOCSIN_HOME, else $XDG_CONFIG_HOME/tocsin, else ~/.config/tocsin. The default profile is
 * profile.json there, a named one profiles/NAME.json; both are mode 0600 (the token is a secret).
 */

export interface PartyProfile {
  /** The node's base URL. */
  readonly node: string;
  readonly party: string;
  readonly partyId: string;
  readonly custodial: boolean;
  /** Absolute path of the party's private key file; absent for a custodial party. */
  readonly keyFile?: string;
  readonly token: string;
}

/** The directory of profiles and sealed-evidence records. */
export function tocsinHome(): string {
  if (process.env.TOCSIN_HOME) return process.env.TOCSIN_HOME;
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "tocsin");
}

export function profilePath(name: string | undefined): string {
  if (name === undefined) return join(tocsinHome(), "profile.json");
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new UsageError("--profile NAME is letters, digits, '.', '_' or '-'");
  return join(tocsinHome(), "profiles", `${name}.json`);
}

export function saveProfile(name: string | undefined, profile: PartyProfile): string {
  const path = profilePath(name);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(profile, null, 2) + "\n", { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function loadProfile(name: string | undefined): PartyProfile {
  const path = profilePath(name);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`no saved profile at ${path}: run tocsin login${name === undefined ? "" : ` --profile ${name}`} first`);
  }
  let p: Partial<PartyProfile>;
  try {
    p = JSON.parse(text) as Partial<PartyProfile>;
  } catch {
    throw new ClientError("CLIENT_FILE_UNREADABLE", `${path} is not JSON: run tocsin login again`);
  }
  if (typeof p.node !== "string" || typeof p.party !== "string" || typeof p.token !== "string" || typeof p.partyId !== "string" || (p.keyFile !== undefined && typeof p.keyFile !== "string")) {
    throw new ClientError("CLIENT_FILE_UNREADABLE", `${path} is not a Tocsin profile: run tocsin login again`);
  }
  return p as PartyProfile;
}
