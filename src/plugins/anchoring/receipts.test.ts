import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import pino from 'pino';
import request from 'supertest';
import { InMemoryChain } from '../../../test-support/in-memory-chain';
import { sampleStoredStatement } from '../../../test-support/statements';
import type { Credential } from '../../auth/credential-store';
import type { Scope } from '../../auth/scopes';
import { errorHandler, notFoundHandler } from '../../http/error-handler';
import { cronPeriodMs } from '../../jobs/cron-period';
import { loadOpenApiDocument } from '../../ops/api-docs';
import type { StoredStatement } from '../../xapi/types';
import type { AnchorBatch, AnchorBatchStore, AnchorLeaf } from './batches/anchor-batch-store';
import { statementDigest } from './core/digest';
import { leafOfDigest } from './core/merkle';
import { receiptSignerFromPrivateKey, verifyReceiptOffline } from './core/receipt';
import { ReceiptService } from './receipts';
import { anchoringRoutes } from './routes';

/**
 * GET /anchoring/receipts/{id} and POST /anchoring/verify through anchoringRoutes alone: which
 * credential gets which receipt, and the 404 codes (checked against openapi/openapi.yaml too).
 */

/** Batches in memory: what receipts read (leafOf, get, list). */
class MemoryBatches implements Partial<AnchorBatchStore> {
  readonly batches = new Map<number, AnchorBatch>();
  readonly leaves = new Map<string, AnchorLeaf>();

  /** A one-statement batch anchored on `chain`. */
  async anchor(statement: StoredStatement, chain: InMemoryChain): Promise<void> {
    const seq = this.batches.size + 1;
    const digest = statementDigest(statement).hex;
    const root = leafOfDigest(digest);
    const transactionHash = await chain.sendAnchor(root, 1);
    const found = (await chain.findAnchor(root))!;
    const position = { stored: statement.stored, id: statement.id } as unknown as AnchorBatch['first'];
    this.batches.set(seq, {
      seq,
      state: 'anchored',
      first: position,
      last: position,
      count: 1,
      root,
      transactionHash,
      anchor: found,
      recordedAt: new Date(),
      attempts: 1,
      nextAttemptAt: new Date(),
    });
    this.leaves.set(statement.id, { statementId: statement.id, seq, leafIndex: 0, digest, leaf: root, proof: [] });
  }

  async leafOf(statementId: string) {
    return this.leaves.get(statementId);
  }
  async get(seq: number) {
    return this.batches.get(seq);
  }
  async list() {
    return [...this.batches.values()].reverse();
  }
}

const ANCHOR_CRON = '*/2 * * * * *';
const MINE: Scope[] = ['statements/read/mine'];

interface Lrs {
  app: Express;
  /** Stores a statement as credential `owner` (nothing anchors it). */
  store(owner: string): StoredStatement;
  /** Stores and anchors a statement. */
  storeAnchored(owner: string): Promise<StoredStatement>;
}

/** The anchoring routes over in-memory statements; credentials are named by the `x-test-key` header. */
function createLrs(options: { anchoring: boolean; cron?: string }): Lrs {
  const chain = new InMemoryChain();
  const batches = new MemoryBatches();
  const owners = new Map<string, string>();
  const receipts = new ReceiptService({
    batches: batches as unknown as AnchorBatchStore,
    starknet: options.anchoring ? { chain, signer: receiptSignerFromPrivateKey('0x1234567890abcdef', '0x3456') } : undefined,
    lrsUrl: 'http://lrs.test/',
    anchoringPeriodMs: cronPeriodMs(options.cron ?? ANCHOR_CRON),
  });
  const scopes: Record<string, Scope[]> = { reader: ['statements/read'], admin: ['all'], ana: MINE, bob: MINE };
  const authenticate: RequestHandler = (req, _res, next) => {
    const key = req.get('x-test-key') ?? '';
    req.credential = { key, name: key, scopes: scopes[key] ?? [] } as unknown as Credential;
    next();
  };
  const app = express();
  app.use(
    anchoringRoutes({
      receipts,
      batches: batches as unknown as AnchorBatchStore,
      statementCredential: async (id) => owners.get(id),
      authenticate,
      bodyLimitBytes: 1 << 20,
    }),
  );
  app.use(notFoundHandler());
  app.use(errorHandler(pino({ level: 'silent' })));
  const store = (owner: string) => {
    const statement = sampleStoredStatement();
    owners.set(statement.id, owner);
    return statement;
  };
  return {
    app,
    store,
    storeAnchored: async (owner) => {
      const statement = store(owner);
      await batches.anchor(statement, chain);
      return statement;
    },
  };
}

const receipt = (lrs: Lrs, id: string, key: string) => request(lrs.app).get(`/anchoring/receipts/${id}`).set('x-test-key', key);

/** The documented 404 of GET /anchoring/receipts/{statementId}. */
const documented404 = (() => {
  const doc = loadOpenApiDocument() as { paths: Record<string, { get: { responses: Record<string, { description: string }> } }> };
  return doc.paths['/anchoring/receipts/{statementId}']!.get.responses['404']!.description;
})();

describe('GET /anchoring/receipts/{statementId}', () => {
  describe('with anchoring on', () => {
    const lrs = createLrs({ anchoring: true });

    it.each(['reader', 'admin'])('gives the %s credential the signed receipt of any anchored statement', async (key) => {
      const statement = await lrs.storeAnchored('ana');
      const response = await receipt(lrs, statement.id, key).expect(200);
      expect(response.body.statementId).toBe(statement.id);
      expect(verifyReceiptOffline(response.body, statement).every((check) => check.status === 'pass')).toBe(true);
    });

    it('gives a statements/read/mine credential the receipts of its own statements', async () => {
      const statement = await lrs.storeAnchored('ana');
      const response = await receipt(lrs, statement.id, 'ana').expect(200);
      expect(response.body.statementId).toBe(statement.id);
    });

    it("answers a statements/read/mine credential about another's statement as about one that does not exist", async () => {
      const others = await lrs.storeAnchored('bob');
      const missing = randomUUID();
      const forOthers = await receipt(lrs, others.id, 'ana').expect(404);
      const forMissing = await receipt(lrs, missing, 'ana').expect(404);
      expect(forOthers.body).toEqual({ code: 'NOT_FOUND', message: `No statement found for statementId=${others.id}` });
      expect(forMissing.body).toEqual({ code: 'NOT_FOUND', message: `No statement found for statementId=${missing}` });
      const notYetOthers = lrs.store('bob');
      expect((await receipt(lrs, notYetOthers.id, 'ana').expect(404)).body.code).toBe('NOT_FOUND');
    });

    it('answers NOT_FOUND for a statement that does not exist', async () => {
      expect((await receipt(lrs, randomUUID(), 'reader').expect(404)).body.code).toBe('NOT_FOUND');
    });

    it.each([
      ['*/2 * * * * *', 2_000],
      ['*/10 * * * *', 600_000],
    ])('with ANCHOR_CRON %s, expects the receipt of a statement not anchored yet within two job periods', async (cron, period) => {
      const lrs = createLrs({ anchoring: true, cron });
      for (const key of ['reader', 'ana']) {
        const statement = lrs.store('ana');
        const before = Date.now();
        const response = await receipt(lrs, statement.id, key).expect(404);
        const after = Date.now();
        expect(response.body.code).toBe('NOT_ANCHORED_YET');
        const expected = Date.parse(/expect a receipt by about (\S+)$/.exec(response.body.message)![1]!);
        expect(expected).toBeGreaterThanOrEqual(before + 2 * period);
        expect(expected).toBeLessThanOrEqual(after + 2 * period);
      }
    });
  });

  describe('with anchoring off', () => {
    const lrs = createLrs({ anchoring: false });

    it('answers ANCHORING_OFF, whatever the statement and the credential', async () => {
      const statement = lrs.store('ana');
      for (const [id, key] of [
        [statement.id, 'reader'],
        [statement.id, 'ana'],
        [statement.id, 'bob'],
        [randomUUID(), 'admin'],
      ] as const) {
        const response = await receipt(lrs, id, key).expect(404);
        expect(response.body).toEqual({ code: 'ANCHORING_OFF', message: 'Anchoring is off on this LRS (no Starknet settings)' });
      }
    });

    it('answers ANCHORING_OFF to POST /anchoring/verify of a well-formed receipt', async () => {
      const on = createLrs({ anchoring: true });
      const statement = await on.storeAnchored('ana');
      const signed = (await receipt(on, statement.id, 'reader').expect(200)).body;
      const response = await request(lrs.app).post('/anchoring/verify').send({ receipt: signed, statement }).expect(404);
      expect(response.body.code).toBe('ANCHORING_OFF');
    });
  });

  it('documents each 404 code it answers, and says which applies with anchoring off', () => {
    for (const code of ['NOT_FOUND', 'NOT_ANCHORED_YET', 'ANCHORING_OFF']) expect(documented404).toContain(`\`${code}\``);
    expect(documented404).toMatch(/`ANCHORING_OFF`[^`]*anchoring is off/i);
    expect(documented404).not.toMatch(/With anchoring off[^.]*`NOT_ANCHORED_YET`/i);
  });
});
