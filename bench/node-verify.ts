import { ed25519PublicKey, ed25519Sign, ed25519Verify, generateEd25519 } from "../src/core/crypto/ed25519.js";

/**
 * The same-run rate of one Ed25519 verification as the node itself does it (the node backend's
 * `ed25519Verify`: libsodium, one core, a message of `messageBytes` — a signed warning's signing bytes
 * are ≈1.1 KB), beside OpenSSL's.
 *
 * Why a second baseline: the target is stated in OpenSSL's rate, but the node does not verify with
 * OpenSSL. Through node:crypto it verified at 0.8–0.9× of `openssl speed` (a fresh context a call,
 * measured 2 December 2026); through libsodium, since 4 December 2026, at about twice it on this
 * machine. No part of admission can verify faster than this row × the cores it has.
 *
 * Divided by the CPU time used, as `openssl speed` divides by CPU user time unless told `-elapsed`:
 * both baselines then hold still when other work shares the machine, while wall-clock rates do not.
 */
export function nodeEd25519VerifyPerSec(seconds = 1, messageBytes = 1100): number {
  const { seed } = generateEd25519();
  const publicKey = ed25519PublicKey(seed);
  const message = new Uint8Array(messageBytes).fill(0x61);
  const signature = ed25519Sign(seed, message);
  for (let i = 0; i < 50; i++) ed25519Verify(publicKey, message, signature);
  let n = 0;
  const cpu = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 50; i++) if (!ed25519Verify(publicKey, message, signature)) throw new Error("the baseline's own signature does not verify");
    n += 50;
  }
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}
