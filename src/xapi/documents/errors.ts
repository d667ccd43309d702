/** Stable codes of the errors the Document Resources add to the common ones (src/errors.ts). */
export const DocumentErrorCode = {
  NotFound: 'DOCUMENT_NOT_FOUND',
  /** A PUT without If-Match or If-None-Match to a Profile document that exists (Communication 3.1.s4.b13). */
  Exists: 'DOCUMENT_EXISTS',
  /** A PUT without If-Match or If-None-Match to a Profile document that does not exist (3.1.s3.b1). */
  PreconditionRequired: 'PRECONDITION_REQUIRED',
  /** A POST to a document where one of the two is not a JSON Object (Communication 2.2.s8.b1). */
  NotMergeable: 'DOCUMENT_NOT_MERGEABLE',
  /** The document kept changing under a conditional write; the client may retry. */
  ConcurrentUpdate: 'CONCURRENT_UPDATE',
} as const;
