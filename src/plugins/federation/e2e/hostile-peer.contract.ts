/**
 * A peer LRS on a local node:http server that the test turns hostile (issue 15: "a peer answering
 * slowly, with 5xx, with garbage, with a redirect to another host, or with a different statement
 * under the same id"), and well-behaved again: then it keeps what it is sent as an LRS does (each
 * id once; the same id with other content is 409, Data 2.3.1 as sameStatement compares), answers
 * GET ?statementId=, and remembers every request. Named `.contract.ts` so that the build, the
 * import graph and jest leave it out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseStatementsBody, sameStatement, type StatementAttachmentPart } from '../../../plugin-api';

/**
 * behave: as an LRS; slow: answers after `slowMs` (longer than the sender's timeout); 5xx: 503;
 * garbage: 200 with HTML; redirect: 307 to the same path on `redirectTo` (another host).
 */
export type Hostility = 'behave' | 'slow' | '5xx' | 'garbage' | 'redirect';

export interface SeenRequest {
  method: string;
  url: string;
  at: number;
  /** Ids of the statements a POST carried. */
  ids: string[];
  status: number;
}

export class HostilePeer {
  hostility: Hostility = 'behave';
  redirectTo?: string;
  slowMs = 3_000;
  /** Ids refused with 400 whenever a POST carries them (a statement this LRS will not take). */
  readonly refused = new Set<string>();
  /** Ids answered 503 whenever a POST carries them (a statement that breaks this LRS). */
  readonly breaking = new Set<string>();
  /** What it holds, by id; put a statement here first to hold "a different statement under the same id". */
  readonly statements = new Map<string, Record<string, unknown>>();
  readonly attachments = new Map<string, StatementAttachmentPart>();
  readonly requests: SeenRequest[] = [];
  /** Ids a POST carried again after they had been stored (at least once delivery; harmless to an LRS). */
  redelivered = 0;

  /** Its base URL (kept: the server's address is gone once it closes, while a slow answer may still be pending). */
  origin = '';

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<HostilePeer> {
    const server = http.createServer();
    const peer = new HostilePeer(server);
    server.on('request', (incoming, response) => void peer.answer(incoming, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    peer.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return peer;
  }

  /** The xAPI base URL a subscription pushes to. */
  get endpoint(): string {
    return `${this.origin}/xapi`;
  }

  /** POSTs that carried `id`. */
  postsWith(id: string): SeenRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.ids.includes(id));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(incoming: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const seen: SeenRequest = { method: incoming.method ?? '', url: incoming.url ?? '', at: Date.now(), ids: [], status: 0 };
    this.requests.push(seen);
    const statements = incoming.method === 'POST' ? this.statementsOf(incoming.headers['content-type'], Buffer.concat(chunks)) : undefined;
    seen.ids = (statements ?? []).map((statement) => String(statement.id));
    const [status, body, headers] = await this.reply(incoming, statements);
    seen.status = status;
    if (response.destroyed) return;
    response.writeHead(status, { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3', ...headers });
    response.end(body);
  }

  private statementsOf(contentType: string | undefined, body: Buffer): Array<Record<string, unknown>> | undefined {
    try {
      const { json, attachments } = parseStatementsBody(contentType, body);
      for (const attachment of attachments) this.attachments.set(attachment.sha2, attachment);
      return [json].flat() as Array<Record<string, unknown>>;
    } catch {
      return undefined;
    }
  }

  private async reply(incoming: http.IncomingMessage, statements: Array<Record<string, unknown>> | undefined): Promise<[number, string, Record<string, string>?]> {
    switch (this.hostility) {
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, this.slowMs));
        break;
      case '5xx':
        return [503, JSON.stringify({ error: 'Service Unavailable' })];
      case 'garbage':
        return [200, '<html><body>Welcome to our portal!</body></html>', { 'Content-Type': 'text/html' }];
      case 'redirect':
        return [307, '', { Location: `${this.redirectTo}${incoming.url}` }];
      case 'behave':
        break;
    }
    const url = new URL(incoming.url ?? '/', this.origin);
    if (incoming.method === 'GET' && url.pathname === '/xapi/statements') {
      const held = this.statements.get(url.searchParams.get('statementId') ?? '');
      return held ? [200, JSON.stringify(held)] : [404, JSON.stringify({ error: 'Not Found' })];
    }
    if (incoming.method !== 'POST' || url.pathname !== '/xapi/statements') return [404, JSON.stringify({ error: 'Not Found' })];
    return this.store(statements);
  }

  /** POST /statements as an LRS: all or nothing. */
  private store(statements: Array<Record<string, unknown>> | undefined): [number, string] {
    if (statements === undefined) return [400, JSON.stringify({ error: 'the body is not a statement or an array of statements' })];
    const ids = statements.map((statement) => String(statement.id));
    const refused = ids.find((id) => this.refused.has(id));
    if (refused) return [400, JSON.stringify({ error: `statement ${refused} is not acceptable here: the verb is not allowed` })];
    if (ids.some((id) => this.breaking.has(id))) return [503, JSON.stringify({ error: 'internal failure' })];
    const conflict = statements.find((statement) => this.statements.has(String(statement.id)) && !sameStatement(this.statements.get(String(statement.id))!, statement));
    if (conflict) return [409, JSON.stringify({ error: `a different statement is stored under ${String(conflict.id)}` })];
    for (const statement of statements) {
      if (this.statements.has(String(statement.id))) this.redelivered++;
      else this.statements.set(String(statement.id), statement);
    }
    return [200, JSON.stringify(ids)];
  }
}
