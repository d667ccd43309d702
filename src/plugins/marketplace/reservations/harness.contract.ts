/**
 * Spaces and reservations on a whole LRS, wired as index.ts wires them, with a clock tests move
 * (holds expire, reservations start): statements go through the real recording, profile
 * enforcement in reject mode (a statement built outside its template fails the request) and event
 * delivery; the stores are the engine's under test. Named `.contract.ts` so that the build, the
 * import graph and jest leave it out.
 */
import path from 'node:path';
import { Router } from 'express';
import request from 'supertest';
import { MarketplaceTestLrs } from '../../../../test-support/marketplace';
import { definePlugin } from '../../../plugin-api';
import type { StorageEngine } from '../../../storage/backend';
import { MARKETPLACE_SCOPES, type Acting } from '../acting';
import { SPACE_STORES, SpaceDirectory, spaceRoutes, SpaceSearch } from '../spaces';
import { RESERVATION_STORES, reservationRoutes, Reservations } from './index';

const MARKETPLACE_PROFILE = 'https://w3id.org/keiko/profiles/marketplace';

export interface ReservationsHarness {
  lrs: MarketplaceTestLrs;
  reservations: Reservations;
  /** The clock of every service (ms); real time until a test sets it. */
  clock: { nowMs?: number };
  close(): Promise<void>;
}

export async function startReservationsLrs(engine: StorageEngine, holdMinutes = 10): Promise<ReservationsHarness> {
  const clock: { nowMs?: number } = {};
  const now = () => clock.nowMs ?? Date.now();
  let reservations: Reservations | undefined;
  const plugin = definePlugin({
    manifest: {
      name: 'marketplace',
      version: '0.0.1',
      description: 'reservations test',
      profiles: [],
      scopes: MARKETPLACE_SCOPES,
      stores: { ...SPACE_STORES, ...RESERVATION_STORES },
      jobs: [],
      openapi: ['spaces/openapi.yaml', 'reservations/openapi.yaml'],
    },
    setup(context) {
      const store = (name: string) => context.store(name);
      const { statements, publicUrl } = context;
      const directory = new SpaceDirectory({ store, statements, publicUrl, now });
      reservations = new Reservations({ store, statements, spaces: directory, publicUrl, holdMs: holdMinutes * 60_000, now });
      const search = new SpaceSearch({ store, busy: (ids, fromMs, toMs) => reservations!.busy(ids, fromMs, toMs), ratings: { summaries: async () => new Map() }, now });
      const acting: Acting = { people: context.people, http: context.http, publicUrl };
      return {
        routes: Router().use(spaceRoutes({ directory, search, acting, now })).use(reservationRoutes({ reservations, acting })),
        onEvents: (events) => directory.apply(events),
      };
    },
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await MarketplaceTestLrs.start({}, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  await request(lrs.lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.admin).send({ profile: MARKETPLACE_PROFILE, mode: 'reject' }).expect(200);
  return { lrs, reservations: reservations!, clock, close: () => lrs.close() };
}
