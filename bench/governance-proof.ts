/**
 * Governance ballot set benchmark: `npx tsx bench/governance-proof.ts [--ballots N] [--rounds N]`
 * (docs/governance.md, "Checking that your ballot was counted" and "Recounting"). For a closed
 * proposal of N ballots (default 100,000; simple majority, every member voting, one in seven by
 * delegation), in ms, median and fastest of `--rounds` rounds (default 5):
 *
 * - publishBallotSet: pseudonyms, the tally, the leaves and the tree (what the close job pays once);
 * - recount of the published set (what anyone pays to check the root);
 * - decisionTree of a stored set, then one inclusion proof from it (what GET …/proof pays uncached);
 * - verifyInclusion of one proof in Node (the browser's check is measured in Chromium by
 *   ballot-set/proof-check.browser.test.tsx);
 * - baselines in the same run: the tally alone, and SHA-256 of the published set's JSON in one call.
 */
import { hash } from 'node:crypto';
import { decisionTree, publishBallotSet, pseudonym, recount, verifyInclusion } from '../src/plugins/governance/ballot-set';
import type { VotingRules } from '../src/plugins/governance/model';
import { tally, type TallyInput } from '../src/plugins/governance/tally';

const option = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const ballots = option('--ballots', 100_000);
const rounds = option('--rounds', 5);
const RULES: VotingRules = {
  mechanism: 'simple-majority',
  quorum: 0.3,
  threshold: 0.5,
  opensAt: '2026-05-01T00:00:00.000Z',
  closesAt: '2026-05-08T00:00:00.000Z',
  ballotPrivacy: 'public',
  choices: ['yes', 'no', 'abstain'],
};
const PROPOSAL = '6f1f3b0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

function proposalLog(): TallyInput {
  const voters = Array.from({ length: ballots }, (_, index) => `mbox:mailto:member-${index}@example.org`);
  const direct = voters.filter((_, index) => index % 7 !== 0);
  return {
    proposal: { id: PROPOSAL, kind: 'policy', rules: RULES },
    eligible: voters,
    ballots: direct.map((voter, index) => ({
      statementId: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
      voter,
      stored: '2026-05-02T10:00:00.000Z',
      position: index,
      kind: 'public',
      response: ['yes', 'no', 'yes', 'abstain'][index % 4],
    })),
    delegations: voters.filter((_, index) => index % 7 === 0).map((delegator, index) => ({ delegator, delegate: direct[index], position: index })),
  };
}

function measure(run: () => void): { median: number; fastest: number } {
  run();
  const times = Array.from({ length: rounds }, () => {
    const start = performance.now();
    run();
    return performance.now() - start;
  }).sort((a, b) => a - b);
  return { median: times[Math.floor(rounds / 2)], fastest: times[0] };
}

const log = proposalLog();
const { set, tree } = publishBallotSet(log);
const voter = pseudonym(PROPOSAL, log.eligible[Math.floor(ballots / 3)]);
const proof = tree.leafOf(voter)!;
const setJson = JSON.stringify(set);
const rows: Record<string, { median: number; fastest: number }> = {
  [`publishBallotSet (${ballots.toLocaleString('en')} ballots → ${set.leaves.toLocaleString('en')} leaves)`]: measure(() => publishBallotSet(log)),
  'recount of the published set': measure(() => recount(set)),
  'decisionTree of a stored set + one proof': measure(() => decisionTree(set).leafOf(voter)),
  [`verifyInclusion, one proof (${proof.path.length} hashes)`]: measure(() => verifyInclusion(proof)),
  'baseline: tally alone': measure(() => tally(log)),
  [`baseline: SHA-256 of the set's JSON (${(setJson.length / 1e6).toFixed(1)} MB)`]: measure(() => hash('sha256', setJson)),
};
console.log('| measurement | median ms | fastest ms |\n|---|---:|---:|');
for (const [name, { median, fastest }] of Object.entries(rows)) console.log(`| ${name} | ${median.toFixed(3)} | ${fastest.toFixed(3)} |`);
console.log(`\nrecount matches: ${recount(set).matches}; root ${set.root}`);
