import { api } from "./api.js";
import { Loading, Problem, duration, useLoad, when } from "./bits.js";
import type { Me } from "./main.js";

type Obj = Record<string, any>;
interface Scored {
  readonly value: number;
  readonly ci: [number, number];
}

const fixed = (x: number | null | undefined, d = 3): string => (x === null || x === undefined ? "—" : x.toFixed(d));
const withCi = (s: Scored | undefined): string => (s ? `${fixed(s.value)} (95 % interval ${fixed(s.ci[0])} – ${fixed(s.ci[1])})` : "—");

/** A reliability diagram as inline SVG: forecast probability against observed frequency, the diagonal perfect. */
export function ReliabilityDiagram({ bins, title }: { bins: readonly Obj[]; title: string }) {
  const W = 300;
  const pad = 34;
  const x = (p: number): number => pad + p * (W - pad - 10);
  const y = (p: number): number => W - pad - p * (W - pad - 10);
  const max = Math.max(1, ...bins.map((b) => Number(b.count)));
  const points = bins.filter((b) => b.count > 0 && b.meanForecast !== null);
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${W}`} role="img" aria-label={title}>
      <title>{title}</title>
      <rect x={pad} y={10} width={W - pad - 10} height={W - pad - 10} fill="none" stroke="#8c959f" />
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="#8c959f" stroke-dasharray="4 3" />
      {bins.map((b) => (
        <rect key={b.lower} x={x(b.lower) + 1} width={x(b.upper) - x(b.lower) - 2} y={y(0) - (Number(b.count) / max) * 40} height={(Number(b.count) / max) * 40} fill="#d0d7de" />
      ))}
      <polyline points={points.map((b) => `${x(b.meanForecast)},${y(b.observedFrequency)}`).join(" ")} fill="none" stroke="#0b5cad" stroke-width="2" />
      {points.map((b) => (
        <circle key={b.lower} cx={x(b.meanForecast)} cy={y(b.observedFrequency)} r="4" fill="#0b5cad">
          <title>{`forecast ${fixed(b.meanForecast, 2)}, observed ${fixed(b.observedFrequency, 2)}, ${b.count} warnings`}</title>
        </circle>
      ))}
      {[0, 0.5, 1].map((t) => (
        <g key={t}>
          <text x={x(t)} y={W - pad + 16} text-anchor="middle" font-size="11" fill="#1b1f24">
            {t}
          </text>
          <text x={pad - 6} y={y(t) + 4} text-anchor="end" font-size="11" fill="#1b1f24">
            {t}
          </text>
        </g>
      ))}
      <text x={W / 2 + pad / 2} y={W - 4} text-anchor="middle" font-size="11" fill="#1b1f24">
        forecast probability
      </text>
      <text x={10} y={W / 2} font-size="11" fill="#1b1f24" transform={`rotate(-90 10 ${W / 2})`} text-anchor="middle">
        observed frequency
      </text>
    </svg>
  );
}

function Scores({ s, who }: { s: Obj; who: string }) {
  if (s.status !== "scored") return <p>Too few resolved warnings to score ({s.resolved} resolved; at least 10 are needed).</p>;
  return (
    <div class="grid2">
      <dl class="facts">
        <dt>Resolved warnings</dt>
        <dd>
          {s.resolved} (base rate {fixed(s.baseRate, 2)})
        </dd>
        <dt>Brier score</dt>
        <dd>{withCi(s.brier)}</dd>
        <dt>Log score</dt>
        <dd>{withCi(s.logScore)}</dd>
        <dt>Brier skill</dt>
        <dd>{withCi(s.brierSkill)}</dd>
        <dt>Calibration error</dt>
        <dd>{fixed(s.reliability?.ece)}</dd>
        {s.leadTime ? (
          <>
            <dt>Lead time</dt>
            <dd>
              median {s.leadTime.medianMs === null ? "—" : duration(s.leadTime.medianMs)} over {s.leadTime.count} warnings that came true
            </dd>
          </>
        ) : null}
      </dl>
      <figure>
        <ReliabilityDiagram bins={s.reliability?.bins ?? []} title={`Reliability diagram of ${who}: forecast probability against how often the attack happened`} />
        <figcaption class="muted">Points on the dashed diagonal are well calibrated; grey bars count the warnings per bin.</figcaption>
      </figure>
    </div>
  );
}

/** A party's track record: as a source (scores with intervals, reliability, lead time) and as a recipient. */
export function TrackRecordScreen({ party, me }: { party: string | undefined; me: Me }) {
  const slug = party ?? me.slug;
  const parties = useLoad(() => api<{ parties: { id: string; slug: string; name: string }[] }>("/api/v1/parties"), []);
  const { data, error } = useLoad(() => api<Obj>(`/api/v1/parties/${encodeURIComponent(slug)}/track-record`), [slug]);
  return (
    <div>
      <h1>Track record{data ? ` of ${data.party.name}` : ""}</h1>
      {parties.data ? (
        <form class="form" onSubmit={(e) => e.preventDefault()}>
          <label for="tr-party">Party</label>
          <select id="tr-party" value={slug} onChange={(e) => (location.hash = `#/track/${encodeURIComponent((e.currentTarget as HTMLSelectElement).value)}`)}>
            {parties.data.parties
              .filter((p) => p.slug !== "node")
              .map((p) => (
                <option key={p.slug} value={p.slug}>
                  {p.name}
                </option>
              ))}
          </select>
        </form>
      ) : null}
      <Problem message={error} />
      {!data ? (
        error ? null : <Loading what="the track record" />
      ) : (
        <>
          <p class="muted">
            Computed from {data.basis.warnings} warnings your party may read ({data.basis.resolved} resolved).
          </p>
          <section>
            <h2>As a source</h2>
            <Scores s={data.asSource.overall} who={data.party.name} />
          </section>
          <section>
            <h2>As a recipient</h2>
            <dl class="facts">
              <dt>Warnings received</dt>
              <dd>{data.asRecipient.record.warnings}</dd>
              <dt>Dismissed, then it happened</dt>
              <dd>
                {data.asRecipient.record.dismissedMaterialized.length === 0 ? (
                  "none"
                ) : (
                  <ul>
                    {data.asRecipient.record.dismissedMaterialized.map((d: Obj) => (
                      <li key={d.warningId}>
                        {d.warningId} — assessed {d.opinion ?? ""} at {when(d.assessedAt)}, happened {when(d.eventTime)}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
              <dt>Missed deadlines</dt>
              <dd>
                {data.asRecipient.record.missedDeadlines.length === 0 ? (
                  "none"
                ) : (
                  <ul>
                    {data.asRecipient.record.missedDeadlines.map((m: Obj, i: number) => (
                      <li key={i}>
                        {m.kind} deadline {when(m.deadline)} on {m.warningId}
                        {m.escalatedAt ? `, escalated ${when(m.escalatedAt)}` : ""}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
              <dt>Time to respond (median)</dt>
              <dd>
                {(["receipt", "assessment", "action"] as const)
                  .map((k) => `${k}: ${data.asRecipient.record.timeTo[k].medianMs === null ? "—" : duration(data.asRecipient.record.timeTo[k].medianMs)}`)
                  .join(" · ")}
              </dd>
            </dl>
          </section>
        </>
      )}
    </div>
  );
}
