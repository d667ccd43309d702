import request from 'supertest';
import { SHARES_STORES } from '../src/plugins/passport/shares';
import type { PassportTestLrs } from './passport';

/** Passport shares over HTTP (src/plugins/passport/shares): the API, the public share URL, the plugin's stores. */
export const SHARES = '/plugins/passport/api/shares';

export type ShareCreated = { id: string; url: string; expiresAt: string };

/** POST /api/shares as JSON, expecting 201. */
export async function createShare(browser: request.Agent, body: object): Promise<ShareCreated> {
  const response = await postShare(browser, body);
  expect(response.status).toBe(201);
  return response.body as ShareCreated;
}

export function postShare(browser: request.Agent, body: unknown) {
  return browser.post(SHARES).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

/** The path of a share's URL (http://lrs.test/plugins/passport/s/<token> → /plugins/passport/s/<token>). */
export const pathOf = (url: string): string => new URL(url).pathname;

/** A share's URL opened by a stranger (no cookies) asking for JSON. */
export function shareJson(passport: PassportTestLrs, url: string) {
  return request(passport.lrs.app).get(pathOf(url)).set('Accept', 'application/json');
}

/** A share's URL opened by a stranger's browser (HTML). */
export function sharePage(passport: PassportTestLrs, url: string, language = 'en') {
  return request(passport.lrs.app).get(pathOf(url)).set('Accept', 'text/html').set('Accept-Language', language);
}

/** The statement ids in a presentation's share credential (credentials/ puts them in credentialSubject.items). */
export function sharedStatementIds(presentation: unknown): string[] {
  const credentials = (presentation as { verifiableCredential: Array<{ type: string[]; credentialSubject: { items?: Array<{ statement: { id: string } }> } }> }).verifiableCredential;
  const share = credentials.find((credential) => credential.type.includes('KeikoPassportShare'));
  return (share?.credentialSubject.items ?? []).map((item) => item.statement.id);
}

/** The plugin's `shares` collection, to age a share past its expiry as time would. */
export async function sharesCollection(passport: PassportTestLrs) {
  return passport.lrs.storage.collections.open<{ expiresAt: string } & Record<string, unknown>>('passport', 'shares', SHARES_STORES.shares);
}
