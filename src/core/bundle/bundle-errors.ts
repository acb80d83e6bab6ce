import { TocsinError } from "../errors/tocsin-error.js";

export type BundleErrorCode = "BUNDLE_MALFORMED";

/** A bundle that does not have the accountability-bundle shape (checked before anything is verified). */
export class BundleError extends TocsinError<BundleErrorCode> {}
