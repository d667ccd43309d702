/** The pull sources an administrator registers (store `pulls`), and the job's checkpoints of them. */
import { randomUUID } from 'node:crypto';
import { BadRequestError, NotFoundError, type Collection } from '../../../plugin-api';
import type { Peer } from '../model';
import { progressOf } from './cursor';
import { INVALID_PULL, type PullInput } from './input';
import type { PullSource } from './records';

/** The peers' port: A's PeerRegistry answers it. */
export interface PeerLookup {
  get(slug: string): Promise<Peer | undefined>;
}

export const PULL_NOT_FOUND = 'PULL_NOT_FOUND';
/** Attempts of a checkpoint against concurrent changes (an administrator pausing the source meanwhile). */
const CHECKPOINT_ATTEMPTS = 10;

export class PullSources {
  constructor(
    private readonly store: Collection<PullSource>,
    private readonly peers: PeerLookup,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new active source, for a peer with an xAPI endpoint (400 INVALID_PULL naming `peer` otherwise). */
  async create(input: PullInput): Promise<PullSource> {
    await this.pullablePeer(input.peer);
    const at = new Date(this.now()).toISOString();
    const source: PullSource = {
      id: randomUUID(),
      peer: input.peer,
      filters: input.filters,
      ...(input.since !== undefined && { since: input.since }),
      cursor: {},
      state: 'active',
      counts: { received: 0, refused: 0 },
      refusals: [],
      caughtUp: false,
      createdAt: at,
      updatedAt: at,
    };
    await this.store.insert(source.id, source);
    return source;
  }

  /** The peer a source pulls from, when it can be pulled from. */
  async pullablePeer(slug: string): Promise<Peer & { endpoint: string }> {
    const peer = await this.peers.get(slug);
    if (peer === undefined) throw new BadRequestError(INVALID_PULL, `peer: no peer "${slug}" is registered (POST /plugins/federation/peers first)`);
    if (peer.kind === 'caliper' || peer.endpoint === undefined) throw new BadRequestError(INVALID_PULL, `peer: "${slug}" has no xAPI endpoint to pull from (a ${peer.kind} peer)`);
    return peer as Peer & { endpoint: string };
  }

  /** The source, or 404 PULL_NOT_FOUND. */
  async existing(id: string): Promise<PullSource> {
    const found = await this.store.get(id);
    if (found === undefined) throw new NotFoundError(`No pull source ${id}`, PULL_NOT_FOUND);
    return found.value;
  }

  /** Sources, oldest first: of one peer, in one state, at most `limit`. */
  async list(where: { peer?: string; state?: PullSource['state'] }, limit: number): Promise<PullSource[]> {
    const found = await this.store.find({ where: { ...(where.peer !== undefined && { peer: where.peer }), ...(where.state !== undefined && { state: where.state }) }, orderBy: [{ field: 'createdAt' }], limit });
    return found.map((document) => document.value);
  }

  async setState(id: string, state: PullSource['state']): Promise<PullSource> {
    const changed = await this.change(id, (source) => ({ ...source, state, ...(state === 'active' && { caughtUp: false }) }));
    if (changed === undefined) throw new NotFoundError(`No pull source ${id}`, PULL_NOT_FOUND);
    return changed;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.delete(id))) throw new NotFoundError(`No pull source ${id}`, PULL_NOT_FOUND);
  }

  /**
   * Applies `update` to the source as it is now (optimistically, by revision), stamping
   * updatedAt: the job's checkpoints and an administrator's changes never undo one another.
   * Undefined when the source is gone.
   */
  async change(id: string, update: (source: PullSource) => PullSource): Promise<PullSource | undefined> {
    for (let attempt = 0; attempt < CHECKPOINT_ATTEMPTS; attempt++) {
      const current = await this.store.get(id);
      if (current === undefined) return undefined;
      const next = { ...update(current.value), updatedAt: new Date(this.now()).toISOString() };
      if (await this.store.update(id, next, current.revision)) return next;
    }
    throw new Error(`pull source ${id} kept changing under ${CHECKPOINT_ATTEMPTS} attempts to update it`);
  }
}

/** A source as the routes show it: its progress, the cursor without its internals. */
export function pullView(source: PullSource, nowMs: number): Record<string, unknown> {
  const { cursor, ...rest } = source;
  return { ...rest, cursor: { since: cursor.since, more: cursor.more }, progress: progressOf(source, nowMs) };
}
