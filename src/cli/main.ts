import { isTocsinError } from "../core/errors/tocsin-error.js";
import { achExportCommand, achShowCommand } from "./ach-commands.js";
import { auditCommand, exportBundleCommand } from "./bundle-commands.js";
import { reportCommand } from "./report-command.js";
import { EnvironmentError, isSystemError, UsageError } from "./cli-errors.js";
import type { Command, Out } from "./command-line.js";
import { logAuditCommand } from "./log-commands.js";
import { logKeyCommand } from "./log-key-command.js";
import { checkpointVerifyCommand } from "./checkpoint-commands.js";
import { partyCreateCommand, partyRevokeTokenCommand, partyRotateKeyCommand, partyTokenCommand } from "./party-commands.js";
import { verifyConsistencyCommand, verifyInclusionCommand } from "./proof-commands.js";
import { serveCommand } from "./serve-command.js";
import { migrateCommand } from "./migrate-command.js";
import { keyGenerateCommand, loginCommand } from "./login-commands.js";
import { warnCommand, warningReviseCommand } from "./warning-commands.js";
import { actCommand, assessCommand, receiptCommand, resolveCommand, revealCommand } from "./response-commands.js";
import { inboxCommand, statusCommand } from "./inbox-commands.js";
import { capExportCommand, capImportCommand } from "./cap-commands.js";
import { exportCommand, importCommand } from "./transfer-commands.js";
import { witnessAddLogCommand, witnessKeyCommand } from "./witness-commands.js";

/** Every command, in the order `tocsin --help` lists them. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  logAuditCommand,
  logKeyCommand,
  partyCreateCommand,
  partyRotateKeyCommand,
  partyTokenCommand,
  partyRevokeTokenCommand,
  migrateCommand,
  exportCommand,
  importCommand,
  verifyInclusionCommand,
  verifyConsistencyCommand,
  checkpointVerifyCommand,
  achShowCommand,
  achExportCommand,
  exportBundleCommand,
  auditCommand,
  reportCommand,
  witnessAddLogCommand,
  witnessKeyCommand,
  // A party's own commands, against any node over HTTP (docs/client.md).
  keyGenerateCommand,
  loginCommand,
  warnCommand,
  warningReviseCommand,
  inboxCommand,
  receiptCommand,
  assessCommand,
  actCommand,
  resolveCommand,
  revealCommand,
  statusCommand,
  capExportCommand,
  capImportCommand,
];

const EXIT_STATUS = "Exit status: 0 success / valid / clean, 1 invalid / corrupted, 2 bad usage, input or environment.";

/** `tocsin --help`, or the commands of one group (`tocsin party --help`). */
export function usage(group?: string): string {
  const listed = COMMANDS.filter((c) => group === undefined || c.name.startsWith(`${group} `));
  const width = Math.max(...listed.map((c) => c.name.length)) + 2;
  return [
    `usage: tocsin ${group ?? "<command>"}${group === undefined ? "" : " <subcommand>"} [options]`,
    "",
    "commands:",
    ...listed.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    `'tocsin <command> --help' lists a command's options.`,
    EXIT_STATUS,
    "",
  ].join("\n");
}

const isHelp = (a: string | undefined): boolean => a === "--help" || a === "-h" || a === "help";

/** Dispatches `argv` to a command; returns the exit status. Thin: every command is one call below. */
export async function main(argv: string[], out: Out = (s) => void process.stdout.write(s)): Promise<number> {
  if (argv.length === 0) {
    process.stderr.write(usage());
    return 2;
  }
  if (isHelp(argv[0])) {
    // `tocsin help party create` is `tocsin party create --help`.
    if (argv.length > 1) return main([...argv.slice(1), "--help"], out);
    out(usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`) ?? COMMANDS.find((c) => c.name === argv[0]);
  const groups = new Set(COMMANDS.map((c) => c.name.split(" ")).filter((p) => p.length > 1).map((p) => p[0]!));
  if (!command) {
    if (groups.has(argv[0]!)) {
      if (isHelp(argv[1])) {
        out(usage(argv[0]));
        return 0;
      }
      const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `)).map((c) => c.name.split(" ")[1]);
      const what = argv[1] === undefined ? "name a subcommand" : `unknown subcommand ${argv[1]}; one of`;
      return fail(`tocsin ${argv[0]}: ${what}: ${subcommands.join(", ")} (see tocsin ${argv[0]} --help)`);
    }
    return fail(`tocsin: unknown command ${argv[0]} (see tocsin --help)`);
  }
  const rest = argv.slice(command.name.split(" ").length);
  try {
    return await command.run(rest, out);
  } catch (e) {
    const who = `tocsin ${command.name}`;
    if (e instanceof UsageError) return fail(`${who}: ${e.message} (see ${who} --help)`);
    if (e instanceof EnvironmentError) return fail(`${who}: ${e.message}`);
    if (isTocsinError(e)) return fail(`${who}: ${e.code}: ${e.message}`);
    // A failed system call (a file in the way, a directory not writable…) is the machine, not a bug.
    if (isSystemError(e)) return fail(`${who}: ${e.message}`);
    throw e;
  }
}

function fail(line: string): number {
  process.stderr.write(line.replace(/\s*\n\s*/g, " ") + "\n");
  return 2;
}

/**
 * The process entry (bin/tocsin): runs `main` on the real arguments. A reader that stops reading
 * (`tocsin ach show … | head`) closes the pipe: the command ends quietly with status 0, as it has
 * nothing left to say to anyone. An unexpected error (a bug) is printed whole with status 70.
 */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    });
  }
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tocsin: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
