/**
 * The marketplace plugin in tests: the whole LRS over HTTP (MarketplaceTestLrs) with parties that
 * act in it, and the spaces' stores on their own (spaceStores) for unit tests of search.
 *
 * Stable signatures (other helpers' tests use them):
 * - `MarketplaceTestLrs.start(env?)` / `close()` (from InstitutionsLrs).
 * - `owner(name?)`, `booker(name?)`, `verifier(name?)` → MarketplaceParty: a credential holding
 *   plugins/marketplace/list+book, book, verify+book, acting for a new School Agent (sent as the
 *   body's `actor` on writes). `signedInVerifier()` → a signed-in person granted the role
 *   space-verifier (PUT /people/:id/roles/space-verifier), `signedIn(identity?)` → a signed-in person.
 * - `call(party, method, path, body?)` → supertest Response of /plugins/marketplace<path> (the
 *   party's `actor` added to a JSON body).
 * - `registerSpace(overrides?, owner?)` → the space's JSON view (201 expected; a new owner by default).
 * - `publishAvailability(spaceId, plan?)` → the space (the space's owner publishes; open around the clock by default).
 * - `verifySpace(spaceId, verification?, verifier?)` → the space (child-safe, fire-safety and
 *   step-free-access for a year by default).
 * - `bookableSpace(overrides?)` → registered, open around the clock, verified: ready to book.
 * - LISTING, ALWAYS_OPEN, VERIFICATION: the defaults.
 * - `spaceStores(engine?)`: the spaces' stores alone; `spacesOnStores(engine?)`: a directory and search
 *   on them fed statements directly (no HTTP), for search and property tests.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ifiKey, type FeedEvent, type StoredStatement } from '../src/plugin-api';
import type { AvailabilityPlan, Interval, RatingSummary, Verification } from '../src/plugins/marketplace/model';
import { SPACE_STORES, SpaceDirectory, SpaceSearch, type Listing } from '../src/plugins/marketplace/spaces';
import { availabilityStatement, listingStatement, verifiedStatement, withdrawnStatement } from '../src/plugins/marketplace/spaces/statements';
import type { Collection } from '../src/storage/collections/collection-store';
import type { StorageEngine } from '../src/storage/backend';
import { openTestBackend, testEngine } from './backends';
import { readOnlyStatements } from './plugin-statements';
import { InstitutionsLrs, SCHOOL } from './institutions-lrs';

export type TestAgent = { objectType: 'Agent'; name: string; account: { homePage: string; name: string } };

/** Who acts: a credential (Basic `auth`) acting for `agent`, or a signed-in person's `browser`. */
export interface MarketplaceParty {
  agent: TestAgent;
  key: string;
  auth?: string;
  browser?: request.Agent;
  personId?: string;
}

export type SpaceJson = Record<string, any> & { id: string };

export const LISTING = {
  name: { en: 'Centro Cívico Norte — Room 2', es: 'Centro Cívico Norte — Aula 2' },
  description: { en: 'Quiet room for up to 12 people, step-free access.' },
  address: { street: 'Calle de la Luna 14', locality: 'Madrid', postalCode: '28004', country: 'ES', latitude: 40.4232, longitude: -3.7068 },
  capacity: 12,
  amenities: ['projector', 'whiteboard', 'wifi'],
  claimedCertifications: ['child-safeguarding', 'fire-safety'],
  claimedAccessibilityFeatures: ['accessible-toilet', 'step-free-access'],
  hourlyRate: { amountMinor: 1250, currency: 'EUR' },
  timeZone: 'Europe/Madrid',
};

/** Open every day, all day, in Madrid. */
export const ALWAYS_OPEN: AvailabilityPlan = { timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '00:00', durationMinutes: 1440 }] };

const YEAR_MS = 365 * 24 * 3600_000;

/** A verifier's assertion valid for a year from now. */
export function verification(overrides: Record<string, unknown> = {}) {
  return { certifications: ['fire-safety'], accessibilityFeatures: ['step-free-access'], childSafe: true, validUntil: new Date(Date.now() + YEAR_MS).toISOString(), ...overrides };
}
export const VERIFICATION = verification();

export function schoolAgent(name: string): TestAgent {
  return { objectType: 'Agent', name, account: { homePage: SCHOOL, name: `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID()}` } };
}

export class MarketplaceTestLrs extends InstitutionsLrs {
  private readonly owners = new Map<string, MarketplaceParty>();
  private defaultVerifier?: MarketplaceParty;

  /** A credential holding plugins/marketplace/list and book, acting for a new Agent. */
  owner(name = 'Owner'): Promise<MarketplaceParty> {
    return this.party(name, ['plugins/marketplace/list', 'plugins/marketplace/book']);
  }

  /** A credential holding plugins/marketplace/book, acting for a new Agent. */
  booker(name = 'Booker'): Promise<MarketplaceParty> {
    return this.party(name, ['plugins/marketplace/book']);
  }

  /** A credential holding plugins/marketplace/verify and book, acting for a new Agent. */
  verifier(name = 'Verifier'): Promise<MarketplaceParty> {
    return this.party(name, ['plugins/marketplace/verify', 'plugins/marketplace/book']);
  }

  /** A person signed in through a login link (a new School account by default). */
  async person(identity: TestAgent = schoolAgent('Person')): Promise<MarketplaceParty> {
    const { browser, personId } = await this.signedIn(identity);
    return { agent: identity, key: ifiKey(identity)!, browser, personId };
  }

  /** A signed-in person holding the role space-verifier. */
  async signedInVerifier(identity: TestAgent = schoolAgent('Verifier')): Promise<MarketplaceParty> {
    const party = await this.person(identity);
    await request(this.lrs.app).put(`/people/${party.personId}/roles/space-verifier`).set('Authorization', this.admin).expect((response) => expect(response.status).toBeLessThan(300));
    return party;
  }

  /** A request to /plugins/marketplace<path> as the party (its Agent as `actor` of a JSON body when a credential sends it). */
  call(party: MarketplaceParty, method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object): request.Test {
    const url = `/plugins/marketplace${path}`;
    if (party.browser !== undefined) {
      const test = party.browser[method](url);
      return body === undefined ? test : test.set('Content-Type', 'application/json').send(JSON.stringify(body));
    }
    const test = request(this.lrs.app)[method](url).set('Authorization', party.auth!);
    return body === undefined ? test : test.send({ actor: party.agent, ...body });
  }

  /** Registers a space (LISTING with `overrides`) as `owner` (a new one by default), expecting 201. */
  async registerSpace(overrides: Record<string, unknown> = {}, owner?: MarketplaceParty): Promise<SpaceJson> {
    const by = owner ?? (await this.owner());
    const response = await this.call(by, 'post', '/spaces', { ...LISTING, ...overrides });
    expect([response.status, response.body]).toEqual([201, expect.objectContaining({ id: expect.any(String) })]);
    this.owners.set(response.body.id, by);
    return response.body as SpaceJson;
  }

  /** The owner who registered the space through registerSpace. */
  ownerOf(spaceId: string): MarketplaceParty {
    const owner = this.owners.get(spaceId);
    if (owner === undefined) throw new Error(`space ${spaceId} was not registered through registerSpace`);
    return owner;
  }

  /** Its owner publishes the plan (open around the clock by default), expecting 200. */
  async publishAvailability(spaceId: string, plan: AvailabilityPlan = ALWAYS_OPEN): Promise<SpaceJson> {
    const response = await this.call(this.ownerOf(spaceId), 'put', `/spaces/${spaceId}/availability`, plan);
    expect([response.status, response.body?.code]).toEqual([200, undefined]);
    return response.body as SpaceJson;
  }

  /** A verifier (one shared by default) verifies the space, expecting 200. */
  async verifySpace(spaceId: string, asserted: Record<string, unknown> = verification(), verifier?: MarketplaceParty): Promise<SpaceJson> {
    const by = verifier ?? (this.defaultVerifier ??= await this.verifier());
    const response = await this.call(by, 'post', `/spaces/${spaceId}/verification`, asserted);
    expect([response.status, response.body?.code]).toEqual([200, undefined]);
    return response.body as SpaceJson;
  }

  /** A space registered, open around the clock and verified (VERIFICATION): ready to book. */
  async bookableSpace(overrides: Record<string, unknown> = {}, owner?: MarketplaceParty): Promise<SpaceJson> {
    const { id } = await this.registerSpace(overrides, owner);
    await this.publishAvailability(id);
    return this.verifySpace(id);
  }

  private async party(name: string, scopes: Array<`plugins/marketplace/${string}`>): Promise<MarketplaceParty> {
    const agent = schoolAgent(name);
    return { agent, key: ifiKey(agent)!, auth: await this.lrs.credential(scopes, `${name} credential`) };
  }
}

/** The spaces feature's stores on a fresh backend of the engine, for tests of the directory and search without HTTP. */
export async function spaceStores(engine: StorageEngine = testEngine()) {
  const backend = await openTestBackend(engine);
  const collections = new Map<string, Collection<any>>();
  for (const [name, declaration] of Object.entries(SPACE_STORES)) collections.set(name, await backend.backend.collections.open('marketplace', name, declaration));
  return { store: (name: string) => collections.get(name)!, backend: backend.backend, dispose: () => backend.dispose() };
}

export const TEST_PUBLIC_URL = 'http://lrs.test';
const PLUGIN_AUTHORITY = { objectType: 'Agent', name: 'Keiko LRS', account: { homePage: TEST_PUBLIC_URL, name: 'plugin/marketplace' } };

/** The stored event of a statement as this plugin records it (its authority), at feed `position`. */
export function pluginFeedEvent(statement: object, position: number, stored: Date): FeedEvent & { type: 'stored' } {
  const id = (statement as { id: string }).id;
  const recorded = { ...statement, authority: PLUGIN_AUTHORITY, stored: stored.toISOString(), version: '1.0.3' } as unknown as StoredStatement;
  return { type: 'stored', position, statement: { id, statement: recorded, stored, voided: false, credentialKey: 'plugin', position } };
}

/**
 * A SpaceDirectory and SpaceSearch on real stores, fed the statements the plugin would record
 * (`feed`, delivered to `apply` as feed events), with in-memory busy times and rating summaries
 * and a clock the tests set. `voided` delivers a statement's voided event.
 */
export async function spacesOnStores(engine: StorageEngine = testEngine()) {
  const stores = await spaceStores(engine);
  const clock = { nowMs: Date.now() };
  const now = () => clock.nowMs;
  const busy = new Map<string, Interval[]>();
  const ratings = new Map<string, RatingSummary>();
  const notRecording = readOnlyStatements('spacesOnStores records nothing: feed statements instead');
  const directory = new SpaceDirectory({ store: stores.store, statements: notRecording, publicUrl: TEST_PUBLIC_URL, now });
  const search = new SpaceSearch({
    store: stores.store,
    busy: async (ids, fromMs, toMs) => new Map(ids.map((id) => [id, (busy.get(id) ?? []).filter((interval) => interval.endMs > fromMs && interval.startMs < toMs)])),
    ratings: { summaries: async (ids) => new Map(ids.flatMap((id) => (ratings.has(id) ? [[id, ratings.get(id)!] as const] : []))) },
    now,
  });
  let position = 0;
  const deliver = async (statement: object): Promise<string> => {
    position += 1;
    const event = pluginFeedEvent(statement, position, new Date(clock.nowMs));
    await directory.apply([event]);
    return event.statement.id;
  };
  const common = (actor: TestAgent, spaceId: string) => ({ id: randomUUID(), actor, publicUrl: TEST_PUBLIC_URL, spaceId, timestamp: new Date(clock.nowMs).toISOString() });
  const feed = {
    /** A space-registered statement: the listing (LISTING with overrides) by the owner; its id. */
    registered: async (owner: TestAgent, overrides: Partial<Listing> = {}, spaceId: string = randomUUID()) => {
      await deliver(listingStatement(common(owner, spaceId), { ...(LISTING as Listing), ...overrides }, 'registered'));
      return spaceId;
    },
    availability: (owner: TestAgent, spaceId: string, plan: AvailabilityPlan = ALWAYS_OPEN) => deliver(availabilityStatement(common(owner, spaceId), LISTING.name, plan)),
    /** A space-verified statement; its id. */
    verified: (verifier: TestAgent, spaceId: string, asserted: Omit<Verification, 'verifier' | 'statementId'>) => deliver(verifiedStatement(common(verifier, spaceId), LISTING.name, asserted)),
    withdrawn: (verifier: TestAgent, spaceId: string, verificationId: string) => deliver(withdrawnStatement(common(verifier, spaceId), LISTING.name, verificationId, 'withdrawn in a test')),
    voided: async (statementId: string) => {
      position += 1;
      await directory.apply([{ type: 'voided', position, statementId, voidedBy: randomUUID() }]);
    },
  };
  return { directory, search, busy, ratings, clock, feed, store: stores.store, dispose: stores.dispose };
}
