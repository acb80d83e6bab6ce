/**
 * What a test needs from the machine (PostgreSQL, Debian's chromium) and what to do when it is missing,
 * as an error node:test prints as that one line: the fix, not a stack trace of the test harness.
 */
export function missingPrerequisite(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}

/** The one line that says how to get Debian's chromium for the PDF tests. */
export function chromiumMissing(path: string): Error {
  return missingPrerequisite(`no Chromium at ${path}: the PDF report needs Debian's headless chromium — run \`apt-get install chromium\` (as root), or set TOCSIN_CHROMIUM to a Chromium binary`);
}
