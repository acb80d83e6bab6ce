// Builds the web UI (src/ui/web) into <build>/ui: one esbuild bundle of the Preact app for the browser (so
// "#crypto" takes its "browser" target, @noble, like any page using tocsin/verify), plus the page and its
// styles copied as they are. The node serves that folder at / (src/http/ui-routes.ts). Run after tsc:
// the bundle imports the compiled cryptography backend through package.json "imports".
import { copyFileSync, mkdirSync } from "node:fs";
import { build } from "esbuild";

const out = process.argv[2] ?? "dist";
if (out !== "dist" && out !== "dist-test") {
  process.stderr.write(`build-ui: "${out}" is not a build directory (dist, dist-test)\n`);
  process.exit(2);
}
const root = new URL("../", import.meta.url);
const dir = new URL(`${out}/ui/`, root);
mkdirSync(dir, { recursive: true });
await build({
  entryPoints: [new URL("src/ui/web/main.tsx", root).pathname],
  outfile: new URL("app.js", dir).pathname,
  bundle: true,
  platform: "browser",
  format: "esm",
  target: "es2022",
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
for (const file of ["index.html", "app.css"]) copyFileSync(new URL(`src/ui/web/${file}`, root), new URL(file, dir));
