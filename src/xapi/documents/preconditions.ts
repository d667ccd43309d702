import { PreconditionFailedError } from '../../errors';
import type { DocumentMeta } from './document-storage';

/**
 * The If-Match and If-None-Match request headers (Communication 3.1, RFC 7232 §3.1–3.2): `*` or
 * a list of entity tags, held as lower-case tag values without quotes.
 */
export interface Preconditions {
  ifMatch?: EntityTags;
  ifNoneMatch?: EntityTags;
}

export type EntityTags = '*' | { strong: string[]; weak: string[] };

/** Reads the two headers; blank headers count as absent. */
export function parsePreconditions(ifMatch: string | undefined, ifNoneMatch: string | undefined): Preconditions {
  const preconditions: Preconditions = {};
  if (ifMatch?.trim()) preconditions.ifMatch = parseEntityTags(ifMatch);
  if (ifNoneMatch?.trim()) preconditions.ifNoneMatch = parseEntityTags(ifNoneMatch);
  return preconditions;
}

export function hasPreconditions(preconditions: Preconditions): boolean {
  return preconditions.ifMatch !== undefined || preconditions.ifNoneMatch !== undefined;
}

/**
 * Throws PreconditionFailedError (412) unless the stored document (undefined: none) satisfies
 * the preconditions. If-Match compares strongly, so weak tags never match it; If-None-Match
 * compares weakly (RFC 7232 §2.3.2). Tags are compared without regard to case, and unquoted tags
 * are accepted, as some clients send the bare SHA-1 (Communication 3.1.s3.b4 asks them not to).
 */
export function checkPreconditions(current: DocumentMeta | undefined, preconditions: Preconditions): void {
  const { ifMatch, ifNoneMatch } = preconditions;
  if (ifMatch !== undefined && !(current !== undefined && (ifMatch === '*' || ifMatch.strong.includes(current.etag)))) {
    throw new PreconditionFailedError(
      current === undefined
        ? 'If-Match was given but the document does not exist'
        : `If-Match does not match the document's current ETag "${current.etag}"; it was changed since you read it`,
    );
  }
  if (ifNoneMatch !== undefined && current !== undefined && (ifNoneMatch === '*' || matchesWeakly(ifNoneMatch, current.etag))) {
    throw new PreconditionFailedError(
      ifNoneMatch === '*'
        ? 'If-None-Match: * was given but the document already exists'
        : `If-None-Match matches the document's current ETag "${current.etag}"`,
    );
  }
}

function parseEntityTags(header: string): EntityTags {
  if (header.trim() === '*') return '*';
  const tags: { strong: string[]; weak: string[] } = { strong: [], weak: [] };
  for (const item of header.split(',')) {
    const tag = item.trim();
    if (tag === '') continue;
    const weak = /^W\//.test(tag);
    const value = unquote(weak ? tag.slice(2) : tag).toLowerCase();
    (weak ? tags.weak : tags.strong).push(value);
  }
  return tags;
}

function unquote(tag: string): string {
  return tag.length >= 2 && tag.startsWith('"') && tag.endsWith('"') ? tag.slice(1, -1) : tag;
}

function matchesWeakly(tags: { strong: string[]; weak: string[] }, etag: string): boolean {
  return tags.strong.includes(etag) || tags.weak.includes(etag);
}
