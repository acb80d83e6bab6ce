// Removes a previous build (`dist` for the product, `dist-test` for the tests and benchmarks) so that a
// deleted source file never leaves a stale module or test behind.
import { rmSync } from "node:fs";

const BUILDS = new Set(["dist", "dist-test"]);
const asked = process.argv.slice(2);
for (const dir of asked.length > 0 ? asked : [...BUILDS]) {
  if (!BUILDS.has(dir)) {
    process.stderr.write(`clean: "${dir}" is not a build directory (${[...BUILDS].join(", ")})\n`);
    process.exit(2);
  }
  rmSync(new URL(`../${dir}`, import.meta.url), { recursive: true, force: true });
}
