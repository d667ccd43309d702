import { browserTests, expectAccessible, MOBILE, useBrowser, type OpenedPage } from '../../../../test-support/browser';
import { proofOfTree, proofPageApp } from './proof-page.contract';

/**
 * The inclusion proof check in Chromium (issue 14, goal: "an inclusion proof checked in the browser
 * in < 100 ms"): a page of the web shell rendering InclusionProofCheck with a voter's proof in a
 * tree of 100,000 counted votes and the decision leaf, under the shell's CSP (script-src 'self').
 */
const { describe: describeInBrowser } = browserTests;

async function verdictOf(opened: OpenedPage): Promise<{ result: string | null; text: string | null; milliseconds: number }> {
  const status = opened.page.locator('[data-inclusion-proof]');
  await opened.page.waitForSelector('[data-inclusion-proof][data-result]:not([data-result="checking"])');
  return { result: await status.getAttribute('data-result'), text: await status.textContent(), milliseconds: Number(await status.getAttribute('data-milliseconds')) };
}

describeInBrowser('the inclusion proof check in a browser', () => {
  const proof = proofOfTree();
  const browser = useBrowser(() => proofPageApp(proof));

  it('says "verified" for a voter\'s proof in a tree of 100,001 leaves, in < 100 ms measured in the page, accessible, without CSP problems', async () => {
    const opened = await browser.open('/proof/none');
    const verdict = await verdictOf(opened);
    expect(verdict.result).toBe('verified');
    expect(verdict.text).toMatch(/^Verified: your vote is in the tree with this root\. Checked in [\d.]+ ms\.$/);
    expect(verdict.milliseconds).toBeGreaterThan(0);
    expect(verdict.milliseconds).toBeLessThan(100);
    expect(await opened.page.textContent('main')).toContain(`leaf 31,338 of 100,001`);
    expect(await opened.page.getAttribute('[data-inclusion-proof]', 'aria-live')).toBe('polite');
    await expectAccessible(opened.page);
    expect(opened.problems()).toEqual([]);
    console.log(`inclusion proof of a tree of ${proof.treeSize} leaves (${proof.path.length} hashes) checked in Chromium in ${verdict.milliseconds.toFixed(2)} ms`);
  }, 60_000);

  it.each(['response', 'sibling', 'index', 'size', 'root'])('says "does not match" when the proof\'s %s is tampered with', async (what) => {
    const verdict = await verdictOf(await browser.open(`/proof/${what}`));
    expect(verdict.result).toBe('mismatch');
    expect(verdict.text).toMatch(/^Does not match: this proof does not lead to this root\./);
  });

  it('speaks Spanish, fits a phone, and without JavaScript says the check needs it', async () => {
    const spanish = await browser.open('/proof/none', { locale: 'es', ...MOBILE });
    expect((await verdictOf(spanish)).text).toMatch(/^Verificado: tu voto está en el árbol con esta raíz\. Comprobado en [\d,]+ ms\.$/);
    expect(await spanish.page.textContent('main')).toContain('hoja 31.338 de 100.001');
    await expectAccessible(spanish.page);
    const tamperedInSpanish = await browser.open('/proof/sibling', { locale: 'es' });
    expect((await verdictOf(tamperedInSpanish)).text).toMatch(/^No coincide/);
    const withoutScript = await browser.open('/proof/none', { javaScriptEnabled: false });
    expect(await withoutScript.page.textContent('[data-inclusion-proof]')).toMatch(/^Checking the proof in your browser needs JavaScript/);
  }, 60_000);
});
