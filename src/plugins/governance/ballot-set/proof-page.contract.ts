import express, { Router } from 'express';
import pino from 'pino';
import { h } from 'preact';
import { errorHandler, notFoundHandler } from '../../../http/error-handler';
import { renderPage, webErrorHandler, webNotFound, webPage, webRoutes } from '../../../web';
import { ballotLeafBytes, decisionLeafBytes, type BallotLeaf } from './leaves';
import { MerkleTree } from './merkle';
import { ballotSetAssets, InclusionProofCheck, PROOF_SCRIPT_PATH } from './proof-check';
import type { InclusionProof } from '.';

/**
 * A page of the web shell showing InclusionProofCheck, mounted as src/app.ts mounts the shell, with
 * a voter's proof in a tree of 100,000 counted votes and the decision leaf: GET /proof/<what>
 * shows the proof as it is (`none`) or with one part tampered with (response, sibling, index,
 * size, root). (A .ts file, without JSX, so that the build leaves it out like every .contract.ts.)
 */
const PROPOSAL = '6f1f3b0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
export const VOTES = 100_000;
export const VOTER = 31_337;

function voteOf(index: number): BallotLeaf {
  const voter = index.toString(16).padStart(64, '0');
  return { proposalId: PROPOSAL, voter, statementId: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`, response: index % 3 === 0 ? 'no' : 'yes', abstained: false, via: index % 7 === 0 ? ['ab'.repeat(32)] : [] };
}

export function proofOfTree(): InclusionProof {
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

export function proofPageApp(proof: InclusionProof) {
  const logger = pino({ level: 'silent' });
  const pages = Router().use(webPage());
  pages.get('/proof/:what', (req, res) => {
    const shown = tampered(proof, String(req.params.what));
    renderPage(res, { title: 'Proof', scripts: [PROOF_SCRIPT_PATH], body: h(InclusionProofCheck, { proof: shown.proof, root: shown.root }) });
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

