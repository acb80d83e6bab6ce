/**
 * An event's id is its position in the party's stream, which merges two ordered sources: the log
 * (records, by log index; one record may give several events, numbered by a sub-index) and the notices
 * (events that are not records, numbered 1, 2, …). The id names how far each source was read:
 * `<log index>.<sub-index>.<notice number>`: the k-th event (from 1) of the record at index i is `i.k.n`; once a record is done the position is `i+1.0.n`. Every event's id is greater than the one before it in
 * each component's order (no component ever goes back, one always moves on), and the id alone is
 * enough to resume (Last-Event-ID): every event after it, and none before, follows.
 */
export interface EventPosition {
  /** The log index of the next record to read. */
  readonly log: number;
  /** How many events of that record were sent already (a record gives at most a few). */
  readonly sub: number;
  /** The number of the last notice read (0: none). */
  readonly notice: number;
}

const ID = /^(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,15})$/;

export function formatEventId(p: EventPosition): string {
  return `${p.log}.${p.sub}.${p.notice}`;
}

/** The position an id names; undefined when it is not an event id of this form. */
export function parseEventId(id: string): EventPosition | undefined {
  const m = ID.exec(id.trim());
  if (!m) return undefined;
  const p = { log: Number(m[1]), sub: Number(m[2]), notice: Number(m[3]) };
  return Number.isSafeInteger(p.log) && Number.isSafeInteger(p.notice) ? p : undefined;
}

/** Whether `a` is at or past `b` in both sources. */
export function positionCovers(a: EventPosition, b: EventPosition): boolean {
  return (a.log > b.log || (a.log === b.log && a.sub >= b.sub)) && a.notice >= b.notice;
}
