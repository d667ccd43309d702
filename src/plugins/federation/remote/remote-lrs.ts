/**
 * An HTTP client for any conformant xAPI 1.0.3 LRS (Keiko or not): the one place federation
 * talks to another LRS. Every answer becomes a RemoteOutcome, never an exception, so that the
 * delivery and pull jobs decide by kind: `accepted`, `refused` (the remote turned the statements
 * down: retry each alone, then park) or `unavailable` (the peer is down, slow, answers garbage or
 * points elsewhere: keep the batch, back off).
 *
 * Hostile peers (issue 15): each request is bounded by a timeout (the whole answer included) and a
 * size limit; a redirect is followed only within the endpoint's origin (credentials and signed
 * deliveries never go elsewhere); an answer that is not what the xAPI resource answers is garbage.
 */
import { BadRequestError, buildStatementsBody, parseStatementsBody, type StatementAttachmentPart } from '../../../plugin-api';
import type { Peer } from '../model';
import { INBOX_PATH } from '../vocabulary';

export type RemoteOutcome =
  | { kind: 'accepted'; ids: string[] }
  /** A statement-level refusal (400, 404, 409, 413, 415, 422): the statements, not the peer, are the problem. */
  | { kind: 'refused'; status: number; body: string }
  /** Network failure, timeout, 5xx, 429, 401/403, a redirect elsewhere, garbage: the peer is the problem. */
  | { kind: 'unavailable'; status?: number; body?: string; reason: string };

export interface RemoteStatementsPage {
  statements: object[];
  /** The next page's URL as the remote gave it (pass it back to getStatements), absent on the last page. */
  more?: string;
  attachments: StatementAttachmentPart[];
}

export interface RemoteStatement {
  statement: object;
  attachments: StatementAttachmentPart[];
}

export interface RemoteLrsOptions {
  /** The remote's xAPI base URL, e.g. https://lrs.example/xapi. */
  endpoint: string;
  /** HTTP Basic credentials this LRS uses there. */
  credentials?: { key: string; secret: string };
  /** The longest wait for a whole answer. */
  timeoutMs: number;
  /** The largest answer read; a larger one is `unavailable`. */
  maxResponseBytes: number;
}

/** Headers added to one request, or a function making them from what is sent (a signature covers the body and URL). */
export type ExtraHeaders = Record<string, string> | ((request: { method: string; url: string; body: Buffer }) => Record<string, string>);

/** Statuses that refuse the statements sent rather than say the peer is unwell. */
const STATEMENT_REFUSALS = new Set([400, 404, 409, 413, 415, 422]);
/** At most this much of a refusal's body is kept (a dead letter keeps 4 KiB). */
export const MAX_KEPT_BODY = 4096;
const MAX_REDIRECTS = 5;

export class RemoteLrs {
  readonly endpoint: string;
  private readonly origin: string;
  private readonly authorization: string | undefined;

  constructor(private readonly options: RemoteLrsOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.origin = new URL(this.endpoint).origin;
    const { credentials } = options;
    this.authorization = credentials && `Basic ${Buffer.from(`${credentials.key}:${credentials.secret}`).toString('base64')}`;
  }

  /**
   * POST statements (with their attachments: Communication 1.5.2) to `<endpoint>/statements`, or to
   * `url` (a Keiko peer's inbox, with an envelope as `json`).
   */
  async postStatements(json: unknown, attachments: readonly StatementAttachmentPart[], { url, headers }: { url?: string; headers?: ExtraHeaders } = {}): Promise<RemoteOutcome> {
    const { contentType, body } = buildStatementsBody(json, attachments);
    const answer = await this.request('POST', url ?? `${this.endpoint}/statements`, { body, contentType, headers });
    if (answer.kind !== 'answered') return answer;
    const { status, text } = answer;
    if (status === 200) {
      const ids = parseJson(text);
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return garbage(answer, 'answered 200 without the array of statement ids');
      const sent = statementCount(json);
      if (sent !== undefined && ids.length !== sent) return garbage(answer, `answered ${ids.length} statement ids for ${sent} statements`);
      return { kind: 'accepted', ids };
    }
    if (status === 204) return { kind: 'accepted', ids: [] };
    return failed(answer);
  }

  /** GET one statement with its attachments; undefined when the remote has none by that id (voided ones included). */
  async getStatement(id: string): Promise<RemoteStatement | undefined | RemoteOutcome> {
    for (const parameter of ['statementId', 'voidedStatementId']) {
      const answer = await this.request('GET', `${this.endpoint}/statements?${parameter}=${encodeURIComponent(id)}&attachments=true`);
      if (answer.kind !== 'answered') return answer;
      if (answer.status === 404) continue;
      if (answer.status !== 200) return failed(answer);
      const read = readStatementsBody(answer);
      if ('kind' in read) return read;
      if (!isObject(read.json)) return garbage(answer, 'answered a statement that is not a JSON object');
      return { statement: read.json, attachments: read.attachments };
    }
    return undefined;
  }

  /**
   * GET a page of statements: `path` relative to the endpoint (`statements?since=…`), or a `more`
   * URL the remote gave (an absolute path, resolved at the endpoint's origin; a full URL must be
   * at that origin).
   */
  async getStatements(path: string): Promise<RemoteStatementsPage | RemoteOutcome> {
    const url = this.resolve(path);
    if (url === undefined) return { kind: 'unavailable', reason: `the next page (${path.slice(0, 200)}) is not at the endpoint's origin ${this.origin}: not followed` };
    const answer = await this.request('GET', url);
    if (answer.kind !== 'answered') return answer;
    if (answer.status !== 200) return failed(answer);
    const read = readStatementsBody(answer);
    if ('kind' in read) return read;
    const result = read.json as { statements?: unknown; more?: unknown } | null;
    if (!isObject(result) || !Array.isArray(result.statements) || !result.statements.every(isObject)) {
      return garbage(answer, 'answered something other than a StatementResult (an object with a statements array)');
    }
    if (result.more !== undefined && typeof result.more !== 'string') return garbage(answer, 'answered a StatementResult whose more is not a string');
    return { statements: result.statements, ...(typeof result.more === 'string' && result.more !== '' && { more: result.more }), attachments: read.attachments };
  }

  /** GET a JSON document at the endpoint's origin (a Keiko peer's published identity), under the same limits. */
  async getJson(url: string): Promise<{ json: unknown } | RemoteOutcome> {
    const resolved = this.resolve(url);
    if (resolved === undefined) return { kind: 'unavailable', reason: `${url.slice(0, 200)} is not at the endpoint's origin ${this.origin}: not asked` };
    const answer = await this.request('GET', resolved);
    if (answer.kind !== 'answered') return answer;
    if (answer.status !== 200) return failed(answer);
    const json = parseJson(answer.text);
    return json === undefined ? garbage(answer, 'answered something other than JSON') : { json };
  }

  /** The URL of a path relative to the endpoint, or of a `more` link; undefined for one at another origin. */
  private resolve(path: string): string | undefined {
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
      const url = safeUrl(path);
      return url?.origin === this.origin ? url.href : undefined;
    }
    return path.startsWith('/') ? this.origin + path : `${this.endpoint}/${path}`;
  }

  /** One exchange, following redirects within the endpoint's origin: an answer read within the limits, or why there is none. */
  private async request(method: string, firstUrl: string, send?: { body: Buffer; contentType: string; headers?: ExtraHeaders }): Promise<Answered | Unavailable> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let url = firstUrl;
    try {
      for (let redirects = 0; ; redirects++) {
        const response = await fetch(url, { method, headers: this.headersFor(method, url, send), body: send && new Uint8Array(send.body.buffer as ArrayBuffer, send.body.byteOffset, send.body.byteLength), redirect: 'manual', signal });
        if (!isRedirect(response.status)) return await this.read(response, method, url);
        await response.body?.cancel();
        const location = response.headers.get('location');
        const next = location === null ? undefined : safeUrl(location, url);
        if (next === undefined) return { kind: 'unavailable', status: response.status, reason: `${method} ${url} answered ${response.status} without a usable Location` };
        if (next.origin !== this.origin) return { kind: 'unavailable', status: response.status, reason: `${method} ${url} redirected to another origin (${next.origin}): not followed` };
        if (!followable(method, response.status)) return { kind: 'unavailable', status: response.status, reason: `${method} ${url} answered ${response.status}, which would resend it as a GET: not followed` };
        if (redirects === MAX_REDIRECTS) return { kind: 'unavailable', status: response.status, reason: `${method} ${firstUrl}: more than ${MAX_REDIRECTS} redirects` };
        url = next.href;
      }
    } catch (error) {
      return { kind: 'unavailable', reason: `${method} ${url}: ${networkFailure(error, this.options.timeoutMs)}` };
    }
  }

  private headersFor(method: string, url: string, send: { body: Buffer; contentType: string; headers?: ExtraHeaders } | undefined): Record<string, string> {
    const extra = typeof send?.headers === 'function' ? send.headers({ method, url, body: send.body }) : send?.headers;
    return {
      'X-Experience-API-Version': '1.0.3',
      Accept: 'application/json, multipart/mixed',
      ...(this.authorization !== undefined && { Authorization: this.authorization }),
      ...(send !== undefined && { 'Content-Type': send.contentType }),
      ...extra,
    };
  }

  /** The answer's body within maxResponseBytes (the declared length checked first, then what arrives). */
  private async read(response: Response, method: string, url: string): Promise<Answered | Unavailable> {
    const limit = this.options.maxResponseBytes;
    const tooLarge: Unavailable = { kind: 'unavailable', status: response.status, reason: `${method} ${url} answered more than ${limit} bytes: not read` };
    if (Number(response.headers.get('content-length') ?? 0) > limit) {
      await response.body?.cancel();
      return tooLarge;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    for (let chunk = await reader?.read(); chunk !== undefined && !chunk.done; chunk = await reader!.read()) {
      size += chunk.value.byteLength;
      if (size > limit) {
        await reader!.cancel().catch(() => undefined);
        return tooLarge;
      }
      chunks.push(Buffer.from(chunk.value));
    }
    const body = Buffer.concat(chunks);
    return { kind: 'answered', status: response.status, contentType: response.headers.get('content-type') ?? undefined, body, text: body.toString('utf8') };
  }
}

/** Where a Keiko peer takes signed deliveries: its public base URL (the endpoint without /xapi) + INBOX_PATH. */
export function inboxUrlOf(peer: Pick<Peer, 'endpoint'>): string {
  return keikoBaseOf(peer) + INBOX_PATH;
}

/** A Keiko peer's public base URL: its xAPI endpoint without the trailing /xapi. */
export function keikoBaseOf({ endpoint }: Pick<Peer, 'endpoint'>): string {
  if (endpoint === undefined) throw new Error('a Keiko peer without an endpoint has no base URL');
  const url = new URL(endpoint.replace(/\/+$/, ''));
  return url.origin + url.pathname.replace(/\/xapi$/, '').replace(/\/$/, '');
}

/** Whether a job's call returned a RemoteOutcome rather than what it asked for. */
export function isRemoteOutcome(value: unknown): value is RemoteOutcome {
  return isObject(value) && typeof (value as { kind?: unknown }).kind === 'string';
}

interface Answered {
  kind: 'answered';
  status: number;
  contentType?: string;
  body: Buffer;
  text: string;
}

type Unavailable = Extract<RemoteOutcome, { kind: 'unavailable' }>;

/** What a non-success status means: the statements refused, or the peer unavailable. */
function failed({ status, text }: Answered): RemoteOutcome {
  const body = keptBody(text);
  if (STATEMENT_REFUSALS.has(status)) return { kind: 'refused', status, body };
  return { kind: 'unavailable', status, body, reason: unavailableReason(status) };
}

function unavailableReason(status: number): string {
  if (status === 401 || status === 403) return `the remote refused our credentials (${status})`;
  if (status === 429) return 'the remote asks us to slow down (429)';
  if (status >= 500) return `the remote failed (${status})`;
  return `the remote answered ${status}, which an xAPI LRS does not answer here`;
}

function garbage({ status, text }: Answered, what: string): Unavailable {
  return { kind: 'unavailable', status, body: keptBody(text), reason: `the remote ${what}` };
}

function readStatementsBody(answer: Answered): { json: unknown; attachments: StatementAttachmentPart[] } | Unavailable {
  try {
    return parseStatementsBody(answer.contentType, answer.body);
  } catch (error) {
    if (!(error instanceof BadRequestError)) throw error;
    return garbage(answer, `answered an unreadable statements body: ${error.message}`);
  }
}

function statementCount(json: unknown): number | undefined {
  if (Array.isArray(json)) return json.length;
  const envelope = json as { statements?: unknown } | null;
  if (isObject(envelope) && Array.isArray(envelope.statements)) return envelope.statements.length;
  return isObject(json) ? 1 : undefined;
}

function keptBody(text: string): string {
  return text.length > MAX_KEPT_BODY ? text.slice(0, MAX_KEPT_BODY) : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}

/** 307 and 308 keep the method and body; 301, 302 and 303 would turn a POST into a GET. */
function followable(method: string, status: number): boolean {
  return status === 307 || status === 308 || method === 'GET';
}

function safeUrl(value: string, base?: string): URL | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function networkFailure(error: unknown, timeoutMs: number): string {
  const { name, cause, message } = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (name === 'TimeoutError' || name === 'AbortError') return `no whole answer within ${timeoutMs / 1000} s`;
  return `network failure (${cause?.code ?? cause?.message ?? message ?? String(error)})`;
}
