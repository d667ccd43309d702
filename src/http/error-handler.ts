import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, NotFoundError } from '../errors';
import type { Logger } from '../logger';

/** Errors thrown by body-parser (raw-body) carry an HTTP status and a `type`. */
interface BodyParserError extends Error {
  status: number;
  type: string;
}

/** The single place where errors become responses: `{ "code", "message" }` with the error's status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const httpError = toHttpError(error);
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

function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (isBodyParserError(error)) {
    const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'INVALID_BODY';
    return new HttpError(error.status, code, bodyErrorMessage(error));
  }
  return undefined;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as BodyParserError;
  return (
    candidate instanceof Error &&
    typeof candidate.status === 'number' && candidate.status >= 400 && candidate.status < 500 &&
    typeof candidate.type === 'string'
  );
}

function bodyErrorMessage(error: BodyParserError): string {
  if (error.type === 'entity.too.large') return 'The request body is larger than this LRS accepts';
  if (error.type === 'request.aborted') return 'The request was aborted before its body was complete';
  return `The request body could not be read: ${error.message}`;
}
