import express, { Router } from 'express';
import pino from 'pino';
import { browserTests, expectAccessible, MOBILE, useBrowser, type OpenedPage } from '../../../../test-support/browser';
import { errorHandler, notFoundHandler } from '../../../http/error-handler';
import { renderPage, webErrorHandler, webNotFound, webPage, webRoutes } from '../../../web';
import { ballotLeafBytes, decisionLeafBytes, type BallotLeaf } from './leaves';
import { MerkleTree } from './merkle';
import { ballotSetAssets, InclusionProofCheck, PROOF_SCRIPT_PATH } from './proof-check';
import type { InclusionProof } from '.';

/**
 * The inclusion proof check in Chromium (issue 14, goal: "an inclusion proof checked in the browser
 * in < 100 ms"): a page of the web shell rendering InclusionProofCheck with a voter's proof in a
 * tree of 100,000 counted votes and the decision leaf, under the shell's CSP (script-src 'self').
 */
const { describe: describeInBrowser } = browserTests;
const PROPOSAL = '6f1f3b0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const VOTES = 100_000;
const VOTER = 31_337;

function voteOf(index: number): BallotLeaf {
  const voter = index.toString(16).padStart(64, '0');
  return { proposalId: PROPOSAL, voter, statementId: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`, response: index % 3 === 0 ? 'no' : 'yes', abstained: false, via: index % 7 === 0 ? ['ab'.repeat(32)] : [] };
}

function proofOfTree(): InclusionProof {
  const votes = Array.from({ length: VOTES }, (_, index) => voteOf(index));
  const decision = decisionLeafBytes({ proposalId: PROPOSAL, outcome: 'adopted', reason: 'adopted', tally: { counts: { yes: 66_666, no: 33_334 } }, turnout: { eligible: VOTES, counted: VOTES, abstained: 0, quorumMet: true } });
  const tree = new MerkleTree([...votes.map(ballotLeafBytes), decision]);
  return { leaf: votes[VOTER], leafIndex: VOTER, treeSize: tree.size, path: tree.auditPath(VOTER).map((hash) => hash.toString('hex')), root: tree.root.toString('hex') };
}

/** The proof, or one part of it tampered with. */
function tampered(proof: InclusionProof, what: string): { proof: InclusionProof; root?: string } {
  const flipped = (hex: string) => `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`;
  switch (what) {
    case 'response':
      return { proof: { ...proof, leaf: { ...proof.leaf, response: 'no' } } };
    case 'sibling':
      return { proof: { ...proof, path: [proof.path[0], flipped(proof.path[1]), ...proof.path.slice(2)] } };
    case 'index':
      return { proof: { ...proof, leafIndex: proof.leafIndex + 1 } };
    case 'size':
      return { proof: { ...proof, treeSize: 2 * proof.treeSize } };
    case 'root':
      return { proof, root: flipped(proof.root) };
    default:
      return { proof };
  }
}

function proofPageApp(proof: InclusionProof) {
  const logger = pino({ level: 'silent' });
  const pages = Router().use(webPage());
  pages.get('/proof/:what', (req, res) => {
    const shown = tampered(proof, String(req.params.what));
    renderPage(res, { title: 'Proof', scripts: [PROOF_SCRIPT_PATH], body: <InclusionProofCheck proof={shown.proof} root={shown.root} /> });
  });
  return express()
    .use('/plugins/governance', ballotSetAssets())
    .use(webRoutes({ siteNav: [] }))
    .use(pages)
    .use(webNotFound())
    .use(notFoundHandler())
    .use(webErrorHandler(logger))
    .use(errorHandler(logger));
}

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
