import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { streamBody } from './stream-body';

/**
 * streamBody over a real HTTP server: what a client sees when the body fails part way, and that a
 * client that does not read holds the producer back (memory stays bounded).
 */
let server: http.Server;
let base: string;
let produce: () => AsyncIterable<string>;
const failures: unknown[] = [];

beforeAll(async () => {
  const app = express();
  app.get('/body', async (_req, res) => {
    res.set('Content-Type', 'application/json');
    await streamBody(res, produce(), (error) => failures.push(error));
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => (failures.length = 0));

it('sends every piece, in order, as one chunked body', async () => {
  produce = async function* () {
    yield '[1';
    for (let n = 2; n <= 1000; n++) yield `,${n}`;
    yield ']';
  };
  const response = await fetch(`${base}/body`);
  expect(response.headers.get('transfer-encoding')).toBe('chunked');
  expect(await response.json()).toEqual(Array.from({ length: 1000 }, (_, index) => index + 1));
  expect(failures).toEqual([]);
});

it('cuts the response off when a piece fails after the status line went out: the client sees an error, never a complete body', async () => {
  produce = async function* () {
    yield '{"statements":[1,2,3';
    await new Promise((resolve) => setTimeout(resolve, 20));
    throw new Error('the database went away');
  };
  const response = await fetch(`${base}/body`);
  expect(response.status).toBe(200);
  await expect(response.text()).rejects.toThrow(/terminated/);
  expect(failures).toEqual([expect.objectContaining({ message: 'the database went away' })]);
});

it('reads the next piece only as the client takes them: a client that stops reading stops the producer', async () => {
  let produced = 0;
  let finished = false;
  const piece = 'x'.repeat(16 * 1024);
  produce = async function* () {
    try {
      for (; produced < 10_000; produced++) yield piece; // 160 MB if nothing held it back
    } finally {
      finished = true;
    }
  };
  const request = http.get(`${base}/body`);
  const response = await new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
  response.pause();
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The socket's buffers and the stream's 64 KiB: a few MB at most.
  expect(produced).toBeLessThan(300);
  request.destroy();
  await waitFor(() => finished);
  expect(produced).toBeLessThan(300);
  expect(failures).toEqual([]); // a client that went away is no failure
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
