/**
 * The one error type of the anchoring core. The core is pure (no HTTP): a route that passes
 * client input to it maps an AnchoringError to a 400 (BadRequestError in src/errors.ts) by its
 * stable `code`; anything else it throws is a bug.
 */
export type AnchoringErrorCode =
  /** A value RFC 8785 cannot canonicalise: non-finite number, lone surrogate, non-JSON type. */
  | 'NOT_CANONICALIZABLE'
  /** A felt that is not lower-case canonical hex below the field prime. */
  | 'INVALID_FELT'
  /** A digest that is not 64 lower-case hex digits. */
  | 'INVALID_DIGEST'
  /** A Merkle tree of no leaves, or a leaf index outside the tree. */
  | 'INVALID_TREE'
  /** A receipt that does not have the XapiStarknetAnchorReceipt/v1 shape. */
  | 'INVALID_RECEIPT';

export class AnchoringError extends Error {
  constructor(
    readonly code: AnchoringErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AnchoringError';
  }
}
