import type { ErrorRequestHandler, RequestHandler } from 'express';
import { BadRequestCode, ConflictError, HttpError, NotFoundError } from '../errors';
import { CollectionDocumentError, CollectionQueryError, UniqueIndexViolation } from '../storage/collections/collection-store';
import type { Logger } from '../logger';

/**
 * Errors raised by body-parser and raw-body, and by the router when a path parameter is not
 * percent-encoded UTF-8, carry an HTTP status; body-parser adds a `type` to most of them, but not
 * to a decompression error (Content-Encoding: gzip with bytes that are not gzip), which only has
 * zlib's `code` (Z_DATA_ERROR, ...).
 */
interface StatusError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: unknown;
}

/** The single place where errors become responses: `{ "code", "message" }` with the error's status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const httpError = toHttpError(error, req.get('content-encoding'));
    if (httpError === undefined) {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error');
      if (!res.headersSent) res.status(500).json({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
      return;
    }
    if (res.headersSent) return;
    res.set(httpError.headers);
    res.status(httpError.status).json({ code: httpError.code, message: httpError.message });
  };
}

export function notFoundHandler(): RequestHandler {
  return (req) => {
    throw new NotFoundError(`No resource at ${req.method} ${req.path}`, 'NO_SUCH_RESOURCE');
  };
}

/**
 * Our typed errors; a URIError (a path parameter with a bad percent-encoding, e.g.
 * /anchoring/receipts/%ZZ) is 400 INVALID_PARAMETER; any other error carrying a 4xx status (from
 * body-parser, raw-body, zlib through body-parser) keeps that status: PAYLOAD_TOO_LARGE (413),
 * UNSUPPORTED_MEDIA_TYPE (415: an unsupported Content-Encoding or charset), NOT_FOUND (404), else
 * INVALID_BODY. Only what is still unexplained becomes a 500.
 */
export function toHttpError(error: unknown, contentEncoding: string | undefined): HttpError | undefined {
  if (error instanceof HttpError) return error;
  const collectionError = fromCollectionStore(error);
  if (collectionError !== undefined) return collectionError;
  if (error instanceof URIError) {
    return new HttpError(400, BadRequestCode.InvalidParameter, `The request URL is not valid percent-encoded UTF-8: ${error.message}`);
  }
  const status = clientErrorStatus(error);
  if (status === undefined) return undefined;
  const statusError = error as StatusError;
  const code =
    statusError.type === 'entity.too.large' || status === 413
      ? 'PAYLOAD_TOO_LARGE'
      : status === 415
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : status === 404
          ? 'NOT_FOUND'
          : 'INVALID_BODY';
  return new HttpError(status, code, bodyErrorMessage(statusError, contentEncoding));
}

/**
 * What the collection store refuses comes from what a request asked to store or to find (a field
 * name with a dot, a value it cannot keep, a second document a unique index forbids), so it is the
 * client's to fix: a 400 or a 409 that says what is wrong, never a 500.
 */
function fromCollectionStore(error: unknown): HttpError | undefined {
  if (error instanceof UniqueIndexViolation) return new ConflictError('ALREADY_EXISTS', `Something with these values already exists (${error.index})`);
  if (error instanceof CollectionDocumentError) return new HttpError(400, 'UNSTORABLE_VALUE', error.message);
  if (error instanceof CollectionQueryError) return new HttpError(400, BadRequestCode.InvalidParameter, error.message);
  return undefined;
}

/** The 4xx status an error carries (`status` or `statusCode`, as http-errors sets both). */
function clientErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { status, statusCode } = error as StatusError;
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 500 ? value : undefined;
}

function bodyErrorMessage(error: StatusError, contentEncoding: string | undefined): string {
  if (error.type === 'entity.too.large') return 'The request body is larger than this LRS accepts';
  if (error.type === 'request.aborted') return 'The request was aborted before its body was complete';
  if (error.type === 'encoding.unsupported') {
    return `The request body's Content-Encoding "${contentEncoding ?? ''}" is not supported; send it as identity, gzip, deflate or br`;
  }
  if (error.type === undefined && contentEncoding !== undefined && isDecompressionError(error)) {
    return `The request body does not match its Content-Encoding "${contentEncoding}": ${error.message}`;
  }
  if (error.type === undefined && !isDecompressionError(error)) return error.message;
  return `The request body could not be read: ${error.message}`;
}

/** zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, ERR__ERROR_FORMAT_PADDING_2 for brotli, ...). */
function isDecompressionError(error: StatusError): boolean {
  return typeof error.code === 'string' && (error.code.startsWith('Z_') || error.code.startsWith('ERR_'));
}
