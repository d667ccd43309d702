/**
 * Mounted at /plugins/marketplace (ratings/openapi.yaml): rating a space after an attended
 * reservation, its averages, distributions and reviews, reports of problem spaces, and the
 * verifiers' queue of reports.
 */
import { Router, type Request } from 'express';
import { BadRequestCode, BadRequestError, limitParameter, parseUuidParameter, singleParameters, type PluginHttp } from '../../../plugin-api';
import { partyOf, requireParty, type Acting } from '../acting';
import { REPORT_STATES, type ReportState } from './records';
import type { SpaceRatings } from './space-ratings';

export interface RatingRoutesOptions {
  ratings: SpaceRatings;
  acting: Acting;
}

const MAX_LIMIT = 100;

export function ratingRoutes({ ratings, acting }: RatingRoutesOptions): Router {
  const router = Router();
  const jsonBody = (acting.http as Acting['http'] & Pick<PluginHttp, 'jsonBody'>).jsonBody();
  const booker = [requireParty(acting, 'book'), jsonBody];
  const verifier = [requireParty(acting, 'verify'), jsonBody];
  router.post('/spaces/:id/ratings', ...booker, async (req, res) => {
    const { rating, created } = await ratings.rate(await partyOf(req, acting), idOf(req), req.body);
    res.status(created ? 201 : 200).json(rating);
  });
  router.get('/spaces/:id/ratings', requireParty(acting, 'book'), async (req, res) => {
    const { limit } = singleParameters(req.query, { resource: 'GET /plugins/marketplace/spaces/{id}/ratings', optional: ['limit'] });
    res.json(await ratings.overview(idOf(req), limitParameter(limit, { fallback: 20, max: MAX_LIMIT })));
  });
  router.post('/spaces/:id/reports', ...booker, async (req, res) => {
    const { report, created } = await ratings.report(await partyOf(req, acting), idOf(req), req.body);
    res.status(created ? 201 : 200).json(report);
  });
  router.get('/reports', requireParty(acting, 'verify'), async (req, res) => {
    const { state = 'open', limit } = singleParameters(req.query, { resource: 'GET /plugins/marketplace/reports', optional: ['state', 'limit'] });
    if (!(REPORT_STATES as readonly string[]).includes(state)) throw new BadRequestError(BadRequestCode.InvalidParameter, `state must be one of ${REPORT_STATES.join(', ')}`);
    res.json({ reports: await ratings.reports(state as ReportState, limitParameter(limit, { fallback: MAX_LIMIT, max: MAX_LIMIT })) });
  });
  router.post('/reports/:id/resolve', ...verifier, async (req, res) => {
    res.json(await ratings.resolve(await partyOf(req, acting), idOf(req), req.body));
  });
  return router;
}

function idOf(req: Request): string {
  return parseUuidParameter('id', String(req.params.id));
}
