/**
 * RemoteLrs against real HTTP servers: a Keiko LRS on a port (an xAPI 1.0.3 LRS: the happy path,
 * 409 and 400), and tiny node:http servers behaving as hostile peers do (issue 15: slow, 5xx,
 * garbage, a redirect to another host, a huge answer).
 */
import { createHash, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import { sampleStatement } from '../../../../test-support/statements';
import { sameStatement } from '../../../plugin-api';
import { inboxUrlOf, isRemoteOutcome, keikoBaseOf, RemoteLrs, type RemoteLrsOptions, type RemoteStatement, type RemoteStatementsPage } from './remote-lrs';

const LIMITS = { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024 };

function listen(handler: http.RequestListener): Promise<Server> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function urlOf(server: Server, host = '127.0.0.1'): string {
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A peer that answers every request with `answer` and remembers what it was asked. */
async function hostilePeer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];
  const server = await listen((req, res) => {
    requests.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    req.on('end', () => answer(req, res));
  });
  return { server, requests, endpoint: `${urlOf(server)}/xapi` };
}

function expectUnavailable(outcome: unknown, reason: RegExp, status?: number) {
  expect(isRemoteOutcome(outcome)).toBe(true);
  expect(outcome).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(reason), ...(status !== undefined && { status }) });
}

describe('RemoteLrs with a real xAPI LRS (Keiko on a port)', () => {
  let lrs: TestLrs;
  let server: Server;
  let remote: RemoteLrs;
  let options: RemoteLrsOptions;

  beforeAll(async () => {
    lrs = await createTestLrs({ PLUGINS: 'none' });
    server = await listen(lrs.app);
    const { key, secret } = await lrs.storage.credentials.create({ name: 'college', scopes: ['all'] });
    options = { endpoint: `${urlOf(server)}/xapi`, credentials: { key, secret }, ...LIMITS };
    remote = new RemoteLrs(options);
  });
  afterAll(async () => {
    await close(server);
    await lrs.close();
  });

  it('posts statements and answers accepted with their ids; the remote stores them as sent', async () => {
    const statements = [sampleStatement({ id: randomUUID() }), sampleStatement({ id: randomUUID() })];
    const outcome = await remote.postStatements(statements, []);
    expect(outcome).toEqual({ kind: 'accepted', ids: statements.map(({ id }) => id) });
    const read = (await remote.getStatement(statements[1]!.id as string)) as RemoteStatement;
    expect(sameStatement(read.statement, statements[1]!)).toBe(true);
    expect(read.attachments).toEqual([]);
  });

  it('sends attachments with the statements (multipart/mixed, Communication 1.5.2) and reads them back', async () => {
    const content = Buffer.from('certificate of completion, signed');
    const sha2 = createHash('sha256').update(content).digest('hex');
    const statement = sampleStatement({
      id: randomUUID(),
      attachments: [{ usageType: 'http://example.org/attachment-usage/certificate', display: { 'en-US': 'Certificate' }, contentType: 'text/plain', length: content.length, sha2 }],
    });
    expect(await remote.postStatements([statement], [{ sha2, contentType: 'text/plain', content }])).toEqual({ kind: 'accepted', ids: [statement.id] });
    const read = (await remote.getStatement(statement.id as string)) as RemoteStatement;
    expect(read.attachments).toEqual([{ sha2, contentType: 'text/plain', content }]);
  });

  it('a different statement under an id the remote holds is refused 409 with its body (Data 2.3.1)', async () => {
    const statement = sampleStatement({ id: randomUUID() });
    await remote.postStatements([statement], []);
    const outcome = await remote.postStatements([{ ...statement, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } }], []);
    expect(outcome).toMatchObject({ kind: 'refused', status: 409, body: expect.stringContaining(statement.id as string) });
  });

  it('the same statement sent again is accepted (the remote is idempotent by id)', async () => {
    const statement = sampleStatement({ id: randomUUID() });
    await remote.postStatements([statement], []);
    expect(await remote.postStatements([statement], [])).toEqual({ kind: 'accepted', ids: [statement.id] });
  });

  it('an invalid statement is refused 400 with the remote’s explanation', async () => {
    const outcome = await remote.postStatements([{ ...sampleStatement(), verb: { display: { en: 'no id' } } }], []);
    expect(outcome).toMatchObject({ kind: 'refused', status: 400, body: expect.stringMatching(/verb/) });
  });

  it('reads every page by following more, then has no more', async () => {
    const registration = randomUUID();
    const statements = Array.from({ length: 5 }, () => sampleStatement({ id: randomUUID(), context: { registration } }));
    for (const statement of statements) await remote.postStatements([statement], []); // one stored time each: a defined order
    const ids: string[] = [];
    let page = (await remote.getStatements(`statements?registration=${registration}&ascending=true&limit=2`)) as RemoteStatementsPage;
    ids.push(...page.statements.map((statement) => (statement as { id: string }).id));
    while (page.more !== undefined) {
      expect(page.more).toMatch(/^\/xapi\/statements\?/);
      page = (await remote.getStatements(page.more)) as RemoteStatementsPage;
      ids.push(...page.statements.map((statement) => (statement as { id: string }).id));
    }
    expect(ids).toEqual(statements.map(({ id }) => id));
  });

  it('an id the remote does not hold reads as undefined; a voided one is still read', async () => {
    expect(await remote.getStatement(randomUUID())).toBeUndefined();
    const target = sampleStatement({ id: randomUUID() });
    await remote.postStatements([target], []);
    await remote.postStatements([sampleStatement({ id: randomUUID(), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: target.id } })], []);
    expect(((await remote.getStatement(target.id as string)) as RemoteStatement).statement).toMatchObject({ id: target.id });
  });

  it('wrong credentials make the peer unavailable (401), not the statements refused', async () => {
    const wrong = new RemoteLrs({ ...options, credentials: { key: options.credentials!.key, secret: 'wrong' } });
    expectUnavailable(await wrong.postStatements([sampleStatement()], []), /refused our credentials \(401\)/, 401);
  });
});

describe('RemoteLrs with hostile peers (issue 15)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });
  async function peer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
    const made = await hostilePeer(answer);
    servers.push(made.server);
    return made;
  }

  it('sends X-Experience-API-Version 1.0.3 and HTTP Basic credentials', async () => {
    const { endpoint, requests } = await peer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('["a"]'));
    await new RemoteLrs({ endpoint, credentials: { key: 'k', secret: 's' }, ...LIMITS }).postStatements([{ id: 'a' }], []);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/xapi/statements', headers: { 'x-experience-api-version': '1.0.3', authorization: `Basic ${Buffer.from('k:s').toString('base64')}`, 'content-type': 'application/json' } });
  });

  it('a peer answering too slowly is unavailable after the timeout (headers late, or a body that trickles)', async () => {
    const late = await peer((_req, res) => void setTimeout(() => res.end('[]'), 20_000).unref());
    const trickling = await peer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[');
      setTimeout(() => res.end(']'), 20_000).unref();
    });
    for (const { endpoint } of [late, trickling]) {
      const started = Date.now();
      expectUnavailable(await new RemoteLrs({ endpoint, timeoutMs: 300, maxResponseBytes: 1024 }).postStatements([{}], []), /no whole answer within 0.3 s/);
      expect(Date.now() - started).toBeLessThan(10_000); // the peer would answer after 20 s
    }
  });

  it.each([500, 502, 503, 429, 403])('a peer answering %i is unavailable with its status and body', async (status) => {
    const { endpoint } = await peer((_req, res) => res.writeHead(status).end(`status ${status}`));
    const outcome = await new RemoteLrs({ endpoint, ...LIMITS }).postStatements([{}], []);
    expectUnavailable(outcome, /./, status);
    expect(outcome).toMatchObject({ body: `status ${status}` });
  });

  it.each([
    ['HTML instead of ids', 'text/html', '<html>Welcome to nginx</html>'],
    ['ids that are not strings', 'application/json', '[1, 2]'],
    ['too few ids for the statements sent', 'application/json', '["only-one"]'],
  ])('a POST answered 200 with garbage (%s) is unavailable with a reason', async (_what, type, text) => {
    const { endpoint } = await peer((_req, res) => res.writeHead(200, { 'Content-Type': type }).end(text));
    const outcome = await new RemoteLrs({ endpoint, ...LIMITS }).postStatements([{ id: 'a' }, { id: 'b' }], []);
    expectUnavailable(outcome, /the remote answered/, 200);
    expect(outcome).toMatchObject({ body: text });
  });

  it.each([
    ['HTML', 'text/html', '<html></html>', /unreadable statements body/],
    ['JSON that is no StatementResult', 'application/json', '{"results": []}', /other than a StatementResult/],
    ['statements that are not objects', 'application/json', '{"statements": [1]}', /other than a StatementResult/],
    ['a more that is not a string', 'application/json', '{"statements": [], "more": 3}', /more is not a string/],
    ['broken multipart', 'multipart/mixed; boundary=xyz', '--xyz\r\nContent-Type: application/json\r\n\r\n{"statements":[]}', /unreadable statements body/],
  ])('a GET answered 200 with garbage (%s) is unavailable with a reason', async (_what, type, text, reason) => {
    const { endpoint } = await peer((_req, res) => res.writeHead(200, { 'Content-Type': type }).end(text));
    expectUnavailable(await new RemoteLrs({ endpoint, ...LIMITS }).getStatements('statements?since=2026-01-01T00:00:00Z'), reason, 200);
  });

  it('never follows a redirect to another host: nothing (no credentials) reaches it', async () => {
    const elsewhere = await peer((_req, res) => res.writeHead(200).end('["a"]'));
    const redirecting = await peer((_req, res) => res.writeHead(307, { Location: `${urlOf(elsewhere.server, 'localhost')}/xapi/statements` }).end());
    const remote = new RemoteLrs({ endpoint: redirecting.endpoint, credentials: { key: 'k', secret: 's' }, ...LIMITS });
    expectUnavailable(await remote.postStatements([{ id: 'a' }], []), /redirected to another origin \(http:\/\/localhost:\d+\): not followed/, 307);
    expectUnavailable(await remote.getStatements('statements'), /redirected to another origin/, 307);
    expect(elsewhere.requests).toEqual([]);
  });

  it('follows a redirect within the endpoint’s origin, making the headers again for the new URL (a signature covers it)', async () => {
    const { endpoint, requests } = await peer((req, res) => {
      if (req.url === '/xapi/statements') res.writeHead(308, { Location: '/v2/xapi/statements' }).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end('["a"]');
    });
    const outcome = await new RemoteLrs({ endpoint, ...LIMITS }).postStatements([{ id: 'a' }], [], { headers: ({ url, body }) => ({ 'X-Signed-For': `${new URL(url).pathname} ${body.length}` }) });
    expect(outcome).toEqual({ kind: 'accepted', ids: ['a'] });
    expect(requests.map(({ method, url, headers }) => [method, url, headers['x-signed-for']])).toEqual([
      ['POST', '/xapi/statements', '/xapi/statements 12'],
      ['POST', '/v2/xapi/statements', '/v2/xapi/statements 12'],
    ]);
  });

  it('does not turn a POST into a GET (302, 303) nor loop through redirects for ever', async () => {
    const seeOther = await peer((_req, res) => res.writeHead(303, { Location: '/xapi/elsewhere' }).end());
    expectUnavailable(await new RemoteLrs({ endpoint: seeOther.endpoint, ...LIMITS }).postStatements([{}], []), /resend it as a GET/, 303);
    const looping = await peer((_req, res) => res.writeHead(307, { Location: '/xapi/statements' }).end());
    expectUnavailable(await new RemoteLrs({ endpoint: looping.endpoint, ...LIMITS }).postStatements([{}], []), /more than 5 redirects/, 307);
    expect(looping.requests).toHaveLength(6);
  });

  it('refuses a more link pointing at another origin without asking it', async () => {
    const elsewhere = await peer((_req, res) => res.writeHead(200).end('{"statements":[]}'));
    const { endpoint } = await peer((_req, res) => res.writeHead(200).end());
    expectUnavailable(await new RemoteLrs({ endpoint, ...LIMITS }).getStatements(`${urlOf(elsewhere.server)}/xapi/statements?more=1`), /not at the endpoint's origin/);
    expectUnavailable(await new RemoteLrs({ endpoint, ...LIMITS }).getStatements(`//localhost:1/xapi/statements?more=1`), /not at the endpoint's origin/);
    expect(elsewhere.requests).toEqual([]);
  });

  it('stops reading a huge answer at the size limit (declared, or streamed without a length)', async () => {
    const declared = await peer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(50 * 1024 * 1024) }).end());
    const streamed = await peer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const write = (left: number): void => void (left > 0 && !res.destroyed ? res.write(chunk, () => write(left - 1)) : res.end());
      write(800); // 50 MiB
    });
    for (const { endpoint } of [declared, streamed]) {
      const started = Date.now();
      expectUnavailable(await new RemoteLrs({ endpoint, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 }).getStatements('statements'), /answered more than 1048576 bytes/, 200);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it('a peer that is not listening is unavailable (network failure)', async () => {
    const gone = await listen(() => undefined);
    const endpoint = `${urlOf(gone)}/xapi`;
    await close(gone);
    expectUnavailable(await new RemoteLrs({ endpoint, ...LIMITS }).postStatements([{}], []), /network failure \(ECONNREFUSED\)/);
  });

  it('keeps at most 4 KiB of a refusal’s body', async () => {
    const { endpoint } = await peer((_req, res) => res.writeHead(400).end('e'.repeat(10_000)));
    const outcome = await new RemoteLrs({ endpoint, ...LIMITS }).postStatements([{}], []);
    expect(outcome).toMatchObject({ kind: 'refused', status: 400 });
    expect((outcome as { body: string }).body).toHaveLength(4096);
  });
});

describe('where a Keiko peer takes deliveries', () => {
  it('is its endpoint without /xapi, followed by the inbox path', () => {
    expect(inboxUrlOf({ endpoint: 'https://college.example/xapi' })).toBe('https://college.example/plugins/federation/inbox');
    expect(inboxUrlOf({ endpoint: 'https://college.example/lrs/xapi/' })).toBe('https://college.example/lrs/plugins/federation/inbox');
    expect(keikoBaseOf({ endpoint: 'http://127.0.0.1:8080/xapi' })).toBe('http://127.0.0.1:8080');
  });
});
