/**
 * The governance plugin as a client sees it over HTTP, on an LRS in this process (supertest) or
 * in a child process (fetch): parties acting through credentials, every answer kept so that a test
 * can say that none was a 5xx. Named `.contract.ts` so that the build, the import graph and jest
 * leave it out.
 */
import type { Express } from 'express';
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { schoolAgent, type TestAgent } from '../../../../test-support/governance';
import { ifiKey } from '../../../plugin-api';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface Reply {
  status: number;
  body: any;
  /** When the answer arrived (ms since the epoch). */
  at: number;
}

/** One HTTP request to the LRS: `path` from its root, `auth` a Basic authorization, `body` JSON. */
export type Transport = (method: Method, path: string, auth: string, body?: object) => Promise<Reply>;

export function supertestTransport(app: Express): Transport {
  return async (method, path, auth, body) => {
    const test = request(app)[method](path).set('Authorization', auth).set(XAPI_VERSION_HEADER);
    const response = await (body === undefined ? test : test.send(body));
    return { status: response.status, body: response.body, at: Date.now() };
  };
}

export function fetchTransport(baseUrl: string): Transport {
  return async (method, path, auth, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: method.toUpperCase(),
      headers: { Authorization: auth, ...XAPI_VERSION_HEADER, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), at: Date.now() };
  };
}

/** A credential acting for `agent` (its `key` is the voter key, ifiKey(agent)). */
export interface Party {
  name: string;
  agent: TestAgent;
  key: string;
  auth: string;
}

export const PARTICIPATE = 'plugins/governance/participate';
export const ADMINISTER = 'plugins/governance/administer';

/** A new Agent for whom the credential `auth` acts (one credential may act for many Agents). */
export function actingFor(name: string, auth: string): Party {
  const agent = schoolAgent(name);
  return { name, agent, key: ifiKey(agent)!, auth };
}

/** Governance calls as parties, every answer recorded. `reader` reads statements (xAPI). */
export class GovernanceClient {
  readonly answers: Array<{ method: Method; path: string; status: number; code?: string }> = [];

  constructor(
    private readonly transport: Transport,
    private readonly reader: string,
    private readonly credential: (scopes: string[], name: string) => Promise<string>,
  ) {}

  /** A new Agent with a new credential holding `scopes`. */
  async party(name: string, scopes: string[] = [PARTICIPATE]): Promise<Party> {
    return actingFor(name, await this.credential(scopes, `${name} credential`));
  }

  /** /plugins/governance<path> as the party: its Agent as the body's `actor`, or the `agent` query parameter of a GET. */
  call(party: Party, method: Method, path: string, body?: object): Promise<Reply> {
    const url = `/plugins/governance${path}`;
    if (method === 'get') return this.send(method, `${url}${url.includes('?') ? '&' : '?'}agent=${encodeURIComponent(JSON.stringify(party.agent))}`, party.auth);
    return this.send(method, url, party.auth, { actor: party.agent, ...body });
  }

  /** A statement by id, read through /xapi/statements (undefined when not found). */
  async statement(id: string): Promise<Record<string, any> | undefined> {
    const reply = await this.send('get', `/xapi/statements?statementId=${id}`, this.reader);
    return reply.status === 200 ? reply.body : undefined;
  }

  /** Every statement of a registration, oldest first (following `more`). */
  async statementsOf(registration: string): Promise<Array<Record<string, any>>> {
    const statements: Array<Record<string, any>> = [];
    for (let page: string | undefined = `/xapi/statements?registration=${registration}&ascending=true`; page; ) {
      const reply = await this.send('get', page, this.reader);
      if (reply.status !== 200) throw new Error(`GET ${page}: ${reply.status} ${JSON.stringify(reply.body)}`);
      statements.push(...reply.body.statements);
      page = reply.body.more || undefined;
    }
    return statements;
  }

  /** The answers that were 5xx (each one a bug). */
  serverErrors(): string[] {
    return this.answers.filter(({ status }) => status >= 500).map(({ method, path, status, code }) => `${method.toUpperCase()} ${path} → ${status} ${code ?? ''}`);
  }

  private async send(method: Method, path: string, auth: string, body?: object): Promise<Reply> {
    const reply = await this.transport(method, path, auth, body);
    this.answers.push({ method, path: path.split('?')[0]!, status: reply.status, ...(typeof reply.body?.code === 'string' && { code: reply.body.code }) });
    return reply;
  }
}
