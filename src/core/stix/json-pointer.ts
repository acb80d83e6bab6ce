/** Appends reference tokens to an RFC 6901 JSON Pointer, escaping `~` and `/` (RFC 6901 §3). */
export function pointerJoin(base: string, ...tokens: readonly (string | number)[]): string {
  let out = base;
  for (const t of tokens) {
    const s = String(t);
    out += "/" + (s.includes("~") || s.includes("/") ? s.replaceAll("~", "~0").replaceAll("/", "~1") : s);
  }
  return out;
}

/** True when `pointer` is `base` itself or a location inside it. */
export function pointerWithin(pointer: string, base: string): boolean {
  return base === "" || pointer === base || pointer.startsWith(base + "/");
}
