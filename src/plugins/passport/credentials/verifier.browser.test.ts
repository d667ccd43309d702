import { randomUUID } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import type { StoredStatement } from '../../../plugin-api';
import { openTestBackend, type TestBackend } from '../../../../test-support/backends';
import { browserTests, useBrowser, type OpenedPage } from '../../../../test-support/browser';
import type { ShareItem } from './achievement';
import { PassportIssuer } from './issuer';
import { credentialRoutes, verifierScriptPath } from './routes';
import type { JsonObject, Signed } from './vc-bundle';

/**
 * The browser verifier bundle in Chromium, under the share page's policy (scripts and fetches from
 * the page's origin only): the same results as in Node, and no CSP violation. The LRS's public
 * URL is the served origin, so its did:web resolves to the served DID document.
 */
const { describe: describeInBrowser } = browserTests;
const PAGE_POLICY = "default-src 'none'; script-src 'self'; connect-src 'self'";

describeInBrowser('the browser verifier', () => {
  let backend: TestBackend;
  let issuer: PassportIssuer;
  let credentials: RequestHandler = (_req, _res, next) => next();
  const session = useBrowser(() =>
    express()
      .get('/', (_req, res) => {
        res.set('Content-Security-Policy', PAGE_POLICY).type('html').send('<!DOCTYPE html><html lang="en"><head><title>Share</title></head><body></body></html>');
      })
      .use('/plugins/passport', (req, res, next) => credentials(req, res, next)),
  );

  beforeAll(async () => {
    backend = await openTestBackend('sqlite');
    const collections = backend.backend.collections;
    issuer = await PassportIssuer.open({ keys: await collections.open('passport', 'credential-keys'), statusLists: await collections.open('passport', 'status-lists'), publicUrl: session.baseUrl });
    credentials = credentialRoutes(issuer);
    await issuer.warmUp();
  }, 60_000);
  afterAll(() => backend.dispose());

  function item(n: number, achievement?: string): ShareItem {
    const time = new Date().toISOString();
    const statement = {
      id: randomUUID(),
      actor: { objectType: 'Agent', mbox: 'mailto:learner@example.org' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
      object: { objectType: 'Activity', id: `https://school.example/activities/${n}`, definition: { name: { 'en-US': `Activity ${n}` } } },
      result: { score: { scaled: 0.5 } },
      stored: time,
      timestamp: time,
      authority: { objectType: 'Agent', account: { homePage: 'https://school.example', name: 'lms' } },
      version: '1.0.3',
    } satisfies StoredStatement;
    return { statement, stored: time, kind: 'interaction', ...(achievement !== undefined && { achievement: { name: achievement } }) };
  }

  async function share(items: ShareItem[]) {
    const statusIndex = await issuer.statusList.allocate();
    const presentation = await issuer.signShare({ shareId: randomUUID(), statusIndex, expiresAt: new Date(Date.now() + 86_400_000), subject: {}, items });
    return { presentation, statusIndex };
  }

  /**
   * verifyShare of the bundle, imported by the page as a share page would: its result and time. (A
   * string, not a function: ts-jest would compile the function's import() into require().)
   */
  function verifyInPage(opened: OpenedPage, presentation: Signed): Promise<{ result: string; reasons: string[]; items: number; ms: number }> {
    const input = JSON.stringify({ script: verifierScriptPath(), vp: presentation, publicUrl: session.baseUrl });
    return opened.page.evaluate(`(async ({ script, vp, publicUrl }) => {
      const { verifyShare } = await import(script);
      const started = performance.now();
      const verification = await verifyShare(vp, { publicUrl });
      return { result: verification.result, reasons: verification.reasons, items: verification.items.length, ms: performance.now() - started };
    })(${input})`);
  }

  it('says valid, then revoked once revoked, and cannot confirm a changed share, with no CSP violation', async () => {
    const { presentation, statusIndex } = await share([item(1), item(2, 'Algebra I')]);
    const opened = await session.open('/');
    await expect(verifyInPage(opened, presentation)).resolves.toMatchObject({ result: 'valid', reasons: [], items: 2 });
    const tampered = structuredClone(presentation);
    ((tampered.verifiableCredential as JsonObject[])[1]!.credentialSubject as { achievement: { name: string } }).achievement.name = 'PhD';
    await expect(verifyInPage(opened, tampered)).resolves.toMatchObject({ result: 'cannot-confirm' });
    await issuer.statusList.revoke(statusIndex);
    await expect(verifyInPage(opened, presentation)).resolves.toMatchObject({ result: 'revoked' });
    expect(opened.problems()).toEqual([]);
  });

  it('verifies a 500-item share with one achievement within the 2 s goal', async () => {
    const { presentation } = await share(Array.from({ length: 500 }, (_, n) => item(n, n === 0 ? 'Algebra I' : undefined)));
    const opened = await session.open('/');
    await verifyInPage(opened, (await share([item(0)])).presentation);
    const verification = await verifyInPage(opened, presentation);
    process.stderr.write(`browser verify of a 500-item share: ${Math.round(verification.ms)} ms\n`);
    expect(verification).toMatchObject({ result: 'valid', items: 500 });
    expect(verification.ms).toBeLessThan(2000 * 3); // the goal is 2 s; 3x room for a loaded CI machine
  });
});
