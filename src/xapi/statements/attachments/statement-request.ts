/**
 * The attachment rules of a statements PUT/POST (xAPI Communication §1.5, Data §2.4.11):
 * splitting a parsed multipart/mixed body into the statements part and attachment parts,
 * and matching attachment parts with the statements' Attachment Objects by SHA-2.
 */
import { createHash } from 'node:crypto';
import { BadRequestError, BadRequestCode } from '../../../errors';
import type { Attachment, Statement } from '../../types';
import { mediaTypeOf, type MultipartPart } from './multipart';

/** An attachment part whose X-Experience-API-Hash header was checked against its content. */
export interface ReceivedAttachment {
  /** Lower-case hexadecimal SHA-2 of `body`. */
  sha2: string;
  contentType: string;
  body: Buffer;
  headers: Record<string, string>;
}

export interface StatementRequest {
  /** Raw content of the first part (the statement or batch), not yet parsed. */
  statementsJson: Buffer;
  /** One entry per distinct content, in order of first appearance. */
  attachments: ReceivedAttachment[];
}

const HASH_HEADER = 'x-experience-api-hash';
/** Hex digest length → Node hash name (Communication §1.5.2.s4.b4: SHA-256, SHA-384 or SHA-512). */
const SHA2_BY_HEX_LENGTH: Readonly<Record<number, string>> = { 64: 'sha256', 96: 'sha384', 128: 'sha512' };

function invalidMultipart(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidMultipart, message);
}

function attachmentMismatch(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.AttachmentMismatch, message);
}

/**
 * Communication §1.5.2.s2.b2: the first part holds the statements as application/json; every
 * further part carries an X-Experience-API-Hash equal to the SHA-2 of its content and, if it
 * declares a Content-Transfer-Encoding, that encoding is binary.
 */
export function splitStatementRequest(parts: MultipartPart[]): StatementRequest {
  const [statementsPart, ...attachmentParts] = parts;
  if (statementsPart === undefined) throw invalidMultipart('multipart body has no statements part');
  assertStatementsPart(statementsPart);
  const bySha2 = new Map<string, ReceivedAttachment>();
  attachmentParts.forEach((part, index) => {
    const attachment = readAttachmentPart(part, index + 2);
    if (!bySha2.has(attachment.sha2)) bySha2.set(attachment.sha2, attachment);
  });
  return { statementsJson: statementsPart.body, attachments: [...bySha2.values()] };
}

function assertStatementsPart(part: MultipartPart): void {
  const declared = part.headers['content-type'];
  if (declared === undefined) {
    throw invalidMultipart('the first multipart part (the statements) must have Content-Type: application/json');
  }
  if (mediaTypeOf(declared) !== 'application/json') {
    throw invalidMultipart(
      `the first multipart part (the statements) must have Content-Type: application/json, not "${declared}"`,
    );
  }
}

function readAttachmentPart(part: MultipartPart, partNumber: number): ReceivedAttachment {
  assertBinaryTransferEncoding(part, partNumber);
  const declared = part.headers[HASH_HEADER];
  if (declared === undefined || declared === '') {
    throw invalidMultipart(`multipart part ${partNumber} (an attachment) has no X-Experience-API-Hash header`);
  }
  const sha2 = declared.toLowerCase();
  const algorithm = SHA2_BY_HEX_LENGTH[sha2.length];
  if (algorithm === undefined || !/^[0-9a-f]+$/.test(sha2)) {
    throw invalidMultipart(
      `X-Experience-API-Hash "${declared}" of multipart part ${partNumber} is not a hexadecimal SHA-256, SHA-384 or SHA-512 digest`,
    );
  }
  const actual = createHash(algorithm).update(part.body).digest('hex');
  if (actual !== sha2) {
    throw attachmentMismatch(
      `X-Experience-API-Hash "${declared}" of multipart part ${partNumber} does not match the ${algorithm.toUpperCase()} of its content (${actual})`,
    );
  }
  return { sha2, contentType: part.contentType, body: part.body, headers: part.headers };
}

/** Communication §1.5.2.s3.b6: a missing Content-Transfer-Encoding means binary; other values are refused. */
function assertBinaryTransferEncoding(part: MultipartPart, partNumber: number): void {
  const encoding = part.headers['content-transfer-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'binary') {
    throw invalidMultipart(
      `multipart part ${partNumber} has Content-Transfer-Encoding "${encoding}"; attachment parts must be binary`,
    );
  }
}

/**
 * Communication §1.5.2.s3.b5 and §1.5.1: every Attachment Object without a fileUrl must have a
 * part with its sha2, and every part must be the content of some Attachment Object (with or
 * without fileUrl). Attachment Objects of SubStatements count too (Data §2.4.11). Matching is by
 * SHA-2 only (§1.5.2.s1.b4); the same part may serve several Attachment Objects.
 */
export function matchAttachments(statements: Statement[], attachments: ReceivedAttachment[]): void {
  const received = new Set(attachments.map((attachment) => attachment.sha2));
  const declared = attachmentObjectsOf(statements);
  for (const attachment of declared) {
    if (attachment.fileUrl === undefined && !received.has(normalizedSha2(attachment))) {
      throw attachmentMismatch(
        `attachment "${attachment.sha2}" has no fileUrl and no multipart part with that X-Experience-API-Hash`,
      );
    }
  }
  const referenced = new Set(declared.map(normalizedSha2));
  for (const attachment of attachments) {
    if (!referenced.has(attachment.sha2)) {
      throw attachmentMismatch(
        `multipart part with X-Experience-API-Hash "${attachment.sha2}" is not the sha2 of any attachment in the statements`,
      );
    }
  }
}

/**
 * Communication §1.5.2.s2.b1: an application/json request can only carry Attachment Objects
 * that have a fileUrl; raw attachment data needs multipart/mixed.
 */
export function assertJsonRequestAttachments(statements: Statement[]): void {
  const withoutFileUrl = attachmentObjectsOf(statements).find((attachment) => attachment.fileUrl === undefined);
  if (withoutFileUrl !== undefined) {
    throw attachmentMismatch(
      `attachment "${withoutFileUrl.sha2}" has no fileUrl, so its data must be sent in a multipart/mixed request`,
    );
  }
}

/** The Attachment Objects of the statements and of their SubStatements. */
function attachmentObjectsOf(statements: Statement[]): Attachment[] {
  return statements.flatMap((statement) => {
    const subStatement = statement.object.objectType === 'SubStatement' ? statement.object : undefined;
    return [...(statement.attachments ?? []), ...(subStatement?.attachments ?? [])];
  });
}

function normalizedSha2(attachment: Attachment): string {
  return attachment.sha2.toLowerCase();
}
