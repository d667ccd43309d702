/**
 * The spaces' JSON API under /plugins/marketplace (spaces/openapi.yaml): owners register and
 * update spaces and publish availability (`list`), anyone who books searches and reads them
 * (`book`), space verifiers verify and withdraw (`verify`).
 */
import { Router, type Request, type RequestHandler } from 'express';
import { BadRequestCode, BadRequestError, parseUuidParameter, singleParameters, type PluginHttp } from '../../../plugin-api';
import { partyOf, requireParty, type Acting } from '../acting';
import type { RatingSummaries } from '../model';
import { parseSpaceQuery } from '../search/query';
import type { SpaceSearch } from '../search/search';
import type { SpaceDirectory } from './directory';
import { parseReason } from './input';
import { spaceView } from './view';

export interface SpaceRoutesOptions {
  directory: SpaceDirectory;
  search: SpaceSearch;
  acting: Acting;
  ratings?: RatingSummaries;
  now?: () => number;
}

export function spaceRoutes({ directory, search, acting, ratings, now = Date.now }: SpaceRoutesOptions): Router {
  const router = Router();
  const jsonBody = jsonBodyOf(acting.http);
  const as = (scope: 'book' | 'list' | 'verify', write = false) => (write ? [requireParty(acting, scope), jsonBody] : [requireParty(acting, scope)]);
  const spaceId = (req: Request) => parseUuidParameter('id', String(req.params.id));
  const party = (req: Request) => partyOf(req, acting);
  const view = async (space: Parameters<typeof spaceView>[0]) => spaceView(space, now(), (await ratings?.summaries([space.id]))?.get(space.id));

  router.post('/spaces', ...as('list', true), async (req, res) => {
    res.status(201).json(await view(await directory.register(await party(req), req.body)));
  });
  router.get('/spaces', ...as('book'), async (req, res) => {
    const page = await search.search(parseSpaceQuery(req.query));
    const nowMs = now();
    res.json({ results: page.results.map(({ space, distanceKm, rating }) => ({ distanceKm, space: spaceView(space, nowMs, rating) })), ...(page.more !== undefined && { more: page.more }) });
  });
  router.get('/spaces/:id', ...as('book'), async (req, res) => {
    singleParameters(req.query, { resource: 'GET /plugins/marketplace/spaces/:id' });
    res.json(await view(await directory.existing(spaceId(req))));
  });
  router.put('/spaces/:id', ...as('list', true), async (req, res) => {
    res.json(await view(await directory.update(await party(req), spaceId(req), req.body)));
  });
  router.put('/spaces/:id/availability', ...as('list', true), async (req, res) => {
    res.json(await view(await directory.publishAvailability(await party(req), spaceId(req), req.body)));
  });
  router.post('/spaces/:id/verification', ...as('verify', true), async (req, res) => {
    res.json(await view(await directory.verify(await party(req), spaceId(req), req.body)));
  });
  router.delete('/spaces/:id/verification', ...as('verify', true), async (req, res) => {
    res.json(await view(await directory.withdraw(await party(req), spaceId(req), parseReason(req.body))));
  });
  router.get('/verification-queue', ...as('verify'), async (req, res) => {
    const { limit } = singleParameters(req.query, { resource: 'GET /plugins/marketplace/verification-queue', optional: ['limit'] });
    const spaces = await directory.verificationQueue({ limit: queueLimit(limit) });
    const nowMs = now();
    res.json({ spaces: spaces.map((space) => spaceView(space, nowMs, undefined)) });
  });
  return router;
}

function queueLimit(value: string | undefined): number {
  if (value === undefined) return 50;
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : 0;
  if (limit < 1 || limit > 200) throw new BadRequestError(BadRequestCode.InvalidParameter, 'limit must be a whole number from 1 to 200');
  return limit;
}

/** The platform's JSON body parser (Acting's http is the plugin's PluginHttp). */
function jsonBodyOf(http: Acting['http']): RequestHandler {
  return (http as Partial<Pick<PluginHttp, 'jsonBody'>>).jsonBody!();
}
