import { execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";

/**
 * Separate hosts for network tests, made of Linux network namespaces: each node gets a namespace of
 * its own whose only way to the other nodes is one veth link to a bridge (a "switch" in a namespace of
 * its own), so a link taken down (`ip link set … down`) is a real partition — packets go nowhere, no
 * connection is refused, as between hosts whose cable is pulled. The test process reaches each node
 * over a separate management link from the root namespace (a /30 of its own: the node has no route to
 * the other nodes through it).
 *
 * Needs root and iproute2 with netns support; `netnsUnavailable()` says why not otherwise.
 */
export interface NamespacedHost {
  /** The namespace's name (`ip netns exec NAME …`). */
  readonly ns: string;
  /** Where the other hosts reach it (its address on the bridge). */
  readonly address: string;
  /** Where the test process reaches it (its management address). */
  readonly managementAddress: string;
  /** The command prefix that runs something inside it. */
  readonly within: readonly string[];
}

export interface NamespaceNetwork {
  readonly hosts: readonly NamespacedHost[];
  /** Takes host i's link to the bridge down: it no longer reaches, nor is reached by, any other host. */
  cut(i: number): void;
  heal(i: number): void;
  /** Deletes every namespace (and so every veth) it made; safe to call twice. */
  destroy(): void;
}

function ip(args: readonly string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Why namespaces cannot be used here (not root, no `ip netns`), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== "linux") return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return "network namespaces need root (ip netns add); this test runs as root in CI";
  const probe = `tzprobe${randomBytes(3).toString("hex")}`;
  try {
    ip(["netns", "add", probe]);
  } catch (e) {
    return `ip netns add fails here: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`;
  }
  try {
    ip(["netns", "del", probe]);
  } catch {
    // gone or not, the probe answered
  }
  return undefined;
}

/** A second octet for 10.X.0.0/16 that no address or route of the root namespace uses. */
function freeOctet(): number {
  const used = ip(["-4", "addr"]) + ip(["-4", "route"]);
  for (let tries = 0; tries < 50; tries++) {
    const x = randomInt(100, 250);
    if (!used.includes(`10.${x}.`)) return x;
  }
  throw new Error("no free 10.X.0.0/16 for the test network");
}

/** `count` hosts on one bridge, each in its own namespace; names carry a random tag (concurrent runs never collide). */
export function namespaceNetwork(count: number): NamespaceNetwork {
  const tag = randomBytes(3).toString("hex");
  const made: string[] = [];
  const destroy = () => {
    for (const ns of made.splice(0).reverse()) {
      try {
        ip(["netns", "del", ns]);
      } catch {
        // already gone
      }
    }
  };
  try {
    const x = freeOctet();
    const sw = `tz${tag}sw`;
    ip(["netns", "add", sw]);
    made.push(sw);
    ip(["-n", sw, "link", "add", "br0", "type", "bridge"]);
    ip(["-n", sw, "link", "set", "br0", "up"]);
    const hosts: NamespacedHost[] = [];
    for (let i = 1; i <= count; i++) {
      const ns = `tz${tag}n${i}`;
      ip(["netns", "add", ns]);
      made.push(ns);
      ip(["-n", ns, "link", "set", "lo", "up"]);
      // The data link: eth0 in the host, its peer a port of the bridge.
      const [hostEnd, port] = [`tz${tag}h${i}`, `tz${tag}p${i}`];
      ip(["link", "add", hostEnd, "type", "veth", "peer", "name", port]);
      ip(["link", "set", hostEnd, "netns", ns]);
      ip(["link", "set", port, "netns", sw]);
      ip(["-n", ns, "link", "set", hostEnd, "name", "eth0"]);
      ip(["-n", ns, "addr", "add", `10.${x}.0.${i}/24`, "dev", "eth0"]);
      ip(["-n", ns, "link", "set", "eth0", "up"]);
      ip(["-n", sw, "link", "set", port, "master", "br0"]);
      ip(["-n", sw, "link", "set", port, "up"]);
      // The management link: root namespace 10.x.i.1, host 10.x.i.2 (deleted with the host's namespace).
      const [rootEnd, mgmt] = [`tz${tag}m${i}`, `tz${tag}g${i}`];
      ip(["link", "add", rootEnd, "type", "veth", "peer", "name", mgmt]);
      ip(["link", "set", mgmt, "netns", ns]);
      ip(["addr", "add", `10.${x}.${i}.1/30`, "dev", rootEnd]);
      ip(["link", "set", rootEnd, "up"]);
      ip(["-n", ns, "addr", "add", `10.${x}.${i}.2/30`, "dev", mgmt]);
      ip(["-n", ns, "link", "set", mgmt, "up"]);
      hosts.push({ ns, address: `10.${x}.0.${i}`, managementAddress: `10.${x}.${i}.2`, within: ["ip", "netns", "exec", ns] });
    }
    const port = (i: number) => `tz${tag}p${i + 1}`;
    return {
      hosts,
      cut: (i) => void ip(["-n", sw, "link", "set", port(i), "down"]),
      heal: (i) => void ip(["-n", sw, "link", "set", port(i), "up"]),
      destroy,
    };
  } catch (e) {
    destroy();
    throw e;
  }
}
