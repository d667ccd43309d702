/**
 * What plugins get from the platform beyond their own stores: recording statements as the LRS
 * (PluginStatements.record) and the services plugins offer one another (PluginServices), with
 * two small plugins defined here, over HTTP on the whole LRS.
 */
import os from 'node:os';
import { Router } from 'express';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { definePlugin, type AnchoringState, type KeikoPlugin, type PluginContext, type StatementReceipts } from '../../plugin-api';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from '../../../test-support/anchoring';
import { InMemoryChain } from '../../../test-support/in-memory-chain';
import type { LoadedPlugin } from './load';

const PENDING: AnchoringState = { state: 'pending' };

const fakeReceipts: StatementReceipts = {
  statesOf: async (ids) => new Map(ids.map((id) => [id, PENDING])),
  receiptOf: async () => undefined,
};

function testPlugin(name: string, setup: (context: PluginContext) => ReturnType<KeikoPlugin['setup']>): LoadedPlugin {
  const manifest = { name, version: '1.0.0', description: `${name} (a test plugin)`, profiles: [], scopes: {}, stores: {}, jobs: [] };
  return { plugin: definePlugin({ manifest, setup }), folder: os.tmpdir(), settings: undefined };
}

/** Asks for the receipts service on each request, and records a statement on POST /record. */
const asker = testPlugin('asker', (context) => {
  const routes = Router();
  routes.get('/state/:id', async (req, res) => {
    const receipts = context.service('receipts');
    res.json(receipts === undefined ? { offered: false } : { offered: true, states: Object.fromEntries(await receipts.statesOf([req.params.id!])) });
  });
  routes.get('/receipt/:id', async (req, res) => {
    res.json({ receipt: (await context.service('receipts')?.receiptOf(req.params.id!)) ?? null });
  });
  routes.post('/verify/:id', context.http.jsonBody(), async (req, res) => {
    const verifier = context.service('receiptVerifier');
    const { statement } = (await context.statements.get(String(req.params.id)))!;
    const checked = req.query.tampered === '1' ? { ...statement, result: { success: false } } : statement;
    res.json(verifier === undefined ? { offered: false } : { offered: true, checks: await verifier.verify(req.body, checked) });
  });
  routes.get('/institution/:key', async (req, res) => {
    res.json({ institution: (await context.people.institutionOf(req.params.key!)) ?? null });
  });
  routes.post('/record', context.http.jsonBody(), async (req, res) => {
    res.status(201).json({ ids: await context.statements.record([req.body as object]) });
  });
  return { routes };
});

const offerer = testPlugin('offerer', () => ({ services: { receipts: fakeReceipts } }));

const statement = {
  actor: { mbox: 'mailto:ana@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
  object: { id: 'https://example.org/activities/platform' },
};

describe('a service one plugin offers another', () => {
  let lrs: TestLrs | undefined;
  afterEach(() => lrs?.close());

  it('is found when called, even when the plugin that offers it is set up after the one that asks', async () => {
    lrs = await createTestLrs({}, [asker, offerer]);
    const response = await request(lrs.app).get('/plugins/asker/state/abc');
    expect(response.body).toEqual({ offered: true, states: { abc: { state: 'pending' } } });
  });

  it('is undefined while no plugin offers it', async () => {
    lrs = await createTestLrs({}, [asker]);
    expect((await request(lrs.app).get('/plugins/asker/state/abc')).body).toEqual({ offered: false });
  });

  it('may be offered by one plugin only: a second one stops the LRS, naming both', async () => {
    const second = testPlugin('second', () => ({ services: { receipts: fakeReceipts } }));
    await expect(createTestLrs({}, [offerer, second])).rejects.toThrow('Plugin "second": setup().services offers "receipts", which the plugin "offerer" offers already');
  });
});

describe('a statement a plugin records', () => {
  let lrs: TestLrs;
  beforeAll(async () => {
    lrs = await createTestLrs({}, [asker]);
  });
  afterAll(() => lrs.close());

  it('is stored with the LRS as its authority, under an account naming the plugin (Data 2.4.9)', async () => {
    const recorded = await request(lrs.app).post('/plugins/asker/record').send(statement);
    expect(recorded.status).toBe(201);
    const [id] = recorded.body.ids as string[];
    const stored = await request(lrs.app).get('/xapi/statements').query({ statementId: id }).set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER);
    expect(stored.body.authority).toEqual({ objectType: 'Agent', name: 'Keiko LRS', account: { homePage: 'http://lrs.test', name: 'plugin/asker' } });
    expect(stored.body.verb.id).toBe(statement.verb.id);
  });

  it('is validated like any other: an invalid one is refused with its 400 and nothing is stored', async () => {
    const before = await request(lrs.app).get('/xapi/statements').set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER);
    const refused = await request(lrs.app).post('/plugins/asker/record').send({ ...statement, verb: { id: 'not an IRI' } });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('INVALID_STATEMENT');
    const after = await request(lrs.app).get('/xapi/statements').set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER);
    expect(after.body.statements).toHaveLength(before.body.statements.length);
  });
});

/** Records statements on POST /record?applied=1 and says whether its own onEvents had them by then. */
const applier = testPlugin('applier', (context) => {
  const handled = new Set<string>();
  const routes = Router();
  routes.post('/record', context.http.jsonBody(), async (req, res) => {
    const ids = await context.statements.record([req.body as object], { applied: req.query.applied === '1' });
    res.status(201).json({ handled: ids.every((id) => handled.has(id)) });
  });
  return {
    routes,
    onEvents: async (events) => {
      for (const event of events) if (event.type === 'stored') handled.add(event.statement.id);
    },
  };
});

describe('a statement a plugin records with `applied`', () => {
  let lrs: TestLrs;
  beforeAll(async () => {
    lrs = await createTestLrs({}, [applier]);
    lrs.services.events.start();
  });
  afterAll(async () => {
    await lrs.services.events.stop();
    await lrs.close();
  });

  it('is handled by the plugin\'s own onEvents before record resolves', async () => {
    expect((await request(lrs.app).post('/plugins/applier/record?applied=1').send(statement)).body).toEqual({ handled: true });
  });
});

/** Handles events only once `release()` is called; GET /caught-up?ms= answers statements.caughtUp(ms). */
function gatedPlugin(): { plugin: LoadedPlugin; release: () => void } {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  const plugin = testPlugin('gated', (context) => {
    const routes = Router();
    routes.get('/caught-up', async (req, res) => res.json({ caughtUp: await context.statements.caughtUp(Number(req.query.ms)) }));
    return { routes, onEvents: () => opened };
  });
  return { plugin, release };
}

describe('statements.caughtUp', () => {
  it("says whether the plugin's own onEvents has handled every statement stored before the call, waiting at most the time given", async () => {
    const gated = gatedPlugin();
    const lrs = await createTestLrs({}, [gated.plugin]);
    lrs.services.events.start();
    try {
      await request(lrs.app).post('/xapi/statements').set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER).send(statement).expect(200);
      expect((await request(lrs.app).get('/plugins/gated/caught-up?ms=200')).body).toEqual({ caughtUp: false });
      gated.release();
      expect((await request(lrs.app).get('/plugins/gated/caught-up?ms=5000')).body).toEqual({ caughtUp: true });
    } finally {
      await lrs.services.events.stop();
      await lrs.close();
    }
  });
});

describe('people.institutionOf', () => {
  let lrs: TestLrs | undefined;
  afterEach(() => lrs?.close());

  it('names the account homePages an administrator recorded for a credential, and nothing for other credentials', async () => {
    lrs = await createTestLrs({}, [asker]);
    const school = await lrs.credential(['statements/write'], 'School LMS');
    const key = Buffer.from(school.split(' ')[1]!, 'base64').toString().split(':')[0]!;
    expect((await request(lrs.app).get(`/plugins/asker/institution/${key}`)).body).toEqual({ institution: null });
    await request(lrs.app).put(`/people/institutions/${key}`).set('Authorization', lrs.auth).send({ homePages: ['https://school.example'] }).expect(200);
    expect((await request(lrs.app).get(`/plugins/asker/institution/${key}`)).body).toEqual({ institution: { homePages: ['https://school.example'] } });
    await request(lrs.app).delete(`/people/institutions/${key}`).set('Authorization', lrs.auth).expect(204);
    expect((await request(lrs.app).get(`/plugins/asker/institution/${key}`)).body).toEqual({ institution: null });
  });
});

describe('the anchoring plugin\'s receipts service', () => {
  let lrs: TestLrs | undefined;
  afterEach(() => lrs?.close());

  it('says pending until the statement\'s batch is anchored, then anchored with its receipt', async () => {
    lrs = await createTestLrs(TEST_STARKNET_ENV, [loadAnchoringPlugin(TEST_STARKNET_ENV, { chain: new InMemoryChain() }), asker]);
    const posted = await request(lrs.app).post('/xapi/statements').set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER).send(statement);
    const [id] = posted.body as string[];
    expect((await request(lrs.app).get(`/plugins/asker/state/${id}`)).body.states).toEqual({ [id!]: { state: 'pending' } });
    expect((await request(lrs.app).get(`/plugins/asker/receipt/${id}`)).body).toEqual({ receipt: null });

    const anchor = lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')!.jobs[0]!.job;
    await anchor.run(); // records the batch
    await anchor.run(); // finds it anchored
    const { states } = (await request(lrs.app).get(`/plugins/asker/state/${id}`)).body;
    expect(states[id!]).toEqual({ state: 'anchored', receiptUrl: `http://lrs.test/plugins/anchoring/receipts/${id}`, transactionHash: expect.stringMatching(/^0x/) });
    const { receipt } = (await request(lrs.app).get(`/plugins/asker/receipt/${id}`)).body;
    expect(receipt).toMatchObject({ statementId: id, anchor: { transactionHash: states[id!].transactionHash } });

    const verified = (await request(lrs.app).post(`/plugins/asker/verify/${id}`).send(receipt)).body;
    expect(verified.checks.map(({ name, status }: { name: string; status: string }) => `${name} ${status}`)).toEqual(
      expect.arrayContaining(['format pass', 'digest pass', 'signature pass', 'root-on-chain pass']),
    );
    expect(verified.checks.every(({ status }: { status: string }) => status !== 'fail')).toBe(true);
    const tampered = (await request(lrs.app).post(`/plugins/asker/verify/${id}?tampered=1`).send(receipt)).body;
    expect(tampered.checks).toContainEqual(expect.objectContaining({ name: 'digest', status: 'fail' }));
  });

  it('is not offered while anchoring is off; receipts can still be checked offline (receiptVerifier)', async () => {
    lrs = await createTestLrs({}, [loadAnchoringPlugin({}), asker]);
    expect((await request(lrs.app).get('/plugins/asker/state/abc')).body).toEqual({ offered: false });
    const [id] = (await request(lrs.app).post('/xapi/statements').set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER).send(statement)).body as string[];
    const checked = (await request(lrs.app).post(`/plugins/asker/verify/${id}`).send({ not: 'a receipt' })).body;
    expect(checked).toEqual({ offered: true, checks: [expect.objectContaining({ name: 'format', status: 'fail' })] });
  });
});
