/**
 * Mounted at /plugins/governance (proposals/openapi.yaml): members submit proposals and vote;
 * after the close anyone signed in or holding a credential reads the decision, downloads the ballot
 * set and recounts it, and each voter fetches the inclusion proof of their counted vote.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { credentialKeyOf, parseAgentParameter, parseUuidParameter, singleParameters, type Party } from '../../../plugin-api';
import { actorOf, requireActor, type Acting } from '../acting';
import type { Proposals } from './proposals';

export function proposalRoutes({ proposals, acting }: { proposals: Proposals; acting: Acting }): Router {
  const router = Router();
  const participant = [requireActor(acting, 'participate'), acting.http.jsonBody()];
  const reader = requireActor(acting, 'participate');
  const anyone = signedInOrAuthenticated(acting);
  /** Who reads: a credential names its Agent in the `agent` query parameter (a GET has no body). */
  const readerOf = (req: Request, resource: string): Promise<Party> => {
    const { agent } = singleParameters(req.query, { resource, optional: ['agent'] });
    if (agent === undefined || acting.people.signedIn(req) !== undefined) return actorOf(req, acting);
    return Promise.resolve({ ...parseAgentParameter(agent), credentialKey: credentialKeyOf(req) });
  };

  router.post('/communities/:slug/proposals', ...participant, async (req, res) => {
    res.status(201).json(await proposals.submit(await actorOf(req, acting), slugOf(req), req.body));
  });
  router.get('/communities/:slug/proposals', reader, async (req, res) => {
    singleParameters(req.query, { resource: 'GET /plugins/governance/communities/{slug}/proposals', optional: ['agent'] });
    res.json({ proposals: await proposals.listIn(slugOf(req)) });
  });
  router.get('/proposals/:id', anyone, async (req, res) => {
    res.json(await proposals.viewed(idOf(req)));
  });
  router.post('/proposals/:id/ballots', ...participant, async (req, res) => {
    res.status(201).json(await proposals.vote(await actorOf(req, acting), idOf(req), req.body));
  });
  router.get('/proposals/:id/ballot', reader, async (req, res) => {
    const voter = await readerOf(req, 'GET /plugins/governance/proposals/{id}/ballot');
    res.json(await proposals.myBallot(idOf(req), voter.key));
  });
  router.get('/proposals/:id/ballot-set', anyone, async (req, res) => {
    res.json(await proposals.ballotSet(idOf(req)));
  });
  router.get('/proposals/:id/recount', anyone, async (req, res) => {
    const { result, root, matches, decisionRoot } = await proposals.recountOf(idOf(req));
    res.json({ matches, root, decisionRoot, outcome: result.outcome, reason: result.reason, tally: result.tally, turnout: result.turnout });
  });
  router.get('/proposals/:id/proof', reader, async (req, res) => {
    const voter = await readerOf(req, 'GET /plugins/governance/proposals/{id}/proof');
    res.json(await proposals.proofFor(idOf(req), voter.key));
  });
  router.get('/proposals/:id/decision', anyone, async (req, res) => {
    res.json(await proposals.decisionWithAnchoring(idOf(req)));
  });
  return router;
}

/** A signed-in person, or any authenticated credential: decisions and ballot sets are for anyone to check. */
function signedInOrAuthenticated(acting: Acting): RequestHandler {
  return (req, res, next) => (acting.people.signedIn(req) !== undefined ? next() : acting.http.authenticate(req, res, next));
}

function idOf(req: Request): string {
  return parseUuidParameter('id', String(req.params.id));
}

function slugOf(req: Request): string {
  return String(req.params.slug);
}
