import { PreconditionFailedError } from '../../errors';
import type { DocumentMeta } from './document-storage';
import { checkPreconditions, hasPreconditions, parsePreconditions } from './preconditions';

const ETAG = 'a'.repeat(40);
const stored: DocumentMeta = { contentType: 'application/json', etag: ETAG, updated: new Date() };

function passes(ifMatch: string | undefined, ifNoneMatch: string | undefined, exists = true): boolean {
  try {
    checkPreconditions(exists ? stored : undefined, parsePreconditions(ifMatch, ifNoneMatch));
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
}

describe('parsePreconditions', () => {
  it('treats missing and blank headers as absent', () => {
    expect(hasPreconditions(parsePreconditions(undefined, undefined))).toBe(false);
    expect(hasPreconditions(parsePreconditions('  ', ''))).toBe(false);
    expect(hasPreconditions(parsePreconditions(undefined, '*'))).toBe(true);
  });

  it('reads *, lists of quoted tags, weak tags and bare tags', () => {
    expect(parsePreconditions('*', ' * ')).toEqual({ ifMatch: '*', ifNoneMatch: '*' });
    expect(parsePreconditions('"ABC", W/"def" ,ghi,', undefined)).toEqual({
      ifMatch: { strong: ['abc', 'ghi'], weak: ['def'] },
    });
  });
});

describe('checkPreconditions (Communication 3.1, RFC 7232)', () => {
  it('If-Match passes for the current ETag, quoted or bare, in any case, alone or in a list', () => {
    expect(passes(`"${ETAG}"`, undefined)).toBe(true);
    expect(passes(ETAG.toUpperCase(), undefined)).toBe(true);
    expect(passes(`"other", "${ETAG}"`, undefined)).toBe(true);
    expect(passes('*', undefined)).toBe(true);
  });

  it('If-Match fails for another ETag, for a weak tag, and whenever there is no document', () => {
    expect(passes('"other"', undefined)).toBe(false);
    expect(passes(`W/"${ETAG}"`, undefined)).toBe(false);
    expect(passes('*', undefined, false)).toBe(false);
    expect(passes(`"${ETAG}"`, undefined, false)).toBe(false);
  });

  it('If-None-Match fails when the document exists (*) or has a listed ETag, weak or strong', () => {
    expect(passes(undefined, '*')).toBe(false);
    expect(passes(undefined, `W/"${ETAG}"`)).toBe(false);
    expect(passes(undefined, `"${ETAG}"`)).toBe(false);
    expect(passes(undefined, '"other"')).toBe(true);
    expect(passes(undefined, '*', false)).toBe(true);
  });

  it('both headers must pass', () => {
    expect(passes(`"${ETAG}"`, '"other"')).toBe(true);
    expect(passes(`"${ETAG}"`, '*')).toBe(false);
  });
});
