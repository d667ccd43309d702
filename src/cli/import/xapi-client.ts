import { CliError, EXIT } from '../exit-codes';
import { oneLine } from '../program';

/** How a POST of statements ended: accepted (all of them), or refused with the LRS's status and reason. */
export type PostResult = { accepted: true } | { accepted: false; reason: string };

export interface RetryPolicy {
  /** Attempts of one request in all, while the LRS answers 503 or cannot be reached. */
  attempts: number;
  /** The first wait after a network error; doubled after each, up to maxDelayMs. */
  baseDelayMs: number;
  /** The longest wait, also for a 503's Retry-After. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * The xAPI statements resource of an LRS (`baseUrl` is its xAPI base, e.g. http://host/xapi),
 * with Basic auth. Retries a 503 after its Retry-After, and network errors with exponential
 * backoff; when they last, a CliError "cannot confirm" (exit 3). Refused credentials (401, or 403
 * for a missing scope) are a CliError "bad input" (exit 2): nothing else would succeed either.
 */
export class XapiClient {
  private readonly statementsUrl: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly baseUrl: string,
    credentials: { key: string; secret: string },
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly onRetry: (message: string) => void = () => {},
  ) {
    this.statementsUrl = `${baseUrl.replace(/\/+$/, '')}/statements`;
    this.headers = {
      'X-Experience-API-Version': '1.0.3',
      Authorization: `Basic ${Buffer.from(`${credentials.key}:${credentials.secret}`).toString('base64')}`,
    };
  }

  async post(statements: readonly Record<string, unknown>[]): Promise<PostResult> {
    const response = await this.send('POST', this.statementsUrl, JSON.stringify(statements));
    if (response.ok) {
      await response.body?.cancel();
      return { accepted: true };
    }
    if (response.status === 403) throw new CliError(EXIT.badInput, `the credential may not store statements: ${await reasonOf(response)}`);
    return { accepted: false, reason: await reasonOf(response) };
  }

  /** Whether the LRS holds a statement with this id, voided or not. */
  async holds(id: string): Promise<boolean> {
    for (const parameter of ['statementId', 'voidedStatementId']) {
      const response = await this.send('GET', `${this.statementsUrl}?${parameter}=${encodeURIComponent(id)}&attachments=false`);
      if (response.status === 403) {
        throw new CliError(EXIT.badInput, `the credential may not read statements (import needs statements/read too, to tell what is already there): ${await reasonOf(response)}`);
      }
      await response.body?.cancel();
      if (response.ok) return true;
      // 404: not under this parameter; anything else (an id that is no UUID): not held, and its POST will say why.
      if (response.status !== 404) return false;
    }
    return false;
  }

  /**
   * A JSON request to another resource of the same LRS (a plugin's admin API), retried like the
   * statements: its status, its parsed body, and the LRS's reason when it is not a success.
   */
  async json(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<{ status: number; body: any; reason?: string }> {
    const response = await this.send(method, url, body === undefined ? undefined : JSON.stringify(body));
    if (!response.ok) return { status: response.status, body: undefined, reason: await reasonOf(response) };
    const text = await response.text();
    try {
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    } catch {
      return { status: response.status, body: undefined, reason: `${response.status} with a body that is not JSON: ${text.slice(0, 200)}` };
    }
  }

  private async send(method: 'GET' | 'POST' | 'PATCH', url: string, body?: string): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let wait: number;
      let problem: string;
      try {
        const response = await fetch(url, { method, body, headers: body === undefined ? this.headers : { ...this.headers, 'Content-Type': 'application/json' } });
        if (response.status === 401) {
          throw new CliError(EXIT.badInput, `the LRS at ${this.baseUrl} refused the credentials: ${await reasonOf(response)}`);
        }
        if (response.status !== 503) return response;
        await response.body?.cancel();
        problem = '503 Service Unavailable';
        wait = retryAfterMs(response.headers.get('Retry-After')) ?? this.backoff(attempt);
      } catch (error) {
        if (error instanceof CliError) throw error;
        problem = oneLine(error);
        wait = this.backoff(attempt);
      }
      if (attempt >= this.retry.attempts) {
        throw new CliError(EXIT.cannotConfirm, `the LRS at ${this.baseUrl} did not answer after ${attempt} attempts: ${problem}`);
      }
      wait = Math.min(wait, this.retry.maxDelayMs);
      this.onRetry(`${problem}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${this.retry.attempts})`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private backoff(attempt: number): number {
    return this.retry.baseDelayMs * 2 ** (attempt - 1);
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The LRS's reason: `CODE: message` of Keiko's error body, else the start of whatever it sent. */
async function reasonOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { code?: string; message?: string };
    if (typeof body.message === 'string') return `${response.status} ${body.code ? `${body.code}: ` : ''}${body.message}`;
  } catch {
    // not JSON: the text itself
  }
  return `${response.status} ${text.trim().slice(0, 200) || response.statusText}`;
}
