/**
 * The V8 flags a serving node runs with: `bin/tocsin`'s shebang, `npm start` and `npm run bench` pass
 * them (a test holds the three alike), so that the benchmarks measure the node as it is deployed.
 *
 * `--max-semi-space-size=128` (MiB; V8's default here is 16): a request of 1 000 signed records leaves
 * some 20 MB of short-lived objects on the main thread (the parsed body, the hand-overs, the prepared
 * entries, the answer), and four such requests are in flight at once. With the default young generation
 * they outlive two scavenges and are promoted, and the old generation's marking (on V8's helper threads)
 * collects them instead. Admission of batches of 1 000, alternated runs: the helpers 20.5–26.5 → 15–20.5
 * µs a record, the main thread 46–50 → 40.5–46, the rate 0.89–0.95 → 0.96–1.02× one core's OpenSSL
 * verify rate (docs/scaling.md §17). The cost is memory: the young generation grows to that size only
 * under such load, and then stays (the admit bench's peak RSS +170 MB; a node paging 1 000 000 objects
 * 526 MiB against 259); `node --max-semi-space-size=16 bin/tocsin serve` runs a small machine with V8's
 * default.
 */
export const NODE_V8_FLAGS: readonly string[] = ["--max-semi-space-size=128"];
