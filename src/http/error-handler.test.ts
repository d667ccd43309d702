import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { rawBody, readJsonBody } from './body';
import { CollectionDocumentError, CollectionQueryError, UniqueIndexViolation } from '../storage/collections/collection-store';
import { errorHandler, notFoundHandler } from './error-handler';

/** Spec references are to xAPI-Communication.md (1.0.3). */

/** A minimal app: our body reader, a JSON route, a route with a path parameter and our handlers. */
function app(): express.Express {
  const server = express();
  server.use(rawBody(1024));
  server.post('/json', (req, res) => {
    res.json({ received: readJsonBody(req) });
  });
  server.get('/receipts/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  server.get('/boom', () => {
    throw new Error('not an HTTP error');
  });
  server.use(notFoundHandler());
  server.use(errorHandler(pino({ level: 'silent' })));
  return server;
}

/** Sends the bytes as they are (superagent would serialise a Buffer with a JSON Content-Type as JSON). */
function post(body: Buffer, headers: Record<string, string>) {
  return request(app())
    .post('/json')
    .set({ 'Content-Type': 'application/json', ...headers })
    .serialize((bytes: unknown) => bytes as string)
    .send(body as unknown as string);
}

const JSON_BYTES = Buffer.from('{"a":1}');

describe('errorHandler: errors of the body reader keep their 4xx status, in our format (Communication 3.2.s3.b6)', () => {
  it('accepts a gzip, deflate or br body that matches its Content-Encoding', async () => {
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(JSON_BYTES)],
      ['deflate', deflateSync(JSON_BYTES)],
      ['br', brotliCompressSync(JSON_BYTES)],
      ['identity', JSON_BYTES],
    ] as const) {
      const response = await post(bytes, { 'Content-Encoding': encoding });
      expect({ encoding, status: response.status, body: response.body }).toEqual({ encoding, status: 200, body: { received: { a: 1 } } });
    }
  });

  it('answers 400 INVALID_BODY, not 500, when the bytes do not match Content-Encoding: gzip', async () => {
    const response = await post(JSON_BYTES, { 'Content-Encoding': 'gzip' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code: 'INVALID_BODY',
      message: expect.stringMatching(/^The request body does not match its Content-Encoding "gzip": /),
    });
  });

  it('answers 400 for bytes that are not deflate or brotli either', async () => {
    for (const encoding of ['deflate', 'br']) {
      const response = await post(JSON_BYTES, { 'Content-Encoding': encoding });
      expect({ encoding, status: response.status, code: response.body.code }).toEqual({ encoding, status: 400, code: 'INVALID_BODY' });
    }
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a Content-Encoding it does not support', async () => {
    const response = await post(JSON_BYTES, { 'Content-Encoding': 'compress' });
    expect(response.status).toBe(415);
    expect(response.body).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/Content-Encoding "compress" is not supported/) });
  });

  it('answers 413 PAYLOAD_TOO_LARGE past the limit, also when the limit is reached while inflating (Communication 3.2.s3.b11)', async () => {
    expect((await post(Buffer.alloc(2000, 0x20), {})).body.code).toBe('PAYLOAD_TOO_LARGE');
    const bomb = await post(gzipSync(Buffer.alloc(100_000, 0x20)), { 'Content-Encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(bomb.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('errorHandler: a badly percent-encoded URL is 400 INVALID_PARAMETER, not 500', () => {
  it('for a path parameter', async () => {
    const response = await request(app()).get('/receipts/%ZZ');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/not valid percent-encoded UTF-8/) });
    expect((await request(app()).get('/receipts/%E0%A4%A')).status).toBe(400);
    expect((await request(app()).get('/receipts/%C3%A9')).body).toEqual({ id: 'é' });
  });

  it('for a query parameter, which the query parser would otherwise change silently', async () => {
    const response = await request(app()).get('/receipts/1?activityId=%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_PARAMETER');
    expect(response.body.message).toMatch(/"activityId"/);
  });
});

describe('errorHandler: anything else', () => {
  it('is a 500 INTERNAL_ERROR without details', async () => {
    const response = await request(app()).get('/boom');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
  });
});

describe('errorHandler: what the collection store refuses is the client\'s to fix', () => {
  function refusing(error: Error): express.Express {
    const server = express();
    server.get('/store', () => {
      throw error;
    });
    server.use(errorHandler(pino({ level: 'silent' })));
    return server;
  }

  it.each([
    [new UniqueIndexViolation('by_email'), 409, 'ALREADY_EXISTS', 'Something with these values already exists (by_email)'],
    [new CollectionDocumentError('the key "a.b" contains a dot'), 400, 'UNSTORABLE_VALUE', 'the key "a.b" contains a dot'],
    [new CollectionQueryError('limit must be from 1 to 1000'), 400, 'INVALID_PARAMETER', 'limit must be from 1 to 1000'],
  ])('%s → %i %s', async (error, status, code, message) => {
    const response = await request(refusing(error)).get('/store');
    expect({ status: response.status, body: response.body }).toEqual({ status, body: { code, message } });
  });
});
