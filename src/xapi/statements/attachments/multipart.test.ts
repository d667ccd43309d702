import { expectHttpError } from '../../../../test-support/errors';
import { createHash, randomBytes } from 'node:crypto';
import { BadRequestCode } from '../../../errors';
import { buildMultipartMixed, mediaTypeOf, parseMultipartMixed, type PartToBuild } from './multipart';

// randomBytes stays real; one test forces a boundary collision through it.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, randomBytes: jest.fn(actual.randomBytes) };
});

const BOUNDARY = '-------314159265358979323846';
const CONTENT_TYPE = `multipart/mixed; boundary=${BOUNDARY}`;
const STATEMENT_JSON = '{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"}}';

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A body built the way most clients (and the ADL conformance suite) build one. */
function crlfBody(attachment: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n${STATEMENT_JSON}\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n`),
    Buffer.from(`X-Experience-API-Hash: ${sha256(attachment)}\r\n\r\n`),
    Buffer.from(attachment),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

function expectInvalidMultipart(run: () => unknown, message: RegExp): void {
  expectHttpError(run, { status: 400, code: BadRequestCode.InvalidMultipart, message });
}

describe('parseMultipartMixed', () => {
  it('Communication 1.5.2.s6 — parses the spec example (quoted boundary with special characters, no space after header colons)', () => {
    const boundary = "abcABC0123'()+_,-./:=?";
    const attachment = 'here is a simple attachment';
    const body = Buffer.from(
      `--${boundary}\r\nContent-Type:application/json\r\n\r\n${STATEMENT_JSON}\r\n` +
        `--${boundary}\r\nContent-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\n` +
        `X-Experience-API-Hash:495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a\r\n\r\n` +
        `${attachment}\r\n--${boundary}--`,
    );

    const parts = parseMultipartMixed(body, `multipart/mixed; boundary="${boundary}"`);

    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({ contentType: 'application/json', headers: { 'content-type': 'application/json' } });
    expect(parts[0].body.toString()).toBe(STATEMENT_JSON);
    expect(parts[1].headers).toEqual({
      'content-type': 'text/plain',
      'content-transfer-encoding': 'binary',
      'x-experience-api-hash': '495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a',
    });
    expect(sha256(parts[1].body)).toBe('495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a');
  });

  it('Communication 1.5.2 — parses the layout the ADL suite uses for signed statements (CRLF before the first boundary, nothing after the last)', () => {
    const jws = 'eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln';
    const body = Buffer.from(
      `\r\n--${BOUNDARY}\r\nContent-Type:application/json\r\n\r\n${STATEMENT_JSON}` +
        `\r\n--${BOUNDARY}\r\nContent-Type:application/octet-stream\r\nContent-Transfer-Encoding:binary\r\n` +
        `X-Experience-API-Hash:${sha256(jws)}\r\n\r\n${jws}\r\n--${BOUNDARY}--`,
    );

    const parts = parseMultipartMixed(body, CONTENT_TYPE);

    expect(parts.map((part) => part.body.toString())).toEqual([STATEMENT_JSON, jws]);
    expect(parts[1].contentType).toBe('application/octet-stream');
  });

  it('RFC 2046 5.1.1 — ignores a preamble before the first boundary and an epilogue after the closing one', () => {
    const body = Buffer.concat([
      Buffer.from(`This is the preamble.\r\nIt can mention --${BOUNDARY}-ish text mid-line.\r\n`),
      crlfBody('attachment'),
      Buffer.from(`This is the epilogue.\r\n--${BOUNDARY}\r\nnot a part\r\n`),
    ]);

    const parts = parseMultipartMixed(body, CONTENT_TYPE);

    expect(parts.map((part) => part.body.toString())).toEqual([STATEMENT_JSON, 'attachment']);
  });

  it('RFC 2046 5.1.1 — accepts transport padding (spaces and tabs) after boundary lines', () => {
    const body = Buffer.from(
      `--${BOUNDARY} \t\r\nContent-Type: application/json\r\n\r\n${STATEMENT_JSON}\r\n--${BOUNDARY}  \r\n` +
        `Content-Type: text/plain\r\n\r\nx\r\n--${BOUNDARY}-- \t\r\n`,
    );

    expect(parseMultipartMixed(body, CONTENT_TYPE).map((part) => part.body.toString())).toEqual([STATEMENT_JSON, 'x']);
  });

  it('RFC 2045 / RFC 5322 — header names are case-insensitive and folded header lines are unfolded', () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nCONTENT-TYPE: application/json\r\n\r\n{}\r\n` +
        `--${BOUNDARY}\r\ncontent-type: text/plain;\r\n charset=utf-8\r\nx-EXPERIENCE-api-HASH: ABC\r\n\r\ny\r\n--${BOUNDARY}--`,
    );

    const parts = parseMultipartMixed(body, CONTENT_TYPE);

    expect(parts[0].contentType).toBe('application/json');
    expect(parts[1].headers).toEqual({ 'content-type': 'text/plain; charset=utf-8', 'x-experience-api-hash': 'ABC' });
  });

  it('RFC 2045 5.1 — reads the boundary parameter in any case, quoted or not, among other parameters', () => {
    const body = crlfBody('a');

    for (const contentType of [
      `multipart/mixed;boundary=${BOUNDARY}`,
      `Multipart/Mixed; charset=utf-8; BOUNDARY="${BOUNDARY}"`,
      `multipart/mixed; boundary = ${BOUNDARY} ; foo=bar`,
    ]) {
      expect(parseMultipartMixed(body, contentType)).toHaveLength(2);
    }
  });

  it('Communication 1.5.2.s6.b3 — keeps binary content byte for byte, including CR, LF and partial boundaries', () => {
    const tricky = Buffer.concat([
      Buffer.from([0, 13, 10, 13, 13, 10, 10, 255, 45, 45]),
      Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}`), // a boundary that is one character short
      Buffer.from(`--${BOUNDARY}`), // the full boundary, but not at the start of a line
      Buffer.from(`\n--${BOUNDARY}\n`), // after a bare LF: not a delimiter in a CRLF body
      Buffer.from('\r\n\r\n'),
      randomBytes(4096),
      Buffer.from('\r\n-'),
    ]);

    const parts = parseMultipartMixed(crlfBody(tricky), CONTENT_TYPE);

    expect(parts).toHaveLength(2);
    expect(parts[1].body.equals(tricky)).toBe(true);
  });

  it('Communication 1.5.2.s6.b4 — tolerates a body that uses bare LF line breaks throughout', () => {
    const body = Buffer.from(
      `--${BOUNDARY}\nContent-Type: application/json\n\n${STATEMENT_JSON}\n` +
        `--${BOUNDARY}\nContent-Type: text/plain\n\nline one\r\nline two\n--${BOUNDARY}--\n`,
    );

    const parts = parseMultipartMixed(body, CONTENT_TYPE);

    expect(parts.map((part) => part.body.toString())).toEqual([STATEMENT_JSON, 'line one\r\nline two']);
  });

  it('RFC 2046 5.1.1 — accepts empty parts and parts without headers (default Content-Type text/plain)', () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n\r\n` +
        `--${BOUNDARY}\r\n\r\nno headers\r\n` +
        `--${BOUNDARY}\r\n\r\n--${BOUNDARY}--`,
    );

    const parts = parseMultipartMixed(body, CONTENT_TYPE);

    expect(parts.map((part) => part.body.toString())).toEqual(['', 'no headers', '']);
    expect(parts[1]).toMatchObject({ headers: {}, contentType: 'text/plain; charset=us-ascii' });
  });

  it('Communication 1.5.2 — parses multi-megabyte binary attachments quickly without copying them', () => {
    const big = randomBytes(8 * 1024 * 1024);
    const body = crlfBody(big);
    const started = Date.now();

    const parts = parseMultipartMixed(body, CONTENT_TYPE);

    expect(Date.now() - started).toBeLessThan(1000);
    expect(parts[1].body.equals(big)).toBe(true);
    expect(parts[1].body.buffer).toBe(body.buffer);
  });

  it('Communication 1.5.2 (ADL XAPI-00127) — rejects a media type other than multipart/mixed with 400', () => {
    expect(() => parseMultipartMixed(crlfBody('a'), `multipart/form-data; boundary=${BOUNDARY}`)).toThrow(
      expect.objectContaining({ status: 400, code: BadRequestCode.InvalidContentType }),
    );
  });

  it('Communication 1.5.2.s2.b2 (ADL XAPI-00131) — rejects a Content-Type without a boundary parameter', () => {
    expectInvalidMultipart(() => parseMultipartMixed(crlfBody('a'), 'multipart/mixed;'), /no boundary parameter/);
    expectInvalidMultipart(() => parseMultipartMixed(crlfBody('a'), 'multipart/mixed; boundary=""'), /boundary parameter is empty/);
  });

  it('Communication 1.5.2.s2.b2 — rejects a body in which the boundary never occurs', () => {
    expectInvalidMultipart(
      () => parseMultipartMixed(Buffer.from(`Content-Type: application/json\r\n\r\n${STATEMENT_JSON}`), CONTENT_TYPE),
      /does not contain the boundary/,
    );
  });

  it('Communication 1.5.2.s2.b2 — rejects a body without the closing boundary delimiter', () => {
    const truncated = Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n${STATEMENT_JSON}\r\n`);

    expectInvalidMultipart(() => parseMultipartMixed(truncated, CONTENT_TYPE), /no closing boundary/);
  });

  it('RFC 2046 5.1.1 — rejects a body whose only boundary is the closing one (no parts)', () => {
    expectInvalidMultipart(() => parseMultipartMixed(Buffer.from(`--${BOUNDARY}--\r\n`), CONTENT_TYPE), /has no parts/);
  });

  it('RFC 2046 5.1.1 — rejects a part without the blank line between headers and body', () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/json\r\n${STATEMENT_JSON}\r\n--${BOUNDARY}--`);

    expectInvalidMultipart(() => parseMultipartMixed(body, CONTENT_TYPE), /no blank line separating its headers/);
  });

  it('RFC 2046 5.1.1 — rejects a line that starts with the boundary but continues with other characters', () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{}\r\n--${BOUNDARY}X\r\n\r\nx\r\n--${BOUNDARY}--`,
    );

    expectInvalidMultipart(() => parseMultipartMixed(body, CONTENT_TYPE), /followed by other characters/);
  });

  it('RFC 2045 — rejects malformed and repeated part headers', () => {
    const malformed = Buffer.from(`--${BOUNDARY}\r\nContent-Type application/json\r\n\r\n{}\r\n--${BOUNDARY}--`);
    const repeated = Buffer.from(
      `--${BOUNDARY}\r\nContent-Type: application/json\r\ncontent-type: text/plain\r\n\r\n{}\r\n--${BOUNDARY}--`,
    );

    expectInvalidMultipart(() => parseMultipartMixed(malformed, CONTENT_TYPE), /malformed multipart part header line/);
    expectInvalidMultipart(() => parseMultipartMixed(repeated, CONTENT_TYPE), /more than one "content-type" header/);
  });
});

describe('buildMultipartMixed', () => {
  const parts: PartToBuild[] = [
    { headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"statements":[]}') },
    {
      headers: { 'Content-Type': 'image/png', 'Content-Transfer-Encoding': 'binary', 'X-Experience-API-Hash': 'abc' },
      body: randomBytes(1024),
    },
  ];

  it('Communication 2.1.3.s2.b6 — uses exactly "multipart/mixed; boundary=<boundary>" as the Content-Type', () => {
    const built = buildMultipartMixed(parts);

    expect(built.contentType).toMatch(/^multipart\/mixed; boundary=[0-9a-f]{32}$/);
  });

  it('Communication 1.5.2.s6.b4 — writes CRLF-delimited parts that parse back to the same headers and bytes', () => {
    const built = buildMultipartMixed(parts);
    const boundary = built.contentType.split('boundary=')[1];

    expect(built.body.subarray(0, boundary.length + 4).toString()).toBe(`--${boundary}\r\n`);
    expect(built.body.subarray(-(boundary.length + 8)).toString()).toBe(`\r\n--${boundary}--\r\n`);
    const parsed = parseMultipartMixed(built.body, built.contentType);
    expect(parsed.map((part) => part.headers)).toEqual([
      { 'content-type': 'application/json' },
      { 'content-type': 'image/png', 'content-transfer-encoding': 'binary', 'x-experience-api-hash': 'abc' },
    ]);
    expect(parsed[1].body.equals(parts[1].body)).toBe(true);
  });

  it('Communication 1.5.2.s6.b2 — chooses a boundary that does not occur in any part', () => {
    const collision = Buffer.alloc(16, 0xab);
    const fresh = Buffer.alloc(16, 0xcd);
    (randomBytes as unknown as jest.Mock<Buffer, [number]>).mockReturnValueOnce(collision).mockReturnValueOnce(fresh);

    const built = buildMultipartMixed([{ headers: {}, body: Buffer.from(`text ${collision.toString('hex')} text`) }]);

    expect(built.contentType).toBe(`multipart/mixed; boundary=${fresh.toString('hex')}`);
  });

  it('RFC 2045 — refuses header values containing line breaks (header injection)', () => {
    expect(() => buildMultipartMixed([{ headers: { 'Content-Type': 'text/plain\r\nX-Evil: 1' }, body: Buffer.alloc(0) }])).toThrow(
      /line break/,
    );
  });
});

describe('mediaTypeOf', () => {
  it('RFC 2045 5.1 — returns the lower-cased type/subtype without parameters', () => {
    expect(mediaTypeOf('Application/JSON; charset=UTF-8')).toBe('application/json');
    expect(mediaTypeOf(' application/octet-stream ')).toBe('application/octet-stream');
  });
});
