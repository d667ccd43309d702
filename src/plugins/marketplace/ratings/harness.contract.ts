/**
 * The ratings feature alone on a whole LRS, as index.ts wires it, with small in-memory spaces and
 * reservations (the other features' ports) that tests fill: statements go through the real
 * recording, profile enforcement and event delivery; stores are the engine's under test. Test code
 * shared by suites: named `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Router } from 'express';
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { MarketplaceTestLrs, schoolAgent as person } from '../../../../test-support/marketplace';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin, ifiKey, type Agent, type PluginStatements } from '../../../plugin-api';
import { MARKETPLACE_SCOPES, type Acting } from '../acting';
import type { Party, ReservationLookup, ReservationState, ReservationView, Space, SpaceLookup } from '../model';
import { spaceIri } from '../vocabulary';
import { RATING_STORES, ratingRoutes, SpaceRatings } from './index';

export const MARKETPLACE_PROFILE = 'https://w3id.org/keiko/profiles/marketplace';

/** Spaces and reservations the tests put in, read as SpaceDirectory and Reservations would answer. */
export class InMemoryMarketplace implements SpaceLookup, Pick<ReservationLookup, 'reservation'> {
  readonly spaceById = new Map<string, Space>();
  readonly reservationById = new Map<string, ReservationView>();

  async space(id: string) {
    return this.spaceById.get(id);
  }

  async spaces(ids: string[]) {
    return new Map(ids.flatMap((id) => (this.spaceById.has(id) ? [[id, this.spaceById.get(id)!] as const] : [])));
  }

  async reservation(id: string) {
    return this.reservationById.get(id);
  }
}

export interface RatingsHarness {
  /** Its parties and calls (test-support/marketplace.ts) work on this feature's routes. */
  lrs: MarketplaceTestLrs;
  ratings: SpaceRatings;
  statements: PluginStatements;
  market: InMemoryMarketplace;
  publicUrl: string;
  /** A new space of a new owner. */
  space(name?: string): Space;
  /** A reservation of the space booked by `booker`, in `state` (attended by default). */
  reservation(space: Space, booker: Agent, state?: ReservationState): ReservationView;
  /** A statement as GET /xapi/statements?statementId answers it (404 → undefined). */
  statement(id: string): Promise<Record<string, any> | undefined>;
  close(): Promise<void>;
}

/** A new School account. */
export { schoolAgent as person } from '../../../../test-support/marketplace';

export function partyOf(agent: Agent): Party {
  return { agent, key: ifiKey(agent)! };
}

/**
 * Starts the LRS on `engine` with only this feature as the plugin `marketplace`, the marketplace
 * profile in reject mode (a statement the plugin builds outside its template would fail the test).
 */
export async function startRatingsLrs(engine: StorageEngine): Promise<RatingsHarness> {
  const market = new InMemoryMarketplace();
  let wired: { ratings: SpaceRatings; statements: PluginStatements; publicUrl: string } | undefined;
  const plugin = definePlugin({
    manifest: { name: 'marketplace', version: '0.0.1', description: 'ratings test', profiles: [], scopes: MARKETPLACE_SCOPES, stores: RATING_STORES, jobs: [], openapi: 'ratings/openapi.yaml' },
    setup(context) {
      const ratings = new SpaceRatings({ store: (name) => context.store(name), statements: context.statements, reservations: market, spaces: market, publicUrl: context.publicUrl });
      wired = { ratings, statements: context.statements, publicUrl: context.publicUrl };
      const acting: Acting = { people: context.people, http: context.http, publicUrl: context.publicUrl };
      return { routes: Router().use(ratingRoutes({ ratings, acting })), onEvents: (events) => ratings.apply(events) };
    },
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await MarketplaceTestLrs.start({}, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  await request(lrs.lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.admin).send({ profile: MARKETPLACE_PROFILE, mode: 'reject' }).expect(200);
  const { ratings, statements, publicUrl } = wired!;
  return {
    lrs,
    ratings,
    statements,
    market,
    publicUrl,
    space(name = 'Centro Cívico Norte — Aula 2') {
      const owner = person('Owner');
      const id = randomUUID();
      const space = {
        id,
        iri: spaceIri(publicUrl, id),
        owner,
        ownerKey: ifiKey(owner)!,
        name: { en: name, es: name },
        address: { street: 'Calle Mayor 1', locality: 'Madrid', country: 'ES', latitude: 40.4168, longitude: -3.7038 },
        capacity: 12,
        amenities: ['whiteboard'],
        claimedCertifications: [],
        claimedAccessibilityFeatures: [],
        hourlyRate: { amountMinor: 1500, currency: 'EUR' },
        timeZone: 'Europe/Madrid',
        registeredMs: Date.now(),
        updatedMs: Date.now(),
      } satisfies Space;
      market.spaceById.set(id, space);
      return space;
    },
    reservation(space, booker, state = 'attended') {
      const reservation: ReservationView = {
        id: randomUUID(),
        spaceId: space.id,
        state,
        booker,
        bookerKey: ifiKey(booker)!,
        start: '2026-11-10T17:00:00+01:00',
        end: '2026-11-10T18:30:00+01:00',
        participants: 4,
        safetyRequirements: [],
        price: { amountMinor: 2250, currency: 'EUR' },
        statementIds: [],
      };
      market.reservationById.set(reservation.id, reservation);
      return reservation;
    },
    async statement(id) {
      const response = await request(lrs.lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.lrs.auth);
      return response.status === 200 ? response.body : undefined;
    },
    close: () => lrs.close(),
  };
}
