import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { TestLrs } from './app';
import { csrfFieldOf } from './people';

export type ConsoleAgent = InstanceType<typeof TestAgent>;

/** A browser (cookies kept) signed in to the admin console with a new credential holding `admin`. */
export async function signedInToConsole(lrs: TestLrs, name = 'Console Admin'): Promise<ConsoleAgent> {
  const { key, secret } = await lrs.storage.credentials.create({ name, scopes: ['admin'] });
  const agent = request.agent(lrs.app);
  const form = await agent.get('/console/sign-in').expect(200);
  await agent.post('/console/sign-in').type('form').send({ _csrf: csrfFieldOf(form.text), key, secret }).expect(303);
  return agent;
}

/** Text of HTML with the entities JSX escapes turned back into characters. */
export function decodeHtml(html: string): string {
  return html.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
