import type { Collection } from '../../../plugin-api';
import type { PublishedBallotSet } from '../ballot-set';
import type { BallotSetChunk } from './records';

/** Characters of the set's JSON per document: escaped in the stored JSON it stays under the 2 MiB a document may hold. */
const CHUNK_CHARS = 500_000;

/**
 * The published ballot set of each decision, kept as it was published (the decision's root is its
 * tree's), in chunks of its JSON, since a set of 100,000 ballots is larger than one document. A set
 * is saved before its decision is recorded; one whose chunks are not all there (a crash while
 * saving) reads as missing and is published again, identically.
 */
export class BallotSets {
  constructor(private readonly chunks: Collection<BallotSetChunk>) {}

  async save(set: PublishedBallotSet): Promise<void> {
    const text = JSON.stringify(set);
    const count = Math.max(1, Math.ceil(text.length / CHUNK_CHARS));
    for (let chunk = 0; chunk < count; chunk++) {
      await this.chunks.put(`${set.proposalId}/${chunk}`, { proposalId: set.proposalId, chunk, chunks: count, text: text.slice(chunk * CHUNK_CHARS, (chunk + 1) * CHUNK_CHARS) });
    }
  }

  async load(proposalId: string): Promise<PublishedBallotSet | undefined> {
    const found = await this.chunks.find({ where: { proposalId }, orderBy: [{ field: 'chunk' }] });
    const expected = found[0]?.value.chunks;
    if (expected === undefined || found.length !== expected || found.some(({ value }, index) => value.chunk !== index)) return undefined;
    return JSON.parse(found.map(({ value }) => value.text).join('')) as PublishedBallotSet;
  }
}
