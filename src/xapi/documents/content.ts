import type { Request } from 'express';
import { BadRequestCode, BadRequestError, PayloadTooLargeError } from '../../errors';
import { bodyBytes } from '../../http/body';
import { DocumentErrorCode } from './errors';

/** A document as a client sends it: any bytes with any Content-Type (Communication 2.2.s2 "contents"). */
export interface DocumentBody {
  contentType: string;
  content: Buffer;
}

/** What a document without a Content-Type is taken to be. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** `type/subtype` and optional parameters, in visible ASCII: what may be stored and sent back as a header. */
const CONTENT_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*;[\x20-\x7e\t]*)?$/;
const MAX_CONTENT_TYPE_LENGTH = 256;

/** The request's document, kept byte for byte; 413 past the limit, 400 for a malformed Content-Type. */
export function readDocumentBody(req: Request, limitBytes: number): DocumentBody {
  const content = bodyBytes(req);
  if (content.length > limitBytes) {
    throw new PayloadTooLargeError(`Documents are limited to ${limitBytes} bytes; this one has ${content.length}`);
  }
  const contentType = req.get('content-type')?.trim() || DEFAULT_CONTENT_TYPE;
  if (contentType.length > MAX_CONTENT_TYPE_LENGTH || !CONTENT_TYPE.test(contentType)) {
    throw new BadRequestError(BadRequestCode.InvalidContentType, `"${contentType.slice(0, 80)}" is not a valid Content-Type`);
  }
  return { contentType, content };
}

/** Whether a document has the media type application/json, whatever its parameters. */
export function isJsonDocument(document: { contentType: string }): boolean {
  return document.contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** The JSON value of a document, or 400 naming `which` document is not JSON. */
export function parseJsonContent(content: Buffer, which: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content));
  } catch (error) {
    throw new BadRequestError(BadRequestCode.InvalidJson, `The ${which} is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
}

/** The JSON Object of a document, or 400 naming `which` document is not one (Communication 2.2.s8.b1). */
export function parseJsonObject(content: Buffer, which: string): Record<string, unknown> {
  const value = parseJsonContent(content, which);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(
      DocumentErrorCode.NotMergeable,
      `The ${which} must be a JSON Object to be merged (Communication 2.2.s8.b1)`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * The JSON merge of Communication 2.2.s7: each top-level property of the posted Object replaces
 * the property of that name in the existing Object, whole, even when both values are Objects.
 */
export function mergeJsonObjects(existing: Record<string, unknown>, posted: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ ...existing, ...posted }), 'utf8');
}
