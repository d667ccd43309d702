import { BadRequestCode, BadRequestError } from '../../../errors';
import { parseJsonRequest } from '../../../http/body';
import type { Blob } from '../../../storage/blob-store';
import { buildMultipartMixed, mediaTypeOf, parseMultipartMixed, type BuiltMultipart, type PartToBuild } from './multipart';
import { splitStatementRequest, type ReceivedAttachment } from './statement-request';

/**
 * A statements body is JSON, or multipart/mixed with the JSON first and attachments after
 * (Communication 1.5.2). Parses one, as PUT/POST /statements take it and as another LRS answers
 * GET /statements with attachments.
 */
export function parseStatementsBody(contentType: string | undefined, body: Buffer): { json: unknown; attachments: ReceivedAttachment[] } {
  const mediaType = contentType === undefined ? undefined : mediaTypeOf(contentType);
  if (mediaType === 'multipart/mixed') {
    const { statementsJson, attachments } = splitStatementRequest(parseMultipartMixed(body, contentType!));
    return { json: parseJsonRequest(statementsJson, 'The statement part'), attachments };
  }
  if (mediaType === 'application/json') return { json: parseJsonRequest(body, 'The body'), attachments: [] };
  throw new BadRequestError(
    BadRequestCode.InvalidContentType,
    `Statements must be sent as application/json or multipart/mixed, not "${contentType ?? 'no Content-Type'}"`,
  );
}

/** The JSON alone when there is no attachment, else multipart/mixed with the JSON part first (Communication 1.5.2). */
export function buildStatementsBody(json: unknown, attachments: ReadonlyMap<string, Blob>): BuiltMultipart {
  const jsonBody = Buffer.from(JSON.stringify(json));
  if (attachments.size === 0) return { contentType: 'application/json', body: jsonBody };
  return buildMultipartMixed([
    { headers: { 'Content-Type': 'application/json' }, body: jsonBody },
    ...[...attachments].map(([sha2, blob]) => attachmentPart(sha2, blob)),
  ]);
}

function attachmentPart(sha2: string, blob: Blob): PartToBuild {
  return {
    headers: {
      'Content-Type': blob.contentType,
      'Content-Transfer-Encoding': 'binary',
      'X-Experience-API-Hash': sha2,
    },
    body: blob.content,
  };
}
