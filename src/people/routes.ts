import { Router, type Request, type RequestHandler } from 'express';
import { requireGrant } from '../auth/authenticate';
import { BadRequestCode, BadRequestError, NotFoundError } from '../errors';
import { rawBody, readJsonBody } from '../http/body';
import { singleParameters } from '../http/parameters';
import type { ActorValidator } from '../xapi/parameters';
import { isUuid } from '../xapi/statements/validation/validate-statement';
import { parseAgent, PeopleErrorCode, type KeyedIdentity } from './identities';
import type { People } from './people';
import type { PersonRecord, PersonWithIdentities } from './people-service';
import { parseRole } from './roles';
import { LOGIN_LINK_PATH } from './web/pages';

export interface PeopleRouteOptions {
  /** HTTP Basic credentials (src/auth/authenticate.ts). */
  authenticate: RequestHandler;
  validateActor: ActorValidator;
  jsonBodyLimitBytes: number;
}

const MAX_IDENTITIES_PER_REQUEST = 20;
const DEFAULT_LIST_LIMIT = 50;

/**
 * The people API: administrators manage people, identity links, roles and institutions;
 * institutions (scope people/links) link their own accounts, and (scope people/login-links)
 * issue login links for them.
 */
export function peopleRoutes(people: People, options: PeopleRouteOptions): Router {
  const router = Router();
  const admin = [options.authenticate, requireGrant('admin')];
  const body = rawBody(options.jsonBodyLimitBytes);
  const json = (req: Request) => jsonObject(readJsonBody(req, options.jsonBodyLimitBytes));
  const agentIn = (value: unknown, path: string) => parseAgent(value, options.validateActor, path);
  const { service, institutions } = people;

  router.post('/people/login-links', options.authenticate, requireGrant('people/login-links'), body, async (req, res) => {
    const { agent } = fieldsOf(json(req), ['agent'], ['agent']);
    const keyed = await ownAccount(req, agentIn(agent, 'agent'));
    const person = await service.findOrCreate([keyed], nameFor(keyed), 'login-link');
    await people.loginLinks.purgeExpired();
    const { token, expiresAt } = await people.loginLinks.issue({ personId: person.id }, people.loginLinkLifetimeMs);
    res.status(201).json({ url: `${people.publicUrl}${LOGIN_LINK_PATH}/${token}`, expiresAt: expiresAt.toISOString() });
  });

  router.post('/people/links', options.authenticate, requireGrant('people/links'), body, async (req, res) => {
    const fields = fieldsOf(json(req), ['agent', 'sameAs'], ['agent']);
    const keyed = await ownAccount(req, agentIn(fields.agent, 'agent'));
    if (fields.sameAs === undefined) {
      const existing = await service.personOf(keyed.key);
      const person = existing ?? (await service.create(nameFor(keyed), [keyed], linkSource(req)));
      res.status(existing ? 200 : 201).json({ person: person.id });
      return;
    }
    const other = await ownAccount(req, agentIn(fields.sameAs, 'sameAs'));
    const person = await service.findOrCreate([other], nameFor(other), linkSource(req));
    const outcome = await service.link(person.id, keyed, linkSource(req));
    res.status(outcome === 'linked' ? 201 : 200).json({ person: person.id });
  });

  router.delete('/people/links', options.authenticate, requireGrant('people/links'), async (req, res) => {
    const keyed = await ownAccount(req, agentParameter(req, agentIn));
    const person = await service.personOf(keyed.key);
    if (person === undefined) throw new NotFoundError('This account is not linked to any person', PeopleErrorCode.IdentityNotLinked);
    await service.unlink(person.id, keyed.key);
    res.status(204).end();
  });

  router.put('/people/institutions/:key', ...admin, body, async (req, res) => {
    const { homePages } = fieldsOf(json(req), ['homePages'], ['homePages']);
    res.json(await institutions.put(String(req.params.key), homePages));
  });
  router.get('/people/institutions/:key', ...admin, async (req, res) => {
    const institution = await institutions.get(String(req.params.key));
    if (institution === undefined) throw new NotFoundError('No homePages are recorded for this credential', 'INSTITUTION_NOT_FOUND');
    res.json(institution);
  });
  router.delete('/people/institutions/:key', ...admin, async (req, res) => {
    if (!(await institutions.delete(String(req.params.key)))) {
      throw new NotFoundError('No homePages are recorded for this credential', 'INSTITUTION_NOT_FOUND');
    }
    res.status(204).end();
  });

  router.post('/people', ...admin, body, async (req, res) => {
    const { name, identities } = fieldsOf(json(req), ['name', 'identities'], ['name']);
    if (typeof name !== 'string') throw new BadRequestError(PeopleErrorCode.InvalidPerson, 'name must be a string');
    const keyed = identityList(identities).map((agent, index) => agentIn(agent, `identities[${index}]`));
    res.status(201).json(personView(await service.create(name, keyed, 'admin')));
  });

  router.get('/people', ...admin, async (req, res) => {
    const { agent, limit, after } = singleParameters(req.query, { optional: ['agent', 'limit', 'after'], resource: 'GET people' });
    let found: PersonRecord[];
    if (agent !== undefined) {
      const person = await service.personOf(agentIn(parseJsonParameter(agent), 'agent').key);
      found = person ? [person] : [];
    } else {
      found = await service.list(parseLimit(limit), after === undefined ? undefined : personId(after));
    }
    res.json({ people: await Promise.all(found.map(async (person) => personView(await service.withIdentities(person)))) });
  });

  router.get('/people/:personId', personRoute, ...admin, async (req, res) => {
    const person = await service.require(personId(req.params.personId));
    res.json(personView(await service.withIdentities(person)));
  });

  router.post('/people/:personId/identities', personRoute, ...admin, body, async (req, res) => {
    const { agent } = fieldsOf(json(req), ['agent'], ['agent']);
    const outcome = await service.link(personId(req.params.personId), agentIn(agent, 'agent'), 'admin');
    res.status(outcome === 'linked' ? 201 : 200).json(personView(await service.withIdentities(await service.require(personId(req.params.personId)))));
  });

  router.delete('/people/:personId/identities', personRoute, ...admin, async (req, res) => {
    await service.unlink(personId(req.params.personId), agentParameter(req, agentIn).key);
    res.status(204).end();
  });

  router.put('/people/:personId/roles/:role', personRoute, ...admin, async (req, res) => {
    await service.grant(personId(req.params.personId), parseRole(String(req.params.role)));
    res.status(204).end();
  });

  router.delete('/people/:personId/roles/:role', personRoute, ...admin, async (req, res) => {
    await service.revoke(personId(req.params.personId), parseRole(String(req.params.role)));
    res.status(204).end();
  });

  /** The identity if the credential's institution owns it; an administrator acts for every institution. */
  async function ownAccount(req: Request, keyed: KeyedIdentity): Promise<KeyedIdentity> {
    if (req.credential!.scopes.includes('admin')) return keyed;
    return institutions.requireOwnAccount(req.credential!.key, keyed);
  }

  return router;
}

/** What the admin API shows of a person: its id, name, identities (as xAPI Agents) and roles. */
function personView(person: PersonWithIdentities) {
  const { id, name, roles, createdAt, identities } = person;
  return { id, name, identities: identities.map((identity) => ({ objectType: 'Agent', ...identity })), roles, createdAt };
}

function linkSource(req: Request): `institution:${string}` | 'admin' {
  return req.credential!.scopes.includes('admin') ? 'admin' : `institution:${req.credential!.key}`;
}

/** The name a person created for an identity starts with: the agent's, else its identifier (an account's name). */
function nameFor({ identity, name }: KeyedIdentity & { name?: string }): string {
  if (name !== undefined && name.trim() !== '') return name;
  if ('account' in identity) return identity.account.name;
  if ('mbox' in identity) return identity.mbox.replace(/^mailto:/i, '');
  return 'openid' in identity ? identity.openid : identity.mbox_sha1sum;
}

function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(BadRequestCode.InvalidJson, 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The body's fields, refusing unknown ones and missing required ones (400 INVALID_BODY). */
function fieldsOf<K extends string>(body: Record<string, unknown>, allowed: readonly K[], required: readonly K[]): Partial<Record<K, unknown>> {
  const unknown = Object.keys(body).filter((name) => !(allowed as readonly string[]).includes(name));
  if (unknown.length > 0) throw new BadRequestError('INVALID_BODY', `Unknown field(s) ${unknown.join(', ')}; the body takes ${allowed.join(', ')}`);
  const missing = required.filter((name) => body[name] === undefined);
  if (missing.length > 0) throw new BadRequestError('INVALID_BODY', `The body must have ${missing.join(', ')}`);
  return body as Partial<Record<K, unknown>>;
}

function identityList(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_IDENTITIES_PER_REQUEST) {
    throw new BadRequestError(PeopleErrorCode.InvalidAgent, `identities must be an array of at most ${MAX_IDENTITIES_PER_REQUEST} Agents`);
  }
  return value;
}

function agentParameter(req: Request, agentIn: (value: unknown, path: string) => KeyedIdentity): KeyedIdentity {
  const { agent } = singleParameters(req.query, { required: ['agent'], resource: `${req.method} ${req.path}` });
  return agentIn(parseJsonParameter(agent!), 'agent');
}

function parseJsonParameter(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError(PeopleErrorCode.InvalidAgent, `agent must be an Agent in JSON, such as {"mbox":"mailto:learner@example.org"}; got ${JSON.stringify(text)}`);
  }
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIST_LIMIT;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > 100) throw new BadRequestError(BadRequestCode.InvalidParameter, `limit must be an integer from 1 to 100, got "${text}"`);
  return limit;
}

/** Routes of /people/{personId} match person ids (UUIDs) only: /people/links is not a person, and is not found. */
const personRoute: RequestHandler = (req, _res, next) => next(isUuid(String(req.params.personId)) ? undefined : 'route');

/** A person id (a UUID, as personRoute let through; `after` checked here), or 404 PERSON_NOT_FOUND. */
function personId(value: unknown): string {
  const text = String(value);
  if (!isUuid(text)) throw new NotFoundError(`No person with id ${text}`, PeopleErrorCode.PersonNotFound);
  return text.toLowerCase();
}
