/**
 * Push subscriptions (issue 15): which statements go to which peer. A subscription starts at the
 * feed's head (`from: "now"`) or its beginning, and is paused, resumed, refiltered or deleted by
 * an admin; its cursor is moved only by the delivery engine.
 */
import { randomUUID } from 'node:crypto';
import { BadRequestError, NotFoundError, objectFields, type Collection, type StatementReader } from '../../../plugin-api';
import type { Peer } from '../model';
import { INVALID_SUBSCRIPTION, parseFilters } from './filters';
import type { Retry, Subscription } from './records';

export interface PeerLookup {
  get(slug: string): Promise<Peer | undefined>;
}

export interface SubscriptionsOptions {
  store: Collection<Subscription>;
  retries: Collection<Retry>;
  peers: PeerLookup;
  statements: Pick<StatementReader, 'feedHead'>;
  now?: () => Date;
}

export class Subscriptions {
  private readonly now: () => Date;

  constructor(private readonly options: SubscriptionsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async create(input: unknown): Promise<Subscription> {
    const body = objectFields(input, INVALID_SUBSCRIPTION, { known: ['peer', 'filters', 'from', 'state'] });
    const peer = await this.pushablePeer(body.peer);
    const filters = body.filters === undefined ? {} : parseFilters(body.filters);
    const from = body.from ?? 'now';
    if (from !== 'now' && from !== 'beginning') throw new BadRequestError(INVALID_SUBSCRIPTION, 'from must be "now" (statements stored from now on) or "beginning" (every stored statement)');
    const at = this.now().toISOString();
    const subscription: Subscription = {
      id: randomUUID(),
      peer: peer.slug,
      filters,
      state: state(body.state ?? 'active'),
      cursor: from === 'now' ? await this.options.statements.feedHead() : 0,
      createdAt: at,
      updatedAt: at,
    };
    await this.options.store.insert(subscription.id, subscription);
    return subscription;
  }

  async list(): Promise<Subscription[]> {
    return (await this.options.store.find({ orderBy: [{ field: 'createdAt' }] })).map(({ value }) => value);
  }

  async get(id: string): Promise<Subscription> {
    const found = await this.find(id);
    if (found === undefined) throw new NotFoundError(`No subscription ${id}`, 'SUBSCRIPTION_NOT_FOUND');
    return found;
  }

  async find(id: string): Promise<Subscription | undefined> {
    return (await this.options.store.get(id))?.value;
  }

  /** Changes `filters` and `state` (the peer and the cursor stay). */
  async update(id: string, input: unknown): Promise<Subscription> {
    const body = objectFields(input, INVALID_SUBSCRIPTION, { known: ['filters', 'state'] });
    const patch: Partial<Subscription> = {
      ...(body.filters !== undefined && { filters: parseFilters(body.filters) }),
      ...(body.state !== undefined && { state: state(body.state) }),
    };
    return this.change(id, (subscription) => ({ ...subscription, ...patch, updatedAt: this.now().toISOString() }));
  }

  /** Deletes it and its pending retries; its dead letters stay, as a record of what was never delivered. */
  async delete(id: string): Promise<void> {
    if (!(await this.options.store.delete(id))) throw new NotFoundError(`No subscription ${id}`, 'SUBSCRIPTION_NOT_FOUND');
    await this.options.retries.deleteMany({ subscription: id });
  }

  /**
   * Moves the cursor forward to `position` (never back), keeping concurrent changes of an admin.
   * Undefined when the subscription was deleted meanwhile.
   */
  async advance(id: string, position: number): Promise<Subscription | undefined> {
    try {
      return await this.change(id, (subscription) => ({ ...subscription, cursor: Math.max(subscription.cursor, position) }));
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async retrying(id: string): Promise<number> {
    return this.options.retries.count({ subscription: id });
  }

  /** A read-modify-write under the document's revision, tried again when another write came between. */
  private async change(id: string, changed: (subscription: Subscription) => Subscription): Promise<Subscription> {
    for (;;) {
      const found = await this.options.store.get(id);
      if (found === undefined) throw new NotFoundError(`No subscription ${id}`, 'SUBSCRIPTION_NOT_FOUND');
      const next = changed(found.value);
      if (await this.options.store.update(id, next, found.revision)) return next;
    }
  }

  private async pushablePeer(slug: unknown): Promise<Peer> {
    if (typeof slug !== 'string' || slug === '') throw new BadRequestError(INVALID_SUBSCRIPTION, 'peer must be the slug of a registered peer');
    const peer = await this.options.peers.get(slug);
    if (peer === undefined) throw new BadRequestError(INVALID_SUBSCRIPTION, `peer: no peer ${JSON.stringify(slug.slice(0, 64))} is registered`);
    if (peer.kind === 'caliper' || peer.endpoint === undefined) throw new BadRequestError(INVALID_SUBSCRIPTION, `peer: ${peer.slug} has no xAPI endpoint to push to (a ${peer.kind} peer${peer.endpoint === undefined ? ' without endpoint' : ''})`);
    return peer;
  }
}

function state(value: unknown): Subscription['state'] {
  if (value !== 'active' && value !== 'paused') throw new BadRequestError(INVALID_SUBSCRIPTION, 'state must be "active" or "paused"');
  return value;
}
