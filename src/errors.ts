/**
 * Typed errors: each carries its HTTP status and a stable machine-readable code.
 * Routes and services throw these; the single error handler (src/http/error-handler.ts)
 * maps them to responses. Anything else that reaches the handler is a bug (500).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or violates the xAPI specification. */
export class BadRequestError extends HttpError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

/** 401: missing or wrong credentials. */
export class UnauthorizedError extends HttpError {
  constructor(message = 'Authentication required', realm = 'xAPI') {
    super(401, 'UNAUTHORIZED', message, { 'WWW-Authenticate': `Basic realm="${realm}"` });
  }
}

/** 403: the credential lacks the scope needed for this request. */
export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(404, code, message);
  }
}

/** 409: the request conflicts with stored data (e.g. a statement id reused with other content). */
export class ConflictError extends HttpError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class PreconditionFailedError extends HttpError {
  constructor(message: string) {
    super(412, 'PRECONDITION_FAILED', message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, 'PAYLOAD_TOO_LARGE', message);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message);
  }
}

/** 503: a dependency (the database) is unavailable; the client may retry. */
export class ServiceUnavailableError extends HttpError {
  constructor(message: string, code = 'SERVICE_UNAVAILABLE', retryAfterSeconds = 1) {
    super(503, code, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** Stable codes for 400 responses, so clients and tests can rely on them. */
export const BadRequestCode = {
  InvalidJson: 'INVALID_JSON',
  InvalidStatement: 'INVALID_STATEMENT',
  InvalidParameter: 'INVALID_PARAMETER',
  UnknownParameter: 'UNKNOWN_PARAMETER',
  MissingParameter: 'MISSING_PARAMETER',
  MissingVersionHeader: 'MISSING_VERSION_HEADER',
  UnsupportedVersion: 'UNSUPPORTED_VERSION',
  InvalidContentType: 'INVALID_CONTENT_TYPE',
  InvalidMultipart: 'INVALID_MULTIPART',
  AttachmentMismatch: 'ATTACHMENT_MISMATCH',
  InvalidSignature: 'INVALID_SIGNATURE',
  InvalidVoiding: 'INVALID_VOIDING',
  InvalidCursor: 'INVALID_CURSOR',
  InvalidAlternateRequest: 'INVALID_ALTERNATE_REQUEST',
} as const;
