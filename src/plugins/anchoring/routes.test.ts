import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from '../../../test-support/anchoring';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { InMemoryChain } from '../../../test-support/in-memory-chain';
import { sampleStatement } from '../../../test-support/statements';
import type { StoredStatement } from '../../plugin-api';
import { verifyReceiptOffline } from './core/receipt';

/**
 * The anchoring plugin's routes over HTTP, in the whole app, at /plugins/anchoring: which
 * credential gets which receipt, the 404 codes (checked against the plugin's OpenAPI fragment
 * too), verification, the batch list, and the 308 from the former /anchoring paths.
 */
const BASE = '/plugins/anchoring';
const FAST_CRON = '*/2 * * * * *';

interface AnchoringLrs {
  lrs: TestLrs;
  /** Authorization headers: `reader` (statements/read), `ana` and `bob` (statements/read/mine and write), `writer` (statements/write only). */
  auth: Record<'admin' | 'reader' | 'ana' | 'bob' | 'writer', string>;
  /** Stores a statement as `who` over the xAPI; nothing anchors it. */
  store(who: 'ana' | 'bob'): Promise<StoredStatement>;
  /** Runs the anchoring job until every statement stored so far is anchored. */
  anchorAll(): Promise<void>;
  close(): Promise<void>;
}

async function anchoringLrs(options: { anchoring: boolean; cron?: string; env?: Record<string, string> }): Promise<AnchoringLrs> {
  const env = { ...(options.anchoring ? TEST_STARKNET_ENV : {}), ANCHOR_CRON: options.cron ?? FAST_CRON, ...options.env };
  const lrs = await createTestLrs(env, [loadAnchoringPlugin(env, { chain: new InMemoryChain() })]);
  const auth = {
    admin: lrs.auth,
    reader: await lrs.credential(['statements/read'], 'reader'),
    ana: await lrs.credential(['statements/read/mine', 'statements/write'], 'ana'),
    bob: await lrs.credential(['statements/read/mine', 'statements/write'], 'bob'),
    writer: await lrs.credential(['statements/write'], 'writer'),
  };
  const job = lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')?.jobs.find((entry) => entry.name === 'anchor')?.job;
  return {
    lrs,
    auth,
    store: async (who) => {
      const [id] = (await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth[who]).send(sampleStatement()).expect(200))
        .body as string[];
      const read = await request(lrs.app).get(`/xapi/statements?statementId=${id}&format=exact`).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(200);
      return read.body as StoredStatement;
    },
    anchorAll: async () => {
      for (let run = 0; run < 3; run++) await job!.run(); // records and sends, confirms, finds nothing more
    },
    close: () => lrs.close(),
  };
}

const get = (lrs: AnchoringLrs, url: string, who: keyof AnchoringLrs['auth']) => request(lrs.lrs.app).get(url).set('Authorization', lrs.auth[who]);
const receipt = (lrs: AnchoringLrs, id: string, who: keyof AnchoringLrs['auth']) => get(lrs, `${BASE}/receipts/${id}`, who);

const fragment = YAML.parse(readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
};

describe('the anchoring plugin with anchoring on', () => {
  let on: AnchoringLrs;
  let anas: StoredStatement;
  let bobs: StoredStatement;
  beforeAll(async () => {
    on = await anchoringLrs({ anchoring: true });
    anas = await on.store('ana');
    bobs = await on.store('bob');
    await on.anchorAll();
  });
  afterAll(async () => {
    await on.close();
  });

  describe(`GET ${BASE}/receipts/{statementId}`, () => {
    it.each(['reader', 'admin', 'ana'] as const)('gives %s the signed receipt of an anchored statement of ana', async (who) => {
      const response = await receipt(on, anas.id, who).expect(200);
      expect(response.body).toMatchObject({ type: 'XapiStarknetAnchorReceipt/v1', statementId: anas.id, issuer: { lrs: 'http://lrs.test' } });
      const checks = verifyReceiptOffline(response.body, anas);
      expect(checks.filter((check) => check.status !== 'pass')).toEqual([]);
    });

    it("answers a statements/read/mine credential about another's statement as about one that does not exist", async () => {
      const missing = randomUUID();
      expect((await receipt(on, bobs.id, 'ana').expect(404)).body).toEqual({ code: 'NOT_FOUND', message: `No statement found for statementId=${bobs.id}` });
      expect((await receipt(on, missing, 'ana').expect(404)).body).toEqual({ code: 'NOT_FOUND', message: `No statement found for statementId=${missing}` });
      const notAnchoredYet = await on.store('bob');
      expect((await receipt(on, notAnchoredYet.id, 'ana').expect(404)).body.code).toBe('NOT_FOUND');
    });

    it('answers NOT_FOUND for a statement that does not exist, and 400 for an id that is not a UUID', async () => {
      expect((await receipt(on, randomUUID(), 'reader').expect(404)).body.code).toBe('NOT_FOUND');
      expect((await receipt(on, 'not-a-uuid', 'reader').expect(400)).body.code).toBe('INVALID_PARAMETER');
      const badEncoding = await request(on.lrs.app).get(`${BASE}/receipts/%ZZ`).set('Authorization', on.auth.reader).expect(400);
      expect(badEncoding.body.code).toBe('INVALID_PARAMETER');
    });

    it('answers 401 without credentials and 403 to a credential that may not read statements', async () => {
      expect((await request(on.lrs.app).get(`${BASE}/receipts/${anas.id}`).expect(401)).body.code).toBe('UNAUTHORIZED');
      expect((await receipt(on, anas.id, 'writer').expect(403)).body.code).toBe('FORBIDDEN');
    });
  });

  it.each([
    [FAST_CRON, 2_000],
    ['*/10 * * * *', 600_000],
  ])('with ANCHOR_CRON %s, expects the receipt of a statement not anchored yet within two job periods', async (cron, period) => {
    const lrs = await anchoringLrs({ anchoring: true, cron });
    try {
      const statement = await lrs.store('ana');
      for (const who of ['reader', 'ana'] as const) {
        const before = Date.now();
        const response = await receipt(lrs, statement.id, who).expect(404);
        const after = Date.now();
        expect(response.body.code).toBe('NOT_ANCHORED_YET');
        const expected = Date.parse(/expect a receipt by about (\S+)$/.exec(response.body.message)![1]!);
        expect(expected).toBeGreaterThanOrEqual(before + 2 * period);
        expect(expected).toBeLessThanOrEqual(after + 2 * period);
      }
    } finally {
      await lrs.close();
    }
  });

  describe(`POST ${BASE}/verify`, () => {
    it('verifies a receipt with its statement against the chain, without credentials', async () => {
      const signed = (await receipt(on, anas.id, 'reader').expect(200)).body;
      const response = await request(on.lrs.app).post(`${BASE}/verify`).send({ receipt: signed, statement: anas }).expect(200);
      expect(response.body.verified).toBe(true);
      expect(response.body.checks.map((check: { name: string }) => check.name)).toEqual(['format', 'digest', 'leaf', 'proof', 'signature', 'root-on-chain']);
    });

    it('fails the digest check for a statement changed after it was anchored', async () => {
      const signed = (await receipt(on, anas.id, 'reader').expect(200)).body;
      const tampered = { ...anas, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } };
      const response = await request(on.lrs.app).post(`${BASE}/verify`).send({ receipt: signed, statement: tampered }).expect(200);
      expect(response.body.verified).toBe(false);
      expect(response.body.checks.find((check: { name: string }) => check.name === 'digest').status).toBe('fail');
    });

    it('answers 200 with a failed format check for something that is not a receipt', async () => {
      const response = await request(on.lrs.app).post(`${BASE}/verify`).send({ receipt: { type: 'nope' } }).expect(200);
      expect(response.body).toMatchObject({ verified: false, checks: [{ name: 'format', status: 'fail' }] });
    });

    it('answers 413 to a body over JSON_BODY_LIMIT_BYTES and 415 to a Content-Encoding it cannot decode', async () => {
      const small = await anchoringLrs({ anchoring: true, env: { JSON_BODY_LIMIT_BYTES: '1024' } });
      try {
        const large = await request(small.lrs.app).post(`${BASE}/verify`).send({ receipt: 'x'.repeat(2000) }).expect(413);
        expect(large.body.code).toBe('PAYLOAD_TOO_LARGE');
        const encoded = await request(small.lrs.app).post(`${BASE}/verify`).set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}').expect(415);
        expect(encoded.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      } finally {
        await small.close();
      }
    });

    it.each([
      ['an empty body', '', 'INVALID_JSON'],
      ['a body that is not JSON', '{"receipt": ', 'INVALID_JSON'],
      ['JSON without a receipt', '{"statement": {}}', 'INVALID_PARAMETER'],
      ['a JSON array', '[1]', 'INVALID_PARAMETER'],
    ])('answers 400 to %s', async (_what, body, code) => {
      const response = await request(on.lrs.app).post(`${BASE}/verify`).set('Content-Type', 'application/json').send(body).expect(400);
      expect(response.body.code).toBe(code);
    });
  });

  describe(`GET ${BASE}/batches`, () => {
    it('lists the batches newest first, without their statements, and pages with before', async () => {
      await on.store('ana');
      await on.anchorAll();
      const { batches } = (await get(on, `${BASE}/batches`, 'ana').expect(200)).body as { batches: Array<Record<string, unknown>> };
      expect(batches.map((batch) => batch.seq)).toEqual([1, 0]);
      expect(batches[1]).toMatchObject({ seq: 0, state: 'anchored', count: 2, attempts: 0, lastError: null, anchor: { onChainBatchId: '0' } });
      expect(Object.keys(batches[1]!).sort()).toEqual(['anchor', 'attempts', 'count', 'lastError', 'recordedAt', 'root', 'seq', 'state', 'transactionHash']);
      expect((await get(on, `${BASE}/batches?before=1`, 'reader').expect(200)).body.batches.map((batch: { seq: number }) => batch.seq)).toEqual([0]);
      expect((await get(on, `${BASE}/batches?before=0`, 'reader').expect(200)).body).toEqual({ batches: [] });
    });

    it.each([
      ['before=x', 'INVALID_PARAMETER'],
      ['before=1&before=2', 'INVALID_PARAMETER'],
      ['after=1', 'UNKNOWN_PARAMETER'],
    ])('answers 400 to ?%s', async (query, code) => {
      expect((await get(on, `${BASE}/batches?${query}`, 'reader').expect(400)).body.code).toBe(code);
    });

    it('needs credentials that may read statements', async () => {
      expect((await request(on.lrs.app).get(`${BASE}/batches`).expect(401)).body.code).toBe('UNAUTHORIZED');
      expect((await get(on, `${BASE}/batches`, 'writer').expect(403)).body.code).toBe('FORBIDDEN');
    });
  });

  it('answers 401 before 404 for any other path under it, and 404 NO_SUCH_RESOURCE with credentials', async () => {
    expect((await request(on.lrs.app).get(`${BASE}/nothing`).expect(401)).body.code).toBe('UNAUTHORIZED');
    expect((await get(on, `${BASE}/nothing`, 'reader').expect(404)).body.code).toBe('NO_SUCH_RESOURCE');
  });

  it('redirects the former /anchoring paths there with 308, keeping the query', async () => {
    const response = await get(on, `/anchoring/batches?before=1`, 'reader').expect(308);
    expect(response.headers.location).toBe(`${BASE}/batches?before=1`);
    const post = await request(on.lrs.app).post('/anchoring/verify').send({ receipt: {} }).expect(308);
    expect(post.headers.location).toBe(`${BASE}/verify`);
  });
});

describe('the anchoring plugin with anchoring off', () => {
  let off: AnchoringLrs;
  beforeAll(async () => {
    off = await anchoringLrs({ anchoring: false });
  });
  afterAll(async () => {
    await off.close();
  });

  it('runs no job', () => {
    expect(off.lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')?.jobs).toEqual([]);
  });

  it('answers ANCHORING_OFF, whatever the statement and the credential', async () => {
    const statement = await off.store('ana');
    for (const [id, who] of [
      [statement.id, 'reader'],
      [statement.id, 'ana'],
      [statement.id, 'bob'],
      [randomUUID(), 'admin'],
    ] as const) {
      const response = await receipt(off, id, who).expect(404);
      expect(response.body).toEqual({ code: 'ANCHORING_OFF', message: 'Anchoring is off on this LRS (no Starknet settings)' });
    }
  });

  it('answers ANCHORING_OFF to the verification of a well-formed receipt', async () => {
    const on = await anchoringLrs({ anchoring: true });
    try {
      const statement = await on.store('ana');
      await on.anchorAll();
      const signed = (await receipt(on, statement.id, 'reader').expect(200)).body;
      const response = await request(off.lrs.app).post(`${BASE}/verify`).send({ receipt: signed, statement }).expect(404);
      expect(response.body.code).toBe('ANCHORING_OFF');
    } finally {
      await on.close();
    }
  });
});

it('documents each 404 code a receipt request gets, and says which applies with anchoring off', () => {
  const documented = fragment.paths['/receipts/{statementId}']!.get!.responses['404']!.description;
  for (const code of ['NOT_FOUND', 'NOT_ANCHORED_YET', 'ANCHORING_OFF']) expect(documented).toContain(`\`${code}\``);
  expect(documented).toMatch(/`ANCHORING_OFF`[^`]*anchoring is off/i);
  expect(documented).not.toMatch(/With anchoring off[^.]*`NOT_ANCHORED_YET`/i);
});
