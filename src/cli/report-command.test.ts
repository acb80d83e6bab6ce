import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { escapeHtml } from "../core/report/index.js";
import { chromiumPath } from "../render/chromium-pdf.js";
import { journeyWorld } from "../testing/journey-fixture.js";
import { chromiumMissing } from "../testing/prerequisite.js";
import { main } from "./main.js";

const silent = (): void => {};

test("tocsin report --format html: self-contained, timeline, reliability SVG, recipient record, verification status", async () => {
  const w = await journeyWorld({ history: 12 });
  const dir = mkdtempSync(join(tmpdir(), "tocsin-report-"));
  try {
    const file = join(dir, "report.html");
    const bundle = join(dir, "bundle.json");
    assert.equal(await main(["report", "--warning", w.warning.id as string, "--format", "html", "--out", file, "--bundle", bundle, "--data", w.h.dir], silent), 0);
    const html = readFileSync(file, "utf8");
    assert.match(html, /VERIFIED offline: 6 signatures/);
    assert.match(html, /<svg [^>]*role="img"[^>]*aria-label="Reliability diagram"/);
    assert.match(html, /<circle /, "the diagram plots the bins");
    assert.match(html, /strongly-disagree: A provocation meant to intimidate\./);
    assert.match(html, /Dismissed warnings that materialized[\s\S]*report--/);
    assert.match(html, /missed action deadline/);
    assert.match(html, /TLP:AMBER/);
    assert.match(html, /Brier score/);
    // What the warning asked, and its versions.
    assert.match(html, /<h2>What the warning asked<\/h2>/);
    assert.match(html, /<dt>Severity<\/dt><dd>[a-z]+<\/dd>/);
    assert.match(html, /<dt>Probability<\/dt><dd>70 %/);
    assert.match(html, /<dt>Deadlines<\/dt><dd>receipt by 2024-03-06 15:00:00 UTC; assessment by/);
    assert.match(html, /<h3>Versions \(1\)<\/h3>.*first version/s);
    // Verify it yourself: pin the operator's published key, never the bundle's own.
    assert.match(html, /tocsin log key/);
    assert.match(html, /--log-key 'THE PUBLISHED KEY'/);
    // Self-contained: no scripts and nothing to fetch (the SVG namespace is a name, not a fetch).
    assert.doesNotMatch(html, /<script|<link|<img|\bsrc=|url\(/i);
    assert.deepEqual(html.match(/https?:\/\/[^"\s]*/g)?.filter((u) => u !== "http://www.w3.org/2000/svg") ?? [], []);
    // The bundle written beside it audits.
    assert.equal(await main(["audit", bundle], silent), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await w.h.close();
  }
});

test("report: a source with too few resolved warnings says so instead of scoring", async () => {
  const w = await journeyWorld();
  const lines: string[] = [];
  try {
    assert.equal(await main(["report", "--warning", w.warning.id as string, "--format", "html", "--data", w.h.dir], (s) => void lines.push(s)), 0);
    assert.match(lines.join(""), /Too few resolved warnings to score US-IC: 1 scoreable \(need 10\)/);
    assert.equal(await main(["report", "--warning", w.warning.id as string, "--format", "docx", "--data", w.h.dir], silent), 2);
    assert.equal(await main(["report", "--warning", w.warning.id as string, "--format", "pdf", "--data", w.h.dir], silent), 2, "a PDF needs --out");
    assert.equal(await main(["report", "--warning", "report--0", "--data", w.h.dir], silent), 2);
    assert.equal(await main(["report", "--warning", w.warning.id as string, "--as", "outsider", "--data", w.h.dir], silent), 2, "TLP: the outsider may not read it");
  } finally {
    await w.h.close();
  }
});

test("tocsin report --format pdf prints through Debian's headless Chromium", async () => {
  if (!existsSync(chromiumPath())) throw chromiumMissing(chromiumPath());
  const w = await journeyWorld({ history: 10 });
  const dir = mkdtempSync(join(tmpdir(), "tocsin-report-"));
  try {
    const file = join(dir, "report.pdf");
    assert.equal(await main(["report", "--warning", w.warning.id as string, "--format", "pdf", "--out", file, "--data", w.h.dir], silent), 0);
    const pdf = readFileSync(file);
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? [];
    assert.ok(pages.length >= 2, `a multi-page report, got ${pages.length} pages`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await w.h.close();
  }
});

test("report text is escaped: record content cannot inject markup", () => {
  assert.equal(escapeHtml(`<script>alert("x")</script> & 'y'`), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
});
