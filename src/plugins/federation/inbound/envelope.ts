/**
 * What a Keiko peer delivers to the inbox: `{ statements, provenance }`, one provenance per
 * statement, checked strictly (issue 15: hostile input is refused with a 400 naming the field,
 * nothing stored). The statements themselves are checked by the LRS when they are stored.
 */
import { BadRequestError, objectFields, parseAgentParameter, type HttpError } from '../../../plugin-api';
import type { DeliveryProvenance } from '../model';
import type { IncomingStatement } from './receiver';

export const INVALID_DELIVERY = 'INVALID_DELIVERY';

/** The most statements one delivery holds (FEDERATION_BATCH_SIZE is at most this). */
export const MAX_DELIVERY_STATEMENTS = 5000;
const MAX_HOPS = 32;
const MAX_URL_LENGTH = 2048;
/** A receipt is about 2 KB (docs/anchoring.md §4): anything far bigger is not one. */
const MAX_RECEIPT_BYTES = 16 * 1024;
const MAX_RECEIPT_DEPTH = 8;
const ISO_8601_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The delivery's statements with their provenance, or 400 INVALID_DELIVERY naming the field. */
export function parseDelivery(json: unknown): IncomingStatement[] {
  const envelope = objectFields(json, INVALID_DELIVERY, { known: ['statements', 'provenance'] });
  const statements = listField(envelope.statements, 'statements');
  const provenance = listField(envelope.provenance, 'provenance');
  if (provenance.length !== statements.length) {
    throw invalid(`provenance must hold one entry per statement: ${statements.length} statements, ${provenance.length} provenance entries`);
  }
  return statements.map((statement, index) => {
    const field = `statements[${index}]`;
    const checked = objectFields(statement, INVALID_DELIVERY, { path: field });
    if (typeof checked.id !== 'string') throw invalid(`${field}.id is required: a delivered statement keeps the id it has at its origin`);
    return { statement: checked, provenance: parseProvenance(provenance[index], `provenance[${index}]`) };
  });
}

export function parseProvenance(value: unknown, field: string): DeliveryProvenance {
  const entry = objectFields(value, INVALID_DELIVERY, { known: ['originLrs', 'originStored', 'originAuthority', 'hops', 'receipt'], path: field });
  const hops = entry.hops;
  if (!Array.isArray(hops) || hops.length === 0 || hops.length > MAX_HOPS) throw invalid(`${field}.hops must be a list of 1 to ${MAX_HOPS} LRS base URLs, origin first`);
  return {
    originLrs: httpUrl(entry.originLrs, `${field}.originLrs`),
    originStored: isoTime(entry.originStored, `${field}.originStored`),
    ...(entry.originAuthority !== undefined && { originAuthority: authority(entry.originAuthority, `${field}.originAuthority`) }),
    hops: hops.map((hop, index) => httpUrl(hop, `${field}.hops[${index}]`)),
    ...(entry.receipt !== undefined && { receipt: receipt(entry.receipt, `${field}.receipt`) }),
  };
}

function listField(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_DELIVERY_STATEMENTS) throw invalid(`${field} must be a list of 1 to ${MAX_DELIVERY_STATEMENTS} entries`);
  return value;
}

function httpUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || !/^https?:\/\/[^\s]+$/.test(value) || !URL.canParse(value)) {
    throw invalid(`${field} must be an http(s) URL of at most ${MAX_URL_LENGTH} characters`);
  }
  return value;
}

function isoTime(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ISO_8601_TIME.test(value) || Number.isNaN(Date.parse(value))) throw invalid(`${field} must be an ISO 8601 time with its offset, e.g. 2026-01-31T09:30:00.000Z`);
  return value;
}

/** An authority as xAPI allows one (Data 2.4.9): an Agent, or a Group of Agents (OAuth: the application and the user). */
export function authority(value: unknown, field: string): object {
  const actor = objectFields(value, INVALID_DELIVERY, { path: field });
  if (actor.objectType !== 'Group') return agent(actor, field);
  const { member, ...group } = actor;
  if (!Array.isArray(member) || member.length === 0 || member.length > 2) throw invalid(`${field}.member must list the Group's one or two Agents`);
  if (Object.keys(group).some((key) => key !== 'objectType' && key !== 'name')) throw invalid(`${field} must be an authority Group: objectType, name and member only`);
  return { ...group, member: member.map((one, index) => agent(one, `${field}.member[${index}]`)) };
}

function agent(value: unknown, field: string): object {
  try {
    return parseAgentParameter(JSON.stringify(value)).agent;
  } catch (error) {
    throw invalid(`${field} must be an Agent with exactly one identifier: ${(error as HttpError).message}`);
  }
}

/**
 * A receipt is checked by the verifier, not here; here only that it can be kept: a small JSON
 * object whose keys the document store takes (no `.`, no leading `$`).
 */
function receipt(value: unknown, field: string): object {
  const object = objectFields(value, INVALID_DELIVERY, { path: field });
  if (Buffer.byteLength(JSON.stringify(object)) > MAX_RECEIPT_BYTES) throw invalid(`${field} is larger than ${MAX_RECEIPT_BYTES} bytes; an anchoring receipt is about 2 KB`);
  const badKey = storableKeyProblem(object, MAX_RECEIPT_DEPTH);
  if (badKey !== undefined) throw invalid(`${field} ${badKey}`);
  return object;
}

function storableKeyProblem(value: unknown, depthLeft: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depthLeft === 0) return 'nests too deep for an anchoring receipt';
  for (const [key, inner] of Object.entries(value)) {
    if (!Array.isArray(value) && (key.includes('.') || key.startsWith('$') || key.includes('\0'))) return `has the key ${JSON.stringify(key.slice(0, 64))}, which no receipt has`;
    const problem = storableKeyProblem(inner, depthLeft - 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(INVALID_DELIVERY, message);
}
