/**
 * The communities' JSON API under /plugins/governance (communities/openapi.yaml): founders found
 * communities (`administer`), members join, leave and delegate (`participate`), admins sign
 * adopted recognitions (`administer`), and federation reads recognitions (statements read).
 */
import { Router, type Request, type RequestHandler } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  HttpError,
  parseAgentParameter,
  parseUuidParameter,
  requireStatementRead,
  singleParameters,
  type Party,
  type PluginHttp,
} from '../../../plugin-api';
import { actorOf, requireActor, type Acting } from '../acting';
import type { Communities } from './communities';
import { parseSlug } from './input';

export interface CommunityRoutesOptions {
  communities: Communities;
  acting: Acting;
}

export function communityRoutes({ communities, acting }: CommunityRoutesOptions): Router {
  const router = Router();
  const jsonBody = (acting.http as Pick<PluginHttp, 'jsonBody'>).jsonBody();
  const as = (scope: 'participate' | 'administer', write = false): RequestHandler[] => (write ? [requireActor(acting, scope), jsonBody] : [requireActor(acting, scope)]);
  const party = (req: Request) => actorOf(req, acting);
  const slug = (req: Request) => parseSlug(String(req.params.slug));
  // `agent` names the reader for a credential (test-support/governance.ts sends it on every read).
  const noQuery = (req: Request, resource: string) => singleParameters(req.query, { resource, optional: ['agent'] });

  router.get('/communities', ...as('participate'), async (req, res) => {
    const { after, limit } = singleParameters(req.query, { resource: 'GET /plugins/governance/communities', optional: ['after', 'limit', 'agent'] });
    res.json({ communities: await communities.list({ ...(after !== undefined && { after: parseSlug(after, 'after', BadRequestCode.InvalidParameter) }), limit: pageLimit(limit) }) });
  });
  router.post('/communities', ...as('administer', true), async (req, res) => {
    res.status(201).json(await communities.found(await party(req), req.body));
  });
  router.get('/communities/:slug', ...as('participate'), async (req, res) => {
    noQuery(req, 'GET /plugins/governance/communities/:slug');
    res.json(await communities.existing(slug(req)));
  });
  router.put('/communities/:slug/membership', ...as('participate', true), async (req, res) => {
    res.json(await communities.join(await party(req), slug(req)));
  });
  router.delete('/communities/:slug/membership', ...as('participate', true), async (req, res) => {
    res.json(await communities.leave(await party(req), slug(req)));
  });
  router.get('/communities/:slug/members', ...as('participate'), async (req, res) => {
    const { after, limit } = singleParameters(req.query, { resource: 'GET /plugins/governance/communities/:slug/members', optional: ['after', 'limit', 'agent'] });
    const community = await communities.existing(slug(req));
    await requireMember(communities, community.slug, await reader(req, acting));
    res.json(await communities.membersOf(community.slug, pageLimit(limit), after));
  });
  router.post('/communities/:slug/delegations', ...as('participate', true), async (req, res) => {
    const { delegation, created } = await communities.delegate(await party(req), slug(req), req.body);
    res.status(created ? 201 : 200).json(delegation);
  });
  router.delete('/communities/:slug/delegations/:id', ...as('participate', true), async (req, res) => {
    res.json(await communities.revokeDelegation(await party(req), slug(req), parseUuidParameter('id', String(req.params.id))));
  });
  router.get('/communities/:slug/delegations', ...as('participate'), async (req, res) => {
    singleParameters(req.query, { resource: 'GET /plugins/governance/communities/:slug/delegations', optional: ['agent'] });
    const community = await communities.existing(slug(req));
    res.json(await communities.delegationsBy(community.slug, (await reader(req, acting)).key));
  });
  router.get('/communities/:slug/rules', ...as('participate'), async (req, res) => {
    noQuery(req, 'GET /plugins/governance/communities/:slug/rules');
    const community = await communities.existing(slug(req));
    res.json({ rules: await communities.rulesOf(community.slug) });
  });
  router.get('/communities/:slug/recognitions', ...as('participate'), async (req, res) => {
    noQuery(req, 'GET /plugins/governance/communities/:slug/recognitions');
    const community = await communities.existing(slug(req));
    res.json(await communities.recognitions(community.slug));
  });
  router.post('/communities/:slug/recognitions/:proposalId/signature', ...as('administer', true), async (req, res) => {
    res.status(201).json(await communities.sign(await party(req), slug(req), parseUuidParameter('proposalId', String(req.params.proposalId))));
  });
  router.get('/recognitions', signedInOrStatementReader(acting), async (req, res) => {
    const { from, to } = singleParameters(req.query, { resource: 'GET /plugins/governance/recognitions', optional: ['from', 'to', 'agent'] });
    const between = { ...(from !== undefined && { from: parseSlug(from, 'from', BadRequestCode.InvalidParameter) }), ...(to !== undefined && { to: parseSlug(to, 'to', BadRequestCode.InvalidParameter) }) };
    res.json({ recognitions: await communities.recognitionsBetween(between) });
  });
  return router;
}

/**
 * Who reads: the signed-in person, or for a credential the Agent of the `agent` query parameter
 * (GET has no body to name an `actor`), else the credential's own authority.
 */
async function reader(req: Request, acting: Acting): Promise<Party> {
  const agent = req.query.agent;
  if (acting.people.signedIn(req) !== undefined || typeof agent !== 'string') return actorOf(req, acting);
  const { agent: parsed, key } = parseAgentParameter(agent);
  return { agent: parsed, key };
}

async function requireMember(communities: Communities, slug: string, who: Party): Promise<void> {
  if (!(await communities.isMember(slug, who.key))) throw new HttpError(403, 'NOT_A_MEMBER', `Only members of ${slug} may list its members`);
}

/** A signed-in person, or a credential that may read statements (federation's systems). */
function signedInOrStatementReader(acting: Acting): RequestHandler {
  const readStatements = requireStatementRead();
  return (req, res, next) => {
    if (acting.people.signedIn(req) !== undefined) return next();
    acting.http.authenticate(req, res, (error?: unknown) => {
      if (error) return next(error);
      try {
        readStatements(req, res, next);
      } catch (refused) {
        next(refused);
      }
    });
  };
}

function pageLimit(value: string | undefined): number {
  if (value === undefined) return 100;
  const limit = /^\d{1,4}$/.test(value) ? Number(value) : 0;
  if (limit < 1 || limit > 1000) throw new BadRequestError(BadRequestCode.InvalidParameter, 'limit must be a whole number from 1 to 1000');
  return limit;
}
