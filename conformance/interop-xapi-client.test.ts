import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import XAPI from '@xapi/xapi';
import { createTestLrs, type TestLrs } from '../test-support/app';

/**
 * Drives the LRS with @xapi/xapi, the client library LMS plugins and cmi5 content use,
 * over a real HTTP socket: what a client library sends must work without special cases.
 */
let lrs: TestLrs;
let server: http.Server;
let xapi: XAPI;

beforeAll(async () => {
  lrs = await createTestLrs();
  server = http.createServer(lrs.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const [key, secret] = Buffer.from(lrs.auth.slice('Basic '.length), 'base64').toString().split(':');
  xapi = new XAPI({ endpoint: `http://127.0.0.1:${port}/xapi/`, auth: XAPI.toBasicAuth(key!, secret!), adapter: 'fetch' });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await lrs.close();
});

const learner = () => ({ objectType: 'Agent' as const, mbox: `mailto:${randomUUID()}@example.org`, name: 'Learner' });
const statementBy = (actor: ReturnType<typeof learner>, activity = `http://example.org/activities/${randomUUID()}`) => ({
  actor,
  verb: XAPI.Verbs.COMPLETED,
  object: { objectType: 'Activity' as const, id: activity, definition: { name: { 'en-US': 'Quiz' } } },
  result: { score: { scaled: 0.9 }, completion: true },
});

describe('interoperability with @xapi/xapi', () => {
  it('reads About', async () => {
    const about = await xapi.getAbout();
    expect(about.data.version).toContain('1.0.3');
  });

  it('sends a statement, reads it back by id and by agent', async () => {
    const actor = learner();
    const sent = await xapi.sendStatement({ statement: statementBy(actor) });
    const [id] = sent.data;
    const fetched = await xapi.getStatement({ statementId: id! });
    expect(fetched.data.actor).toEqual(actor);
    const byAgent = await xapi.getStatements({ agent: actor });
    expect(byAgent.data.statements.map((s) => s.id)).toEqual([id]);
  });

  it('pages with getMoreStatements', async () => {
    const actor = learner();
    await xapi.sendStatements({ statements: Array.from({ length: 5 }, () => statementBy(actor)) });
    const first = await xapi.getStatements({ agent: actor, limit: 2 });
    expect(first.data.statements).toHaveLength(2);
    const more = async (link: string) => (await xapi.getMoreStatements({ more: link })).data as typeof first.data;
    const second = await more(first.data.more!);
    expect(second.statements).toHaveLength(2);
    const third = await more(second.more!);
    expect(third.statements).toHaveLength(1);
    expect(third.more).toBe('');
  });

  it('voids a statement and reads it as voided', async () => {
    const actor = learner();
    const [id] = (await xapi.sendStatement({ statement: statementBy(actor) })).data;
    await xapi.voidStatement({ actor, statementId: id! });
    const voided = await xapi.getVoidedStatement({ voidedStatementId: id! });
    expect(voided.data.id).toBe(id);
    await expect(xapi.getStatement({ statementId: id! })).rejects.toBeDefined();
  });

  it('sends a statement with an attachment and gets the attachment back', async () => {
    const content = new TextEncoder().encode('certificate of completion');
    const { createHash } = await import('node:crypto');
    const sha2 = createHash('sha256').update(content).digest('hex');
    const statement = {
      ...statementBy(learner()),
      attachments: [
        {
          usageType: 'http://adlnet.gov/expapi/attachments/certificate',
          display: { 'en-US': 'Certificate' },
          contentType: 'text/plain',
          length: content.byteLength,
          sha2,
        },
      ],
    };
    const [id] = (await xapi.sendStatement({ statement, attachments: [content.buffer] })).data;
    const withAttachments = await xapi.getStatement({ statementId: id!, attachments: true });
    const parts = withAttachments.data as unknown as [unknown, ...unknown[]];
    expect(parts).toHaveLength(2);
    expect(String(parts[1])).toBe('certificate of completion');
  });
});
