import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root, found by walking up from this file to the nearest package.json, so tests work
 * both from src/ and from the compiled trees (dist/, dist-test/).
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above " + import.meta.url);
    dir = parent;
  }
  return dir;
}

/** Parses a JSON file under test/vectors/ (copied into the repo with its source notes). */
export function readVector<T = any>(file: string): T {
  return JSON.parse(readFileSync(join(repoRoot(), "test", "vectors", file), "utf8")) as T;
}
