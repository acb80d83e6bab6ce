import { isTocsinError } from "../core/errors/tocsin-error.js";
import { achExportCommand, achShowCommand } from "./ach-commands.js";
import { auditCommand, exportBundleCommand } from "./bundle-commands.js";
import { reportCommand } from "./report-command.js";
import { UsageError } from "./cli-errors.js";
import { logAuditCommand } from "./log-commands.js";
import { partyCreateCommand, partyRevokeTokenCommand, partyRotateKeyCommand, partyTokenCommand } from "./party-commands.js";
import { verifyConsistencyCommand, verifyInclusionCommand } from "./proof-commands.js";
import { serveCommand } from "./serve-command.js";
import { migrateCommand } from "./migrate-command.js";
import { exportCommand, importCommand } from "./transfer-commands.js";

const USAGE = `usage: tocsin <command> [options]

  serve [--data DIR] [--db postgres://…] [--lease-ttl MS] [--advertise URL] [--host H] [--port P] [--origin NAME] [--checkpoint-interval MS] [--internal-append] [--check-workers N] [--log-level LEVEL] [--demo]
  log audit [--data DIR] [--db postgres://…] [--key VKEY] [--json]
  party create SLUG --name NAME [--custodial] [--public-key KEY] [--organisation SLUG]
               [--client-of SLUG]... [--community NAME]... [--data DIR] [--db postgres://…]
  party rotate-key SLUG [--public-key KEY] [--signed-by KEYFILE | --reset] [--data DIR] [--db postgres://…]
  party token SLUG [--data DIR] [--db postgres://…]
  party revoke-token SLUG TOKEN_ID [--data DIR] [--db postgres://…]
  migrate [--db postgres://… | --data DIR]
  export [--db postgres://… | --data DIR] [--out FILE]
  import FILE [--db postgres://… | --data DIR] [--key VKEY]
  proof verify-inclusion --leaf-hash HEX --index N --size N --root HEX --proof HEX[,HEX...]
  proof verify-consistency --size1 N --size2 N --root1 HEX --root2 HEX --proof HEX[,HEX...]
  ach show BOARD [--data DIR] [--version N]
  ach export BOARD --csv [--data DIR] [--version N]
  export-bundle --warning ID [--out FILE] [--as SLUG] [--data DIR]
  audit FILE [--log-key VKEY] [--witness VKEY]... [--json]
  report --warning ID --format html|pdf [--out FILE] [--bundle FILE] [--as SLUG] [--data DIR]

Exit status: 0 success / valid / clean, 1 invalid / corrupted, 2 bad usage or input.
`;

type Command = (argv: string[], out: (s: string) => void) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  "log audit": logAuditCommand,
  "party create": partyCreateCommand,
  "party rotate-key": partyRotateKeyCommand,
  "party token": partyTokenCommand,
  "party revoke-token": partyRevokeTokenCommand,
  migrate: migrateCommand,
  export: exportCommand,
  import: importCommand,
  "proof verify-inclusion": verifyInclusionCommand,
  "proof verify-consistency": verifyConsistencyCommand,
  "ach show": achShowCommand,
  "ach export": achExportCommand,
  "export-bundle": exportBundleCommand,
  audit: auditCommand,
  report: reportCommand,
};

/** Dispatches `argv` to a command; returns the exit status. Thin: every command is one call below. */
export async function main(argv: string[], out: (s: string) => void = (s) => void process.stdout.write(s)): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "help") {
    out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const two = `${argv[0]} ${argv[1] ?? ""}`;
  const [name, rest] = COMMANDS[two] ? [two, argv.slice(2)] : [argv[0]!, argv.slice(1)];
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command: ${argv.join(" ")}`);
    return await command(rest, out);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`tocsin: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (isTocsinError(e)) {
      process.stderr.write(`tocsin: ${e.code}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
