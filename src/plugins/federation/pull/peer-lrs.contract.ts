/**
 * The peer a pull reads in tests: a real Keiko LRS (SQLite, no plugins) listening on a port, behind
 * a proxy the test turns hostile — down (connections cut, as when the peer crashed), restarted (the
 * next `more` link is refused, as by an LRS whose links do not survive a restart; then normal),
 * never honouring `more` links, sending them to another host, or garbage. Named `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../../test-support/app';
import { buildStatementsBody, type StatementAttachmentPart } from '../../../plugin-api';

export type PeerBehaviour = 'normal' | 'down' | 'restarted' | 'never-more' | 'more-elsewhere' | 'garbage';

export interface PeerLrs {
  lrs: TestLrs;
  /** The proxy's xAPI base URL: what the pulling LRS registers as the peer's endpoint. */
  endpoint: string;
  credentials: { key: string; secret: string };
  behaviour: PeerBehaviour;
  /** GET requests the proxy has seen, their path and query. */
  requests: string[];
  /** Stores one batch (one stored time for all), with attachments when given; returns the ids. */
  store(statements: object[], attachments?: StatementAttachmentPart[]): Promise<string[]>;
  /** Every statement the peer holds, oldest first, as GET /statements gives them. */
  statements(): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

export async function startPeerLrs(): Promise<PeerLrs> {
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = 'sqlite';
  const lrs = await createTestLrs({ PLUGINS: 'none' }).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  const issued = await lrs.storage.credentials.create({ name: 'pulling LRS', scopes: ['statements/read'] });
  const server = lrs.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const peer: PeerLrs = {
    lrs,
    endpoint: '',
    credentials: { key: issued.key, secret: issued.secret },
    behaviour: 'normal',
    requests: [],
    async store(statements, attachments = []) {
      const { contentType, body } = buildStatementsBody(statements, attachments);
      const response = await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).set('Content-Type', contentType).send(attachments.length === 0 ? statements : body);
      expect([response.status, response.text]).toEqual([200, expect.stringMatching(/^\[/)]); // the reason when refused
      return response.body as string[];
    },
    async statements() {
      const all = [];
      for (let next = '/xapi/statements?ascending=true'; next !== ''; ) {
        const page = await request(lrs.app).get(next).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(200);
        all.push(...page.body.statements);
        next = page.body.more;
      }
      return all;
    },
    async close() {
      await new Promise((resolve) => proxy.close(resolve));
      await new Promise((resolve) => server.close(resolve));
      await lrs.close();
    },
  };
  const proxy = http.createServer((incoming, response) => answer(peer, target, incoming, response));
  proxy.listen(0, '127.0.0.1');
  await new Promise((resolve) => proxy.once('listening', resolve));
  peer.endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/xapi`;
  return peer;
}

function answer(peer: PeerLrs, target: string, incoming: http.IncomingMessage, response: http.ServerResponse): void {
  peer.requests.push(incoming.url!);
  const behaviour = peer.behaviour;
  if (behaviour === 'down') return void incoming.socket.destroy();
  if (behaviour === 'garbage') return void response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"statements": [1, 2');
  if ((behaviour === 'restarted' || behaviour === 'never-more') && incoming.url!.includes('more=')) {
    if (behaviour === 'restarted') peer.behaviour = 'normal';
    return void response.writeHead(400, { 'Content-Type': 'application/json' }).end('{"code":"INVALID_CURSOR","message":"The \\"more\\" cursor is not one this LRS issued"}');
  }
  const forward = http.request(`${target}${incoming.url}`, { method: incoming.method, headers: incoming.headers }, (answered) => {
    if (behaviour !== 'more-elsewhere' || !(answered.headers['content-type'] ?? '').startsWith('application/json')) {
      response.writeHead(answered.statusCode!, answered.headers);
      return void answered.pipe(response);
    }
    const chunks: Buffer[] = [];
    answered.on('data', (chunk: Buffer) => chunks.push(chunk));
    answered.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof body.more === 'string' && body.more !== '') body.more = `http://elsewhere.example${body.more}`;
      response.writeHead(answered.statusCode!, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  incoming.pipe(forward);
}
