/** A command line that cannot be acted on: one line naming what is wrong and pointing at `--help`; exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * The command line is fine but the machine is not as the command needs it (a taken port, a data
 * directory that cannot be created, a file in the way): one line saying what to fix; exit status 2.
 */
export class EnvironmentError extends Error {
  override readonly name = "EnvironmentError";
}

/** A failed system call (Node's errno errors: ENOENT, EACCES, ENOTDIR, EADDRINUSE…). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!) && typeof (e as NodeJS.ErrnoException).syscall === "string";
}
