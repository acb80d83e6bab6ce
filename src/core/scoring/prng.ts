/**
 * A small seeded pseudo-random generator (xoshiro128**, Blackman and Vigna), so the
 * bootstrap gives the same intervals for the same data on every run and every machine. Not for secrets:
 * statistics only.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = this.#b = this.#c = this.#d = 0;
    this.reset(seed);
  }

  /** Restarts the sequence from `seed`. */
  reset(seed: number): void {
    // splitmix32 spreads any seed (even 0) over the four words of state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /**
   * Fills `out` with uniform integers in [0, n): the same sequence as repeated {@link below} calls, with
   * the state kept in locals so a bootstrap's millions of draws stay cheap.
   */
  fillBelow(out: Uint32Array, n: number): void {
    let a = this.#a;
    let b = this.#b;
    let c = this.#c;
    let d = this.#d;
    const scale = n / 4294967296;
    for (let i = 0; i < out.length; i++) {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      out[i] = Math.floor(result * scale);
    }
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
  }

  /** A uniform integer in [0, n), n ≤ 2^32 (multiply-high: no modulo bias worth speaking of for n ≪ 2^32). */
  below(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
