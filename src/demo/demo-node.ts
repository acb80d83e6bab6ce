import type { Admission } from "../exchange/admission.js";
import type { BoardService } from "../exchange/board-service.js";
import type { Escalator } from "../exchange/escalator.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import type { PartyDirectory } from "../exchange/party-directory.js";
import type { PartyRegistrar } from "../exchange/party-registrar.js";
import type { Store } from "../store/store.js";

/**
 * What the demo needs of a node: it acts as the parties would, through the node's services. The
 * command that serves the demo passes the node it opened; the demo never builds one.
 */
export interface DemoNode {
  readonly store: Pick<Store, "listParties" | "listRecords" | "logSize">;
  readonly parties: Pick<PartyDirectory, "get" | "require">;
  readonly registrar: Pick<PartyRegistrar, "create">;
  readonly admission: Pick<Admission, "admit">;
  readonly escalator: Pick<Escalator, "tick">;
  readonly boards: Pick<BoardService, "create" | "edit" | "submit">;
  /** A custodial recipient's CAP Ack, imported as its receipt (src/demo/demo-cap-ack.ts). */
  readonly services: Pick<ExchangeServices, "importCapAck">;
}
