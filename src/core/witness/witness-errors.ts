import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why a witness refused an add-checkpoint request (C2SP tlog-witness); each code is one answer of the spec. */
export type WitnessErrorCode = ErrorCodeOf<"witness">;

/** The error thrown by the witness core and the witness service. */
export class WitnessError extends TocsinError<WitnessErrorCode> {}
