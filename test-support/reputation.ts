/**
 * The reputation plugin in tests: statement builders (attendance an institution asserts, ratings),
 * a ledger on real stores fed statements directly (ledgerOnStores), and the whole LRS over HTTP
 * (ReputationTestLrs). Agents are School accounts; sessions are new activity ids.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { FeedEvent, StoredStatement } from '../src/plugin-api';
import { ifiKey } from '../src/plugin-api';
import type { AgentKey, DecayCurve, PersonRole } from '../src/plugins/reputation/model';
import { ReputationLedger, LEDGER_STORES } from '../src/plugins/reputation/ratings';
import { EXTENSION, PLUGIN_AUTHORITY_ACCOUNT, TUTOR_SESSION_TYPE, VERB } from '../src/plugins/reputation/vocabulary';
import type { Collection } from '../src/storage/collections/collection-store';
import type { StorageEngine } from '../src/storage/backend';
import { openTestBackend, testEngine, type TestBackend } from './backends';
import { InstitutionsLrs, SCHOOL } from './institutions-lrs';

export { SCHOOL };

export type TestAgent = { objectType: 'Agent'; name: string; account: { homePage: string; name: string } };

/** A new School account. */
export function person(name = 'someone'): TestAgent {
  return { objectType: 'Agent', name, account: { homePage: SCHOOL, name: `${name}-${randomUUID()}` } };
}

export function keyOf(agent: object): AgentKey {
  return ifiKey(agent)!;
}

export function newSession(): string {
  return `https://school.example/sessions/${randomUUID()}`;
}

/** `attended` statements of the session, one per participant, as an institution sends them. */
export function attended(session: string, ...participants: object[]): object[] {
  return participants.map((actor) => ({ id: randomUUID(), actor, verb: { id: VERB.attended, display: { en: 'attended' } }, object: { objectType: 'Activity', id: session } }));
}

export interface RatingOptions {
  score?: number;
  raterRole?: PersonRole;
  rateeRole?: PersonRole;
  comment?: string;
  id?: string;
}

/** A `rated` statement of the profile: rater rates ratee in session (peers, score 4, by default). */
export function rated(rater: object, ratee: object, session: string, options: RatingOptions = {}): Record<string, unknown> {
  const { score = 4, raterRole = 'peer', rateeRole = 'peer', comment, id = randomUUID() } = options;
  return {
    id,
    actor: rater,
    verb: { id: VERB.rated, display: { en: 'rated' } },
    object: ratee,
    result: { score: { raw: score, min: 1, max: 5 }, ...(comment !== undefined && { response: comment }) },
    context: {
      contextActivities: {
        parent: [{ objectType: 'Activity', id: session, definition: { type: TUTOR_SESSION_TYPE } }],
        category: [{ objectType: 'Activity', id: 'https://w3id.org/keiko/profiles/reputation/v1.0', definition: { type: 'http://adlnet.gov/expapi/activities/profile' } }],
      },
      extensions: { [EXTENSION.raterRole]: raterRole, [EXTENSION.rateeRole]: rateeRole },
    },
  };
}

/** A `penalized` statement as this plugin records it: ratings the rater stored in [from, until) weigh weightFactor. */
export function penalized(rater: object, weightFactor: number, from: Date, until?: Date): Record<string, unknown> {
  return {
    id: randomUUID(),
    actor: person('moderator'),
    verb: { id: VERB.penalized },
    object: rater,
    result: { extensions: { [EXTENSION.penalty]: { weightFactor, from: from.toISOString(), ...(until && { until: until.toISOString() }) } } },
    authority: { objectType: 'Agent', account: { homePage: 'http://lrs.test', name: PLUGIN_AUTHORITY_ACCOUNT } },
  };
}

/** A `lifted-penalty` statement as this plugin records it. */
export function liftedPenalty(penaltyId: string): Record<string, unknown> {
  return {
    id: randomUUID(),
    actor: person('moderator'),
    verb: { id: VERB.liftedPenalty },
    object: { objectType: 'StatementRef', id: penaltyId },
    authority: { objectType: 'Agent', account: { homePage: 'http://lrs.test', name: PLUGIN_AUTHORITY_ACCOUNT } },
  };
}

/** The credential key ledgerOnStores treats as an institution's. */
export const INSTITUTION_KEY = 'school-lms';

/**
 * A ReputationLedger on real, empty stores of the test engine, fed statements as feed events
 * (`feed`), with the clock `now` the tests set. `clear` empties its stores (a rebuild's first step).
 */
export async function ledgerOnStores(curve: DecayCurve = { windowDays: 30, sealDays: 14 }, engine: StorageEngine = testEngine()) {
  const backend: TestBackend = await openTestBackend(engine);
  const collections = new Map<string, Collection<any>>();
  for (const [name, declaration] of Object.entries(LEDGER_STORES)) collections.set(name, await backend.backend.collections.open('reputation', name, declaration));
  const clock = { now: new Date('2026-12-02T12:00:00Z') };
  const ledger = new ReputationLedger({
    store: <T extends object>(name: string) => collections.get(name) as Collection<T>,
    people: { institutionOf: async (key) => (key === INSTITUTION_KEY ? { homePages: [SCHOOL] } : undefined) },
    curve,
    now: () => clock.now,
  });
  let position = 0;
  /** Every event given so far, as a rebuild would deliver them again (stored events of statements not voided). */
  const history: FeedEvent[] = [];
  return {
    ledger,
    clock,
    history,
    /** Delivers the statements as stored now (or at `stored`) by `credentialKey` (the institution by default). */
    async feed(statements: object[], options: { stored?: Date; credentialKey?: string } = {}): Promise<string[]> {
      const stored = options.stored ?? clock.now;
      const events: FeedEvent[] = statements.map((body) => {
        const statement = { id: randomUUID(), authority: { objectType: 'Agent', account: { homePage: SCHOOL, name: 'lms' } }, ...body, stored: stored.toISOString(), timestamp: stored.toISOString(), version: '1.0.3' } as unknown as StoredStatement;
        position += 1;
        return { type: 'stored', position, statement: { id: statement.id!, statement, stored, voided: false, credentialKey: options.credentialKey ?? INSTITUTION_KEY, position } };
      });
      history.push(...events);
      await ledger.apply(events);
      return events.map((event) => (event.type === 'stored' ? event.statement.id : ''));
    },
    async void(statementId: string): Promise<void> {
      position += 1;
      const event: FeedEvent = { type: 'voided', position, statementId, voidedBy: randomUUID() };
      history.push(event);
      await ledger.apply([event]);
    },
    async clear(): Promise<void> {
      await backend.backend.collections.clearOwner('reputation');
    },
    /** Delivers events again (a redelivery, or a rebuild's replay after `clear`), in batches of `batch`. */
    async replay(events: FeedEvent[], batch = 100): Promise<void> {
      for (let start = 0; start < events.length; start += batch) await ledger.apply(events.slice(start, start + batch));
    },
    dispose: () => backend.dispose(),
  };
}

/** The whole LRS with the reputation plugin, over HTTP (see InstitutionsLrs). */
export class ReputationTestLrs extends InstitutionsLrs {
  /** GET /plugins/reputation/<route>?agent=… with a credential (admin by default), expecting `status`. */
  async read(route: 'score' | 'explain', agent: object | string, status = 200, auth = this.admin): Promise<Record<string, any>> {
    const parameter = typeof agent === 'string' ? agent : JSON.stringify(agent);
    const response = await request(this.lrs.app).get(`/plugins/reputation/${route}`).query({ agent: parameter }).set('Authorization', auth);
    expect(response.status).toBe(status);
    return response.body as Record<string, any>;
  }
}
