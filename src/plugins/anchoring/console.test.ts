/**
 * The anchoring page of the admin console over HTTP, in the whole app with the in-memory chain,
 * signed in to the console as an operator would be: the summary, each batch's status, root, times,
 * transaction (linked to the explorer when STARKNET_EXPLORER_TX_URL is set) and error, paging,
 * and who may see it.
 */
import request from 'supertest';
import { loadAnchoringPlugin, openAnchorBatchStore, TEST_STARKNET_ENV } from '../../../test-support/anchoring';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { InMemoryChain } from '../../../test-support/in-memory-chain';
import { decodeHtml, signedInToConsole, type ConsoleAgent } from '../../../test-support/console-session';
import { csrfFieldOf } from '../../../test-support/people';
import { sampleStatement } from '../../../test-support/statements';
import type { AnchorBatch } from './batches/anchor-batch-store';
import type { CollectionAnchorBatchStore } from './batches/collection-anchor-batch-store';
import { ANCHORING_CONSOLE_PATH, batchStatus, CONSOLE_BATCH_PAGE } from './console';

const EXPLORER = 'https://explorer.test/tx/{tx}';

interface ConsoleLrs {
  lrs: TestLrs;
  chain: InMemoryChain;
  batches: CollectionAnchorBatchStore;
  /** One run of the anchoring job. */
  runJob(): Promise<void>;
  store(count: number): Promise<void>;
  close(): Promise<void>;
}

async function consoleLrs(env: Record<string, string>): Promise<ConsoleLrs> {
  const chain = new InMemoryChain();
  const lrs = await createTestLrs(env, [loadAnchoringPlugin(env, { chain })]);
  const job = lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')?.jobs.find((entry) => entry.name === 'anchor')?.job;
  return {
    lrs,
    chain,
    batches: await openAnchorBatchStore(lrs.storage.collections),
    runJob: () => job!.run(),
    store: async (count) => {
      const statements = Array.from({ length: count }, () => sampleStatement());
      await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(statements).expect(200);
    },
    close: () => lrs.close(),
  };
}

const shortHash = (hash: string) => `${hash.slice(0, 8)}…${hash.slice(-6)}`;

const textOf = (html: string) => decodeHtml(html.replace(/<[^>]+>/g, '')).trim();

/** The cells' text of each row of the batch table, keyed by batch number. */
function batchRows(html: string): Map<number, string[]> {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!));
  return new Map(rows.map((cells) => [Number(textOf(cells[0]!)), cells]));
}

/** The first definition list's terms and their text (the summary, or a batch's details). */
function definitionsOf(html: string): Record<string, string> {
  const list = /<dl>([\s\S]*?)<\/dl>/.exec(html)![1]!;
  const terms = [...list.matchAll(/<dt>([\s\S]*?)<\/dt>\s*<dd[^>]*>([\s\S]*?)<\/dd>/g)];
  return Object.fromEntries(terms.map((match) => [textOf(match[1]!), textOf(match[2]!)]));
}

describe('the anchoring page of the admin console', () => {
  describe('with anchoring on and a block explorer', () => {
    let on: ConsoleLrs;
    let agent: ConsoleAgent;
    beforeAll(async () => {
      const env = { ...TEST_STARKNET_ENV, ANCHOR_MAX_BATCH: '3', STARKNET_EXPLORER_TX_URL: EXPLORER };
      on = await consoleLrs(env);
      agent = await signedInToConsole(on.lrs);
      await on.store(3);
      await on.runJob(); // batch 0: recorded and sent
      await on.runJob(); // batch 0: anchored
      await on.store(2);
      await on.runJob(); // batch 1: recorded and sent (submitted)
      await on.store(1);
    });
    afterAll(() => on.close());

    it('is listed among the console\'s sections, after the core ones', async () => {
      const overview = await agent.get('/console').expect(200);
      const links = [...overview.text.matchAll(/<li><a href="(\/console[^"]*|\/plugins\/[^"]*)"/g)].map((match) => match[1]);
      expect(links).toContain(ANCHORING_CONSOLE_PATH);
      expect(links.indexOf(ANCHORING_CONSOLE_PATH)).toBeGreaterThan(links.indexOf('/console/profiles'));
      expect(overview.text).toContain(`<a href="${ANCHORING_CONSOLE_PATH}">Anchoring</a>`);
    });

    it('shows each batch, newest first, with its status, count, root, times and transaction linked to the explorer', async () => {
      const page = await agent.get(ANCHORING_CONSOLE_PATH).expect(200).expect('Content-Type', /text\/html/);
      const [anchored, submitted] = [(await on.batches.get(0))!, (await on.batches.get(1))!];
      const rows = batchRows(page.text);
      expect([...rows.keys()]).toEqual([1, 0]);

      const [seq0, status0, count0, created0, anchoredAt0, transaction0, error0] = rows.get(0)!;
      expect([status0, count0, transaction0, error0].map(textOf)).toEqual(['Anchored', '3', shortHash(anchored.transactionHash!), '—']);
      expect(seq0).toContain(`href="${ANCHORING_CONSOLE_PATH}/batches/0"`);
      expect(textOf(created0!)).toBe(`${anchored.recordedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`);
      expect(created0).toContain(`datetime="${anchored.recordedAt.toISOString()}"`);
      expect(anchoredAt0).toContain(`datetime="${anchored.anchoredAt!.toISOString()}"`);
      expect(transaction0).toContain(`href="https://explorer.test/tx/${anchored.transactionHash}"`);

      const [, status1, count1, , anchoredAt1, transaction1] = rows.get(1)!.map(textOf);
      expect([status1, count1, anchoredAt1, transaction1]).toEqual(['Submitted', '2', '—', shortHash(submitted.transactionHash!)]);
    });

    it('has a page per batch with its root, statements, transaction and anchor in full', async () => {
      const anchored = (await on.batches.get(0))!;
      const page = await agent.get(`${ANCHORING_CONSOLE_PATH}/batches/0`).expect(200);
      expect(page.text).toMatch(/<h1[^>]*>Batch 0<\/h1>/);
      expect(definitionsOf(page.text)).toEqual({
        Status: 'Anchored',
        Statements: '3',
        'First statement': `${anchored.first.id} (feed position ${anchored.first.position})`,
        'Last statement': `${anchored.last.id} (feed position ${anchored.last.position})`,
        'Merkle root': anchored.root,
        Created: expect.stringMatching(/ UTC$/),
        Transaction: anchored.transactionHash,
        Anchored: expect.stringMatching(/ UTC$/),
        'On chain': `AnchorRegistry batch 0, block 100, ACCEPTED_ON_L2`,
      });
      expect(page.text).toContain(`<a href="https://explorer.test/tx/${anchored.transactionHash}" rel="noopener noreferrer"><code>`);
      expect(/<code>([^]*?)<\/code>/.exec(page.text)?.[1]).toBe(anchored.root.match(/.{1,16}/g)!.join('<wbr/>')); // it may wrap on a phone

      const spanish = await agent.get(`${ANCHORING_CONSOLE_PATH}/batches/0?lang=es`).expect(200);
      expect(spanish.text).toMatch(/<h1[^>]*>Lote 0<\/h1>/);
      expect(definitionsOf(spanish.text)['Primera sentencia']).toBe(`${anchored.first.id} (posición ${anchored.first.position} del flujo)`);
      await agent.get(`${ANCHORING_CONSOLE_PATH}?lang=en`).expect(200); // the language chosen is remembered
    });

    it('answers a batch that does not exist with a 404 page, and a malformed number with a 400 page', async () => {
      const missing = await agent.get(`${ANCHORING_CONSOLE_PATH}/batches/99`).expect(404).expect('Content-Type', /text\/html/);
      expect(missing.text).toMatch(/<h1[^>]*>Page not found<\/h1>/);
      const malformed = await agent.get(`${ANCHORING_CONSOLE_PATH}/batches/x1`).expect(400).expect('Content-Type', /text\/html/);
      expect(decodeHtml(malformed.text)).toContain('"seq" must be one batch number, got "x1"');
    });

    it('sums up: statements waiting, when the last batch was anchored, no failures', async () => {
      const page = await agent.get(ANCHORING_CONSOLE_PATH).expect(200);
      const anchored = (await on.batches.get(0))!;
      expect(definitionsOf(page.text)).toEqual({
        'Statements waiting to be anchored': '3', // batch 1 (2, not anchored yet) and 1 not in a batch
        'Last batch anchored': expect.stringMatching(/ UTC$/),
        'Failing batches': 'None',
      });
      expect(/<dt>Last batch anchored<\/dt>\s*<dd>([\s\S]*?)<\/dd>/.exec(page.text)?.[1]).toContain(`datetime="${anchored.anchoredAt!.toISOString()}"`);
      expect(page.text).toContain('Anchoring is on');
    });

    it('shows a failed step with its error and the next attempt, in Spanish too', async () => {
      on.chain.failNextSends = 1;
      await on.runJob(); // batch 1 anchored; batch 2 recorded in the same run, its send fails
      const failed = (await on.batches.get(2))!;
      expect(failed.lastError).toBe('RPC unreachable');

      const page = await agent.get(ANCHORING_CONSOLE_PATH).expect(200);
      const [, status, count, , , transaction, error] = batchRows(page.text).get(2)!.map(textOf);
      expect([status, count, transaction, error]).toEqual(['Failed', '1', '—', 'RPC unreachable']);
      expect(definitionsOf(page.text)['Failing batches']).toBe('Batch 2 (retried by the anchoring job)');
      const details = definitionsOf((await agent.get(`${ANCHORING_CONSOLE_PATH}/batches/2`).expect(200)).text);
      expect(details).toMatchObject({ Status: 'Failed', Transaction: 'Not sent yet', Error: 'RPC unreachable' });
      expect(details['Next attempt']).toBe(`1 attempt failed; the next one is not before ${failed.nextAttemptAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`);

      const spanish = await agent.get(`${ANCHORING_CONSOLE_PATH}?lang=es`).expect(200);
      expect(spanish.text).toMatch(/<h1[^>]*>Anclaje<\/h1>/);
      expect(batchRows(spanish.text).get(2)!.map(textOf)[1]).toBe('Fallido');
      expect(definitionsOf(spanish.text)['Lotes con fallos']).toBe('Lote 2 (la tarea de anclaje los reintenta)');
    });

    it('sends visitors without a console session to sign in, HTTP Basic credentials included', async () => {
      for (const path of [ANCHORING_CONSOLE_PATH, `${ANCHORING_CONSOLE_PATH}/batches/0`]) {
        for (const visitor of [request(on.lrs.app).get(path), request(on.lrs.app).get(path).set('Authorization', on.lrs.auth)]) {
          const response = await visitor.expect(303);
          expect(response.headers.location).toBe(`/console/sign-in?next=${encodeURIComponent(path)}`);
          expect(response.text).not.toContain('Merkle');
        }
      }
    });

    it('comes back here once signed in from the sign-in page it sent the visitor to', async () => {
      const { key, secret } = await on.lrs.storage.credentials.create({ name: 'Returning Admin', scopes: ['admin'] });
      const visitor = request.agent(on.lrs.app);
      const signInPage = (await visitor.get(`${ANCHORING_CONSOLE_PATH}?before=1`).expect(303)).headers.location!;
      const form = await visitor.get(signInPage).expect(200);
      const next = decodeHtml(/name="next" value="([^"]+)"/.exec(form.text)![1]!);
      expect(next).toBe(`${ANCHORING_CONSOLE_PATH}?before=1`);
      const signedIn = await visitor.post('/console/sign-in').type('form').send({ _csrf: csrfFieldOf(form.text), key, secret, next }).expect(303);
      expect(signedIn.headers.location).toBe(`${ANCHORING_CONSOLE_PATH}?before=1`);
      expect([...batchRows((await visitor.get(signedIn.headers.location!).expect(200)).text).keys()]).toEqual([0]);
    });

    it('answers a bad `before` with a 400 page naming it, changing nothing', async () => {
      for (const before of ['abc', '-1', '1e3']) {
        const response = await agent.get(`${ANCHORING_CONSOLE_PATH}?before=${before}`).expect(400).expect('Content-Type', /text\/html/);
        expect(decodeHtml(response.text)).toContain(`"before" must be one batch number, got "${before}"`);
      }
      const twice = await agent.get(`${ANCHORING_CONSOLE_PATH}?before=1&before=2`).expect(400);
      expect(decodeHtml(twice.text)).toContain('"before" must be one batch number, got ["1","2"]');
    });

    it('leaves other methods to the plugin\'s API routes (404 NO_SUCH_RESOURCE)', async () => {
      const response = await request(on.lrs.app).post(ANCHORING_CONSOLE_PATH).set('Authorization', on.lrs.auth).expect(404);
      expect(response.body.code).toBe('NO_SUCH_RESOURCE');
    });
  });

  describe('paging', () => {
    let lrs: ConsoleLrs;
    let agent: ConsoleAgent;
    const total = CONSOLE_BATCH_PAGE + 5;
    beforeAll(async () => {
      lrs = await consoleLrs(TEST_STARKNET_ENV);
      agent = await signedInToConsole(lrs.lrs);
      for (let seq = 0; seq < total; seq++) await lrs.batches.record(recordedBatch(seq), []);
    });
    afterAll(() => lrs.close());

    it('shows the newest batches first, then older ones through a link, and back', async () => {
      const first = await agent.get(ANCHORING_CONSOLE_PATH).expect(200);
      const firstSeqs = [...batchRows(first.text).keys()];
      expect(firstSeqs).toEqual(Array.from({ length: CONSOLE_BATCH_PAGE }, (_, index) => total - 1 - index));
      const older = /<a href="([^"]+)">Older batches<\/a>/.exec(first.text)?.[1];
      expect(decodeHtml(older!)).toBe(`${ANCHORING_CONSOLE_PATH}?before=${firstSeqs.at(-1)}`);
      expect(first.text).not.toContain('Newest batches');

      const second = await agent.get(decodeHtml(older!)).expect(200);
      expect([...batchRows(second.text).keys()]).toEqual([4, 3, 2, 1, 0]);
      expect(second.text).not.toContain('Older batches');
      expect(second.text).toContain(`<a href="${ANCHORING_CONSOLE_PATH}">Newest batches</a>`);

      const beyond = await agent.get(`${ANCHORING_CONSOLE_PATH}?before=0`).expect(200);
      expect(batchRows(beyond.text).size).toBe(0);
      expect(beyond.text).toContain('No older batches.');
    });

    it('shows pending batches (recorded, not sent) as pending, without a transaction', async () => {
      const page = await agent.get(ANCHORING_CONSOLE_PATH).expect(200);
      const [, status, , , anchoredAt, transaction] = batchRows(page.text).get(total - 1)!.map(textOf);
      expect([status, anchoredAt, transaction]).toEqual(['Pending', '—', '—']);
    });
  });

  describe('with anchoring off', () => {
    let off: ConsoleLrs;
    beforeAll(async () => {
      off = await consoleLrs({});
    });
    afterAll(() => off.close());

    it('says how to turn it on, and that there is no batch yet', async () => {
      const agent = await signedInToConsole(off.lrs);
      const page = await agent.get(ANCHORING_CONSOLE_PATH).expect(200);
      expect(decodeHtml(page.text)).toContain('Anchoring is off on this LRS: set STARKNET_RPC_URL');
      expect(page.text).toContain('No batch yet');
      expect(definitionsOf(page.text)).toEqual({ 'Statements waiting to be anchored': '0', 'Last batch anchored': 'Never', 'Failing batches': 'None' });
      expect(page.text).not.toContain('<table');
    });
  });
});

describe('batchStatus', () => {
  const base = recordedBatch(0);
  it.each([
    ['pending', 'recorded, not sent', base],
    ['submitted', 'sent', { ...base, state: 'sent' as const, transactionHash: '0x1' }],
    ['anchored', 'anchored', { ...base, state: 'anchored' as const, transactionHash: '0x1' }],
    ['failed', 'recorded, its send failed', { ...base, lastError: 'RPC unreachable' }],
    ['failed', 'sent, its confirmation failed', { ...base, state: 'sent' as const, transactionHash: '0x1', lastError: 'RPC unreachable' }],
    ['anchored', 'anchored, an error kept', { ...base, state: 'anchored' as const, lastError: 'an old error' }],
  ])('is %s for a batch %s', (status, _what, batch) => {
    expect(batchStatus(batch)).toBe(status);
  });
});

function recordedBatch(seq: number): AnchorBatch {
  const at = new Date(Date.UTC(2026, 0, 1, 0, seq));
  return {
    seq,
    state: 'recorded',
    first: { id: `first-${seq}`, position: seq * 10 + 1 },
    last: { id: `last-${seq}`, position: seq * 10 + 10 },
    count: 10,
    root: `0x${(seq + 1).toString(16).padStart(64, '0')}`,
    recordedAt: at,
    attempts: 0,
    nextAttemptAt: at,
  };
}
