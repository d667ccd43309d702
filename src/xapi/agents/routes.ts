import { Router } from 'express';
import { requireScope } from '../../auth/authenticate';
import { singleParameters } from '../../http/parameters';
import { ifiKey } from '../actors';
import { parseAgentParameter, type ActorValidator } from '../parameters';
import type { Agent, InverseFunctionalIdentifiers } from '../types';
import type { AgentStore, Person } from './agent-store';

/** The person (if any) an identity is linked to: src/people's PeopleService answers it. */
export interface LinkedPeople {
  linkedPerson(ifiKey: string): Promise<{ name: string; identities: InverseFunctionalIdentifiers[] } | undefined>;
}

/**
 * GET /agents?agent=…: a Person object for the agent (Communication 2.4). When the agent's
 * identifier is linked to a person, the Person has every identifier linked to that person, with
 * the person's name and every name seen with any of them; otherwise it has the one identifier
 * asked about and the names seen with it.
 */
export function agentRoutes(store: AgentStore, validateActor: ActorValidator, people?: LinkedPeople): Router {
  const router = Router();
  router.get('/agents', requireScope({ resource: 'agents', write: false }), async (req, res) => {
    const { agent: text } = singleParameters(req.query, { required: ['agent'], resource: 'GET agents' });
    const { actor, key } = parseAgentParameter(text!, validateActor, 'agents-only');
    const agent = actor as Agent;
    const linked = await people?.linkedPerson(key);
    const identities = linked?.identities ?? [agent];
    const seen = await Promise.all(identities.map((identity) => store.namesOf(ifiKey(identity)!)));
    const names = [...(linked ? [linked.name] : []), ...seen.flat(), ...(agent.name === undefined ? [] : [agent.name])];
    res.json(personOf(names, identities));
  });
  return router;
}

function personOf(names: string[], identities: InverseFunctionalIdentifiers[]): Person {
  const person: Person = { objectType: 'Person' };
  const distinctNames = [...new Set(names)];
  if (distinctNames.length > 0) person.name = distinctNames;
  for (const { mbox, mbox_sha1sum, openid, account } of identities) {
    if (mbox !== undefined) (person.mbox ??= []).push(mbox);
    if (mbox_sha1sum !== undefined) (person.mbox_sha1sum ??= []).push(mbox_sha1sum);
    if (openid !== undefined) (person.openid ??= []).push(openid);
    if (account !== undefined) (person.account ??= []).push(account);
  }
  return person;
}
