import { when } from "./bits.js";
import type { BundleVerdict } from "../../verify/index.js";

/** A bundle's timeline as the browser's audit computed it: one row a record, in log order. */
export type TimelineEntries = Extract<BundleVerdict, { timeline: unknown }>["timeline"];

/**
 * Who logged what, when, and whether its signature verified: the same table on the warning screen and
 * on the offline audit of a dropped bundle. A record whose signature failed is shaded and marked.
 */
export function TimelineTable({ entries, label }: { entries: TimelineEntries; label: string }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table class="timeline">
        <thead>
          <tr>
            <th scope="col">Log index</th>
            <th scope="col">Logged</th>
            <th scope="col">Author</th>
            <th scope="col">Record</th>
            <th scope="col">Signature</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.index} class={e.signature === "failed" ? "bad" : ""}>
              <td>{e.index}</td>
              <td>{when(e.loggedAt)}</td>
              <td>{e.authorName ?? e.author}</td>
              <td>
                <strong>{e.kind}</strong> {e.says}
              </td>
              <td>
                {e.signature === "verified" ? "✓ " : e.signature === "failed" ? "✗ " : ""}
                {e.signature}, {e.signedBy}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
