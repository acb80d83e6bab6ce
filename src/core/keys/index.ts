/** Key transparency, a pure core: every party's keys and tokens folded from its logged key records. */
export { KeyHistories, KeyHistoryError, isKeyRecord, resetNotice, tokenIdOf } from "./key-history.js";
export type { KeyChange, KeyHistoryErrorCode, KeyOrigin, KeyRecordEntry, KeyVerdict, LoggedKey, PartyHistory, ResetOrigin, TokenEvent } from "./key-history.js";
