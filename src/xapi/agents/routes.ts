import { Router } from 'express';
import { requireScope } from '../../auth/authenticate';
import { singleParameters } from '../../http/parameters';
import { parseAgentParameter, type ActorValidator } from '../parameters';
import type { Agent } from '../types';
import type { AgentStore, Person } from './agent-store';

/** GET /agents?agent=…: a Person object for the agent (Communication 2.4). */
export function agentRoutes(store: AgentStore, validateActor: ActorValidator): Router {
  const router = Router();
  router.get('/agents', requireScope({ resource: 'agents', write: false }), async (req, res) => {
    const { agent: text } = singleParameters(req.query, { required: ['agent'], resource: 'GET agents' });
    const { actor, key } = parseAgentParameter(text!, validateActor, 'agents-only');
    res.json(personOf(actor as Agent, await store.namesOf(key)));
  });
  return router;
}

/** The LRS links no identities, so a Person carries the one IFI asked about and every name seen with it. */
function personOf(agent: Agent, names: string[]): Person {
  const person: Person = { objectType: 'Person' };
  const allNames = [...new Set([...names, ...(agent.name === undefined ? [] : [agent.name])])];
  if (allNames.length > 0) person.name = allNames;
  if (agent.mbox !== undefined) person.mbox = [agent.mbox];
  if (agent.mbox_sha1sum !== undefined) person.mbox_sha1sum = [agent.mbox_sha1sum];
  if (agent.openid !== undefined) person.openid = [agent.openid];
  if (agent.account !== undefined) person.account = [agent.account];
  return person;
}
