import { parseSignatureLines } from "../note/index.js";

/** "Logged no later than T, per witnesses W1, W2": the witnesses' upper bound on a record's log time. */
export interface WitnessBound {
  /** RFC 3339: the earliest cosignature of a checkpoint that includes the record. */
  readonly notAfter: string;
  /** The witnesses (cosigner names) whose cosignature carries that time. */
  readonly witnesses: readonly string[];
}

/**
 * The bound from the cosignature lines of one checkpoint that includes a record (C2SP tlog-cosignature:
 * both cosignature/v1 and ML-DSA-44 signatures start with the big-endian u64 time in seconds). The lines
 * were verified when collected; unreadable ones are skipped. Undefined when there are none.
 */
export function witnessBoundOf(lines: readonly string[]): WitnessBound | undefined {
  let best: { t: number; names: string[] } | undefined;
  for (const line of lines) {
    let parsed;
    try {
      parsed = parseSignatureLines(line.endsWith("\n") ? line : `${line}\n`);
    } catch {
      continue;
    }
    for (const sig of parsed) {
      if (sig.signature.length < 8) continue;
      const big = new DataView(sig.signature.buffer, sig.signature.byteOffset, 8).getBigUint64(0, false);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) continue;
      const t = Number(big);
      if (!best || t < best.t) best = { t, names: [sig.name] };
      else if (t === best.t && !best.names.includes(sig.name)) best.names.push(sig.name);
    }
  }
  return best && { notAfter: new Date(best.t * 1000).toISOString(), witnesses: best.names };
}

/** The bound in words, as the audit, the timeline and the report print it. */
export function witnessBoundPhrase(b: WitnessBound): string {
  return `logged no later than ${b.notAfter}, per witnesses ${b.witnesses.join(", ")}`;
}
