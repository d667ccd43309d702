import express, { type Request, type RequestHandler } from 'express';
import { BadRequestCode, BadRequestError, PayloadTooLargeError } from '../errors';

/**
 * Every xAPI body is read as raw bytes (documents are binary-safe, multipart needs the bytes);
 * each route then interprets it by media type. JSON has its own, smaller limit.
 */
export function rawBody(limitBytes: number): RequestHandler {
  return express.raw({ type: () => true, limit: limitBytes });
}

/** The media type of the request, lower-cased and without parameters. */
export function mediaTypeOf(req: Request): string | undefined {
  return req.get('content-type')?.split(';')[0]?.trim().toLowerCase();
}

export function bodyBytes(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : typeof req.body === 'string' ? Buffer.from(req.body) : Buffer.alloc(0);
}

export function readJsonBody(req: Request, limitBytes = Number.POSITIVE_INFINITY): unknown {
  const bytes = bodyBytes(req);
  if (bytes.length > limitBytes) {
    throw new PayloadTooLargeError(`JSON bodies are limited to ${limitBytes} bytes; this one has ${bytes.length}`);
  }
  if (bytes.length === 0) throw new BadRequestError(BadRequestCode.InvalidJson, 'The request body is empty; JSON was expected');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new BadRequestError(BadRequestCode.InvalidJson, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}
