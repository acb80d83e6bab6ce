import type { ReliabilityDiagram } from "../scoring/index.js";
import { escapeHtml } from "./html-escape.js";

const W = 360;
const H = 360;
const PAD = 44;
const PLOT = W - 2 * PAD;
const HIST = 50;

const x = (p: number): number => PAD + p * PLOT;
const y = (p: number): number => PAD + (1 - p) * PLOT;
const fmt = (v: number): string => v.toFixed(1);

/**
 * The reliability diagram as an inline SVG: observed frequency against mean forecast per bin, the
 * diagonal of perfect calibration, each point's area proportional to its bin's count, and the counts
 * as a histogram under the plot. Self-contained (no fonts or scripts to fetch).
 */
export function reliabilitySvg(d: ReliabilityDiagram, title: string): string {
  const max = Math.max(1, ...d.bins.map((b) => b.count));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H + HIST + 10}" width="${W}" height="${H + HIST + 10}" role="img" aria-label="${escapeHtml(title)}" font-family="sans-serif" font-size="11">`);
  parts.push(`<title>${escapeHtml(title)}</title>`);
  parts.push(`<rect x="${PAD}" y="${PAD}" width="${PLOT}" height="${PLOT}" fill="#fafafa" stroke="#999"/>`);
  for (let t = 0; t <= 10; t += 2) {
    const v = t / 10;
    parts.push(`<line x1="${fmt(x(v))}" y1="${PAD}" x2="${fmt(x(v))}" y2="${PAD + PLOT}" stroke="#e3e3e3"/>`);
    parts.push(`<line x1="${PAD}" y1="${fmt(y(v))}" x2="${PAD + PLOT}" y2="${fmt(y(v))}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${fmt(x(v))}" y="${PAD + PLOT + 14}" text-anchor="middle">${v.toFixed(1)}</text>`);
    parts.push(`<text x="${PAD - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#888" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${W / 2}" y="${PAD - 16}" text-anchor="middle" font-size="13" font-weight="bold">${escapeHtml(title)}</text>`);
  parts.push(`<text x="${W / 2}" y="${PAD + PLOT + 30}" text-anchor="middle">forecast probability (bin mean)</text>`);
  parts.push(`<text transform="translate(12 ${PAD + PLOT / 2}) rotate(-90)" text-anchor="middle">observed frequency</text>`);
  const points = d.bins.filter((b) => b.count > 0);
  if (points.length > 1) {
    parts.push(`<polyline fill="none" stroke="#c0392b" stroke-width="1.5" points="${points.map((b) => `${fmt(x(b.meanForecast!))},${fmt(y(b.observedFrequency!))}`).join(" ")}"/>`);
  }
  for (const b of points) {
    const r = 3 + 7 * Math.sqrt(b.count / max);
    parts.push(`<circle cx="${fmt(x(b.meanForecast!))}" cy="${fmt(y(b.observedFrequency!))}" r="${fmt(r)}" fill="#c0392b" fill-opacity="0.75"><title>${b.count} warnings, mean p ${b.meanForecast!.toFixed(2)}, observed ${b.observedFrequency!.toFixed(2)}</title></circle>`);
  }
  // The histogram of bin counts.
  const top = H + 4;
  const bw = PLOT / d.bins.length;
  d.bins.forEach((b, i) => {
    const h = (b.count / max) * (HIST - 14);
    parts.push(`<rect x="${fmt(PAD + i * bw + 1)}" y="${fmt(top + HIST - 14 - h)}" width="${fmt(bw - 2)}" height="${fmt(h)}" fill="#7f8c8d"/>`);
    if (b.count > 0) parts.push(`<text x="${fmt(PAD + (i + 0.5) * bw)}" y="${top + HIST - 2}" text-anchor="middle" font-size="9">${b.count}</text>`);
  });
  parts.push(`<text x="${PAD}" y="${top - 2}" font-size="9" fill="#555">warnings per bin</text>`);
  parts.push(`</svg>`);
  return parts.join("");
}
