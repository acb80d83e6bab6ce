/** A command line that cannot be acted on: printed with usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
