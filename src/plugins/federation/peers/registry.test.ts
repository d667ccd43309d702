import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Peer } from '../model';
import { peerView, remoteLrsOf } from './registry';

const LIMITS = { timeoutMs: 2_000, maxResponseBytes: 1024 };
const PEER: Peer = {
  slug: 'universidad-sur',
  name: 'Universidad del Sur',
  kind: 'xapi',
  outboundCredentials: { key: 'keiko-at-sur', secret: 's3cr3t' },
  inboundCredentialKeys: [],
  createdAt: '2026-12-03T09:00:00.000Z',
};

describe("a peer's remote client (remoteLrsOf)", () => {
  let server: http.Server;
  const authorizations: Array<string | undefined> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      authorizations.push(req.headers.authorization);
      req.resume().on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('["a"]'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => void authorizations.splice(0));
  const endpoint = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/xapi`;

  it('uses the credentials this LRS holds at the peer, and none when it holds none', async () => {
    await remoteLrsOf({ ...PEER, endpoint: endpoint() }, LIMITS).postStatements([{ id: 'a' }], []);
    const { outboundCredentials: _none, ...withoutCredentials } = PEER;
    await remoteLrsOf({ ...withoutCredentials, endpoint: endpoint() }, LIMITS).postStatements([{ id: 'a' }], []);
    expect(authorizations).toEqual([`Basic ${Buffer.from('keiko-at-sur:s3cr3t').toString('base64')}`, undefined]);
  });

  it('is not made for a peer without an endpoint (a forward-only or Caliper sender)', () => {
    expect(() => remoteLrsOf(PEER, LIMITS)).toThrow('Peer universidad-sur has no endpoint');
  });
});

describe('peerView', () => {
  it('shows the key of the credentials used at the peer, never the secret', () => {
    expect(peerView(PEER)).toEqual({ ...PEER, outboundCredentials: { key: 'keiko-at-sur' } });
    const { outboundCredentials: _none, ...withoutCredentials } = PEER;
    expect(peerView(withoutCredentials)).toEqual(withoutCredentials);
  });
});
