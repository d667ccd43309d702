/**
 * The inbox over HTTP on the whole LRS, on both engines (issue 15: "nothing is lost or duplicated
 * on the way"; "between two Keiko instances the sender can sign its deliveries so the receiver
 * can tell which peer sent them"; hostile input refused, nothing stored, no 5xx).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { DeliveryProvenance } from '../model';
import { envelopeOf, originProvenance, originStatement, startInboundLrs, type InboundHarness, type TestPeer } from './harness.contract';

describe.each(TEST_ENGINES)('the inbox on %s', (engine) => {
  let harness: InboundHarness;
  let keiko: TestPeer;

  beforeAll(async () => {
    harness = await startInboundLrs(engine);
    keiko = await harness.addPeer('keiko', { endpoint: 'https://origin.example/xapi' });
  }, 60_000);
  afterAll(() => harness.close());

  it('a peer delivering the same statements twice stores each once, with one provenance (idempotent by id)', async () => {
    const statements = [originStatement(), originStatement()];
    const first = await harness.deliver(keiko, envelopeOf(statements));
    expect([first.status, first.body]).toEqual([200, statements.map((statement) => statement.id)]);
    const again = await harness.deliver(keiko, envelopeOf(statements));
    expect([again.status, again.body]).toEqual([200, statements.map((statement) => statement.id)]);

    for (const statement of statements) {
      expect((await harness.lrs.statements({ agent: JSON.stringify(statement.actor) })).map((stored) => stored.id)).toEqual([statement.id]);
      const provenance = await harness.provenance(statement.id);
      expect([provenance.status, provenance.body]).toEqual([
        200,
        expect.objectContaining({ statementId: statement.id, peer: keiko.peer.slug, via: 'inbox', originLrs: 'https://origin.example', originStored: statement.stored, hops: ['https://origin.example'] }),
      ]);
    }
  });

  it('a different statement under a stored id is refused 409, and nothing of its delivery is stored (Data 2.3.1)', async () => {
    const stored = originStatement();
    await harness.deliver(keiko, envelopeOf([stored])).expect(200);
    const other = { ...stored, verb: { id: 'http://adlnet.gov/expapi/verbs/failed', display: { en: 'failed' } } };
    const companion = originStatement();
    const refused = await harness.deliver(keiko, envelopeOf([companion, other]));
    expect([refused.status, refused.body.code]).toEqual([409, expect.any(String)]);
    expect((await harness.statement(stored.id))!.verb.id).toBe(stored.verb.id);
    expect(await harness.statement(companion.id)).toBeUndefined();
    expect((await harness.provenance(companion.id)).status).toBe(404);
  });

  describe('a Keiko peer must sign its deliveries (401 with its code, nothing stored)', () => {
    const refusedWith = async (response: { status: number; body: { code?: string } }, statement: Record<string, any>) => {
      expect(await harness.statement(statement.id)).toBeUndefined();
      return [response.status, response.body.code];
    };

    it('unsigned', async () => {
      const statement = originStatement();
      expect(await refusedWith(await harness.deliver(keiko, envelopeOf([statement]), { signed: false }), statement)).toEqual([401, 'DELIVERY_SIGNATURE_MISSING']);
    });

    it('signed by another key (forged)', async () => {
      const statement = originStatement();
      const forger = await harness.addPeer('keiko');
      expect(await refusedWith(await harness.deliver(keiko, envelopeOf([statement]), { signer: forger }), statement)).toEqual([401, 'DELIVERY_SIGNATURE_INVALID']);
    });

    it('with a Content-Digest that is not the body\'s (tampered)', async () => {
      const statement = originStatement();
      const response = await harness.deliver(keiko, envelopeOf([statement])).set('Content-Digest', `sha-256=:${Buffer.alloc(32).toString('base64')}:`);
      expect(await refusedWith(response, statement)).toEqual([401, 'DELIVERY_SIGNATURE_INVALID']);
    });

    it('signed more than 5 minutes ago (expired)', async () => {
      const statement = originStatement();
      const response = await harness.deliver(keiko, envelopeOf([statement]), { now: new Date(Date.now() - 6 * 60_000) });
      expect(await refusedWith(response, statement)).toEqual([401, 'DELIVERY_SIGNATURE_EXPIRED']);
    });
  });

  it('a credential that is no peer\'s is refused 403, nothing stored', async () => {
    const stranger = await harness.lrs.lrs.credential(['plugins/federation/deliver'], 'no peer');
    const statement = originStatement();
    const response = await harness.deliver({ ...keiko, auth: stranger }, envelopeOf([statement]));
    expect([response.status, response.body.code, response.body.message]).toEqual([403, 'FORBIDDEN', expect.stringContaining('is no peer\'s')]);
    expect(await harness.statement(statement.id)).toBeUndefined();
  });

  it('a query parameter is refused (400 UNKNOWN_PARAMETER), nothing stored', async () => {
    const statement = originStatement();
    const response = await harness.deliver(keiko, envelopeOf([statement]), { query: '?statementId=x' });
    expect([response.status, response.body.code]).toEqual([400, 'UNKNOWN_PARAMETER']);
    expect(await harness.statement(statement.id)).toBeUndefined();
  });

  it('a credential without the deliver scope is refused 403', async () => {
    const writer = await harness.lrs.lrs.credential(['statements/write'], 'writer');
    const response = await harness.deliver({ ...keiko, auth: writer }, envelopeOf([originStatement()]));
    expect([response.status, response.body.code]).toEqual([403, 'FORBIDDEN']);
  });

  describe('hostile envelopes: 400 INVALID_DELIVERY naming the field, nothing stored', () => {
    const statement = () => originStatement();
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['not an object', () => [statement()], /The body must be a JSON object/],
      ['an unknown field', () => ({ ...envelopeOf([statement()]), extra: 1 }), /Unknown field extra/],
      ['no statements', () => ({ statements: [], provenance: [] }), /statements must be a list of 1 to 5000/],
      ['statements not a list', () => ({ statements: {}, provenance: [] }), /statements must be a list/],
      ['fewer provenance entries than statements', () => { const s = [statement(), statement()]; return { statements: s, provenance: [originProvenance(s[0]!)] }; }, /one entry per statement: 2 statements, 1 provenance/],
      ['a statement without id', () => { const s = statement(); delete s.id; return envelopeOf([s]); }, /statements\[0\]\.id is required/],
      ['a statement that is no object', () => ({ statements: ['x'], provenance: [originProvenance(statement())] }), /statements\[0\] must be a JSON object/],
      ['originStored not a time', () => { const s = statement(); return envelopeOf([s], [originProvenance(s, { originStored: 'yesterday' })]); }, /provenance\[0\]\.originStored must be an ISO 8601 time/],
      ['originLrs not a URL', () => { const s = statement(); return envelopeOf([s], [originProvenance(s, { originLrs: 'javascript:alert(1)' })]); }, /provenance\[0\]\.originLrs must be an http\(s\) URL/],
      ['no hops', () => { const s = statement(); return envelopeOf([s], [originProvenance(s, { hops: [] })]); }, /provenance\[0\]\.hops must be a list of 1 to 32/],
      ['a hop not a URL', () => { const s = statement(); return envelopeOf([s], [originProvenance(s, { hops: ['https://a.example', 7 as unknown as string] })]); }, /provenance\[0\]\.hops\[1\] must be an http\(s\) URL/],
      ['an origin authority without identifier', () => { const s = statement(); return envelopeOf([s], [originProvenance(s, { originAuthority: { name: 'nobody' } })]); }, /provenance\[0\]\.originAuthority must be an Agent with exactly one identifier/],
      ['an origin authority Group of three', () => { const s = statement(); const a = s.authority; return envelopeOf([s], [originProvenance(s, { originAuthority: { objectType: 'Group', member: [a, a, a] } })]); }, /provenance\[0\]\.originAuthority\.member must list the Group's one or two Agents/],
      ['a receipt with a dotted key', () => { const s = statement(); return envelopeOf([s], [originProvenance(s, { receipt: { type: 'x', 'a.b': 1 } })]); }, /provenance\[0\]\.receipt has the key "a\.b"/],
      ['a receipt far too big', () => { const s = statement(); return envelopeOf([s], [originProvenance(s, { receipt: { proof: 'f'.repeat(20_000) } })]); }, /provenance\[0\]\.receipt is larger than 16384 bytes/],
      ['an unknown provenance field', () => { const s = statement(); return envelopeOf([s], [{ ...originProvenance(s), trustMe: true } as DeliveryProvenance]); }, /Unknown field provenance\[0\]\.trustMe/],
    ];
    it.each(cases)('%s', async (_name, envelope, message) => {
      const sent = envelope() as { statements?: Array<{ id?: string }> };
      const response = await harness.deliver(keiko, sent);
      expect([response.status, response.body.code, response.body.message]).toEqual([400, 'INVALID_DELIVERY', expect.stringMatching(message)]);
      for (const each of Array.isArray(sent.statements) ? sent.statements : []) {
        if (typeof each?.id === 'string') expect(await harness.statement(each.id)).toBeUndefined();
      }
    });

    it('a statement the LRS refuses is named statements[i] (400 from the LRS\'s own validation), nothing of the batch stored', async () => {
      const good = originStatement();
      const bad = originStatement({ verb: { id: 'not an IRI' } });
      const response = await harness.deliver(keiko, envelopeOf([good, bad]));
      expect([response.status, response.body.message]).toEqual([400, expect.stringContaining('statements[1]')]);
      expect(await harness.statement(good.id)).toBeUndefined();
    });

    it('random envelopes, and deliveries with any field replaced by random JSON, are answered 200, 400 or 409, never a 5xx; a refused one stores nothing', async () => {
      const fields = ['statements', 'provenance', 'statements.0', 'statements.0.id', 'statements.0.actor', 'statements.0.verb', 'statements.0.object', 'statements.0.authority', 'statements.0.stored',
        'provenance.0', 'provenance.0.originLrs', 'provenance.0.originStored', 'provenance.0.originAuthority', 'provenance.0.hops', 'provenance.0.hops.0', 'provenance.0.receipt'];
      // keys the document store refuses (a `.`, a leading `$`): what reaches it must have been refused first
      const hostileObject = fc.object({ key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('a.b', '$where', 'mbox')), maxDepth: 3 });
      const mutated = fc.record({ field: fc.constantFrom(...fields), value: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 4 }), hostileObject) }).map(({ field, value }) => {
        const envelope: any = envelopeOf([originStatement()]);
        const path = field.split('.');
        const parent = path.slice(0, -1).reduce((node, key) => node[key], envelope);
        parent[path.at(-1)!] = value;
        return envelope;
      });
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 5 }), mutated), async (envelope) => {
          const response = await harness.deliver(keiko, envelope);
          expect([200, 400, 409]).toContain(response.status);
          const id = (envelope as any)?.statements?.[0]?.id;
          if (response.status !== 200 && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) expect(await harness.statement(id)).toBeUndefined();
        }),
        { numRuns: 60 },
      );
    }, 120_000);

    it('garbage bytes are a 400, not a 5xx', async () => {
      const response = await harness.deliver(keiko, undefined, { body: Buffer.from('{"statements": [') });
      expect([response.status, response.body.code]).toEqual([400, 'INVALID_JSON']);
    });
  });

  it('a credential that may read only its own statements sees no provenance of a peer\'s (statements/read/mine)', async () => {
    const statement = originStatement();
    await harness.deliver(keiko, envelopeOf([statement])).expect(200);
    const mine = await harness.lrs.lrs.credential(['statements/read/mine'], 'reads its own');
    const response = await harness.provenance(statement.id, mine);
    expect([response.status, response.body.code]).toEqual([404, 'NO_PROVENANCE']);
    expect((await harness.provenance(statement.id, keiko.auth)).status).toBe(403); // deliver is no read scope
  });

  it('a statement id is the one it had at its origin: ids are compared lower-case', async () => {
    const statement = originStatement({ id: randomUUID().toUpperCase() });
    const response = await harness.deliver(keiko, envelopeOf([statement]));
    expect([response.status, response.body]).toEqual([200, [statement.id.toLowerCase()]]);
    expect((await harness.provenance(statement.id.toLowerCase())).body.statementId).toBe(statement.id.toLowerCase());
  });
});
