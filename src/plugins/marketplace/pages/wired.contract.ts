/**
 * The marketplace's features wired together as one plugin, for the pages' tests on the whole LRS
 * until the plugin's index.ts wires them (then the tests start MarketplaceTestLrs with it and this
 * goes). Named `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import path from 'node:path';
import { Router } from 'express';
import { MarketplaceTestLrs } from '../../../../test-support/marketplace';
import { definePlugin } from '../../../plugin-api';
import type { LoadedPlugin } from '../../../platform/plugins/load';
import type { StorageEngine } from '../../../storage/backend';
import { MARKETPLACE_SCOPES, type Acting } from '../acting';
import { timeslotRoutes } from '../availability';
import { RATING_STORES, ratingRoutes, SpaceRatings } from '../ratings';
import { RESERVATION_STORES, reservationRoutes, Reservations } from '../reservations';
import { SPACE_STORES, SpaceDirectory, spaceRoutes, SpaceSearch } from '../spaces';
import { MARKETPLACE_NAV, marketplacePages } from '.';

/** The features as one loaded plugin (what index.ts will be). */
export function wiredPlugin(): LoadedPlugin {
  const plugin = definePlugin({
    manifest: { name: 'marketplace', version: '0.0.1', description: 'wired', profiles: [], scopes: MARKETPLACE_SCOPES, stores: { ...SPACE_STORES, ...RESERVATION_STORES, ...RATING_STORES }, jobs: [], openapi: ['spaces/openapi.yaml', 'reservations/openapi.yaml', 'ratings/openapi.yaml', 'availability/openapi.yaml', 'pages/openapi.yaml'] },
    setup(context) {
      const store = (name: string) => context.store(name);
      const acting: Acting = { people: context.people, http: context.http, publicUrl: context.publicUrl };
      const directory = new SpaceDirectory({ store, statements: context.statements, publicUrl: context.publicUrl });
      const reservations = new Reservations({ store, statements: context.statements, spaces: directory, publicUrl: context.publicUrl, holdMs: 600_000 });
      const ratings = new SpaceRatings({ store, statements: context.statements, reservations, spaces: directory, publicUrl: context.publicUrl });
      const search = new SpaceSearch({ store, busy: (ids, from, to) => reservations.busy(ids, from, to), ratings });
      return {
        routes: Router()
          .use(spaceRoutes({ directory, search, acting, ratings }))
          .use(timeslotRoutes({ spaces: directory, reservations, acting }))
          .use(reservationRoutes({ reservations, acting }))
          .use(ratingRoutes({ ratings, acting }))
          .use(marketplacePages({ directory, search, reservations, ratings, acting, people: context.people })),
        nav: MARKETPLACE_NAV,
        onEvents: async (events) => {
          await directory.apply(events);
          await ratings.apply(events);
        },
      };
    },
  });
  return { plugin, folder: path.resolve(__dirname, '..'), settings: undefined };
}

/** A MarketplaceTestLrs with the features wired, on `engine` (the engine under test by default). */
export async function startWired(engine?: StorageEngine): Promise<MarketplaceTestLrs> {
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  if (engine !== undefined) process.env.KEIKO_TEST_ENGINE = engine;
  try {
    return await MarketplaceTestLrs.start({}, [wiredPlugin()]);
  } finally {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  }
}
