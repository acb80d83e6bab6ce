/** Federation between nodes (docs/federation.md): origin proofs of delivered records, peers' key histories, retry timing. */
export { FederationError } from "./federation-errors.js";
export type { FederationErrorCode } from "./federation-errors.js";
export { parseOriginProof, verifyOriginProof, originLeafHash } from "./origin-proof.js";
export type { OriginProof } from "./origin-proof.js";
export { foldPeerKeyHistory } from "./peer-key-history.js";
export type { PeerKeyRecord } from "./peer-key-history.js";
export { retryDelayMs } from "./delivery-backoff.js";
