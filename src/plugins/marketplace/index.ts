import { Router } from 'express';
import { definePlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { MARKETPLACE_SCOPES, type Acting } from './acting';
import { timeslotRoutes } from './availability';
import { MARKETPLACE_NAV, marketplacePages } from './pages';
import { RATING_STORES, ratingRoutes, SpaceRatings } from './ratings';
import { HOLD_EXPIRY_JOB, RESERVATION_STORES, reservationRoutes, Reservations } from './reservations';
import { SpaceSearch } from './search';
import { readMarketplaceSettings, type MarketplaceSettings } from './settings';
import { SPACE_STORES, SpaceDirectory, spaceRoutes } from './spaces';

/**
 * The learning-space marketplace (docs/marketplace.md, issue 13): owners list spaces that verifiers
 * vouch for, tutors and learners search and book them, reservations of one space never overlap
 * (claims decided in the database), and people who used a space rate it. Its xAPI profile is one
 * of Keiko's built-in profiles (src/profiles/keiko/marketplace), so the manifest declares none.
 */
export default definePlugin({
  manifest: {
    name: 'marketplace',
    version: '0.1.0',
    description: 'Learning spaces that verifiers vouch for, searched safely, booked without overlaps, and rated by the people who used them.',
    profiles: [],
    scopes: MARKETPLACE_SCOPES,
    stores: { ...SPACE_STORES, ...RESERVATION_STORES, ...RATING_STORES },
    jobs: [HOLD_EXPIRY_JOB],
    openapi: ['spaces/openapi.yaml', 'availability/openapi.yaml', 'reservations/openapi.yaml', 'ratings/openapi.yaml', 'pages/openapi.yaml'],
  },
  settings: readMarketplaceSettings,
  setup: setUpMarketplace,
});

function setUpMarketplace(context: PluginContext): PluginHooks {
  const { holdMs, holdExpiryCron } = context.settings as MarketplaceSettings;
  const store = (name: string) => context.store(name);
  const { statements, publicUrl, people } = context;
  const acting: Acting = { people, http: context.http, publicUrl };
  const directory = new SpaceDirectory({ store, statements, publicUrl });
  const reservations = new Reservations({ store, statements, spaces: directory, publicUrl, holdMs });
  const ratings = new SpaceRatings({ store, statements, reservations, spaces: directory, publicUrl });
  const search = new SpaceSearch({ store, busy: (ids, fromMs, toMs) => reservations.busy(ids, fromMs, toMs), ratings });
  return {
    routes: Router()
      .use(spaceRoutes({ directory, search, acting, ratings }))
      .use(timeslotRoutes({ spaces: directory, reservations, acting }))
      .use(reservationRoutes({ reservations, acting }))
      .use(ratingRoutes({ ratings, acting }))
      .use(marketplacePages({ directory, search, reservations, ratings, acting, people })),
    nav: MARKETPLACE_NAV,
    // Ratings read nothing of the spaces' derived stores, so the order only keeps the feed's.
    onEvents: async (events) => {
      await directory.apply(events);
      await ratings.apply(events);
    },
    jobs: { [HOLD_EXPIRY_JOB]: { schedule: holdExpiryCron, run: async () => void (await reservations.expireHolds()) } },
  };
}
