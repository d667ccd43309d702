import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';

export interface TestOidcClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

/** What the provider says about a login: its claims besides `sub` (which is the login). */
export type TestAccounts = Record<string, { email?: string; email_verified?: boolean; name?: string }>;

export interface TestOidcProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts test-support/oidc/provider.mjs (a real oidc-provider) and resolves once it listens. */
export async function startTestOidcProvider(client: TestOidcClient, accounts: TestAccounts = {}): Promise<TestOidcProvider> {
  const child = spawn(process.execPath, [path.join(__dirname, 'provider.mjs')], {
    env: { ...process.env, OIDC_TEST_CLIENT: JSON.stringify(client), OIDC_TEST_ACCOUNTS: JSON.stringify(accounts) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const issuer = await issuerOf(child);
  return {
    issuer,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function issuerOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ISSUER (\S+)\n/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`The test OIDC provider exited (${code}): ${errors}`)));
  });
}

/**
 * Goes through the provider's development login as `login` (any password) from its authorization
 * URL, as a browser would, and returns the URL it finally redirects to: the client's callback.
 */
export async function signInAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const origin = new URL(authorizationUrl).origin;
  const browser = request.agent(origin);
  let response = await browser.get(pathOf(authorizationUrl));
  for (let step = 0; step < 10; step += 1) {
    const location = response.headers.location as string | undefined;
    if (location === undefined) {
      const submit = /action="([^"]+)"/.exec(response.text)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(response.text)?.[1];
      if (submit === undefined || prompt === undefined) throw new Error(`Unexpected page at the provider: ${response.status} ${response.text.slice(0, 300)}`);
      response = await browser.post(pathOf(new URL(submit, origin).href)).type('form').send({ prompt, login, password: 'any' });
      continue;
    }
    const next = new URL(location, origin);
    if (next.origin !== origin) return next;
    response = await browser.get(pathOf(next.href));
  }
  throw new Error('The provider kept redirecting');
}

function pathOf(url: string): string {
  const { pathname, search } = new URL(url);
  return `${pathname}${search}`;
}
