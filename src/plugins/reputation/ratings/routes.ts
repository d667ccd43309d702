/**
 * GET /plugins/reputation/score, /explain and /curve (stable routes, issue 12). Readers: a signed-in
 * person, or a credential holding `plugins/reputation/read` or one that may read every statement.
 * `agent` is an xAPI Agent as JSON (400 INVALID_PARAMETER naming the problem otherwise).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ForbiddenError, ifiKey, ownStatementsOnly, parseAgentParameter, requireStatementRead, singleParameters, type PeopleForPlugins, type PluginHttp } from '../../../plugin-api';
import type { AgentKey, DecayCurve } from '../model';
import type { ReputationLedger } from './ledger';

export interface RatingRoutesOptions {
  ledger: ReputationLedger;
  curve: DecayCurve;
  http: Pick<PluginHttp, 'authenticate' | 'requireScope'>;
  people: Pick<PeopleForPlugins, 'signedIn' | 'identitiesOf'>;
}

export const READ_SCOPE = 'read';

export function ratingRoutes({ ledger, curve, http, people }: RatingRoutesOptions): Router {
  const router = Router();
  const reader = requireReader(http, people);
  router.get('/score', reader, async (req, res) => {
    res.json(await ledger.score([agentOf(req, 'GET /plugins/reputation/score')]));
  });
  router.get('/explain', reader, async (req, res) => {
    const agent = agentOf(req, 'GET /plugins/reputation/explain');
    res.json(await ledger.explain([agent], undefined, { withRaters: await mayKnowRaters(req, agent, people) }));
  });
  router.get('/curve', reader, (req, res) => {
    singleParameters(req.query, { resource: 'GET /plugins/reputation/curve' });
    res.json(curveDescription(curve));
  });
  return router;
}

export function curveDescription(curve: DecayCurve) {
  return {
    shape: 'linear',
    windowDays: curve.windowDays,
    sealDays: curve.sealDays,
    weight: `1 − age/${curve.windowDays} days from the rating's stored time, 0 from ${curve.windowDays} days, times the rater's penalty factor`,
  };
}

function agentOf(req: Request, resource: string): AgentKey {
  const { agent } = singleParameters(req.query, { resource, required: ['agent'] });
  return parseAgentParameter(agent!).key;
}

/** A signed-in person sees who rated only their own identities; credentials that read scores see raters. */
async function mayKnowRaters(req: Request, agent: AgentKey, people: RatingRoutesOptions['people']): Promise<boolean> {
  const signedIn = people.signedIn(req);
  if (signedIn === undefined) return true;
  const identities = await people.identitiesOf(signedIn.person.id);
  return identities.some((identity) => ifiKey(identity) === agent);
}

/** A signed-in person, or a credential with `plugins/reputation/read` or a scope reading every statement. */
function requireReader(http: RatingRoutesOptions['http'], people: RatingRoutesOptions['people']): RequestHandler {
  const pluginScope = http.requireScope(READ_SCOPE);
  const statementRead = requireStatementRead();
  return async (req, res, next) => {
    if (people.signedIn(req) !== undefined) return next();
    const unauthenticated = await outcomeOf(http.authenticate, req, res);
    if (unauthenticated !== undefined) return next(unauthenticated);
    const withoutPluginScope = await outcomeOf(pluginScope, req, res);
    if (withoutPluginScope === undefined) return next();
    const withoutStatementRead = await outcomeOf(statementRead, req, res);
    if (withoutStatementRead === undefined && ownStatementsOnly(req) === undefined) return next();
    next(withoutPluginScope instanceof ForbiddenError ? withoutPluginScope : new ForbiddenError(`This credential may not read reputation scores: that requires plugins/reputation/${READ_SCOPE} or a scope reading every statement`));
  };
}

/** What a middleware passed on: undefined when it let the request through, else its error. */
function outcomeOf(handler: RequestHandler, req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve) => {
    try {
      void handler(req, res, (error?: unknown) => resolve(error ?? undefined));
    } catch (error) {
      resolve(error);
    }
  });
}
