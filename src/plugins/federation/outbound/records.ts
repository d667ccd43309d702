/** The outbound stores (issue 15 push): subscriptions with their feed cursor, statements awaiting a retry, dead letters. */
import type { FeedPosition, PluginStoreDeclaration } from '../../../plugin-api';
import type { SubscriptionFilters } from './filters';

export interface Subscription {
  id: string;
  /** Slug of the peer it delivers to. */
  peer: string;
  filters: SubscriptionFilters;
  state: 'active' | 'paused';
  /**
   * The feed position up to which every statement is delivered, refused into `retries`, or left
   * out by the filters: the durable outbox is the feed after it.
   */
  cursor: FeedPosition;
  createdAt: string;
  updatedAt: string;
}

/** A statement the peer refused alone, awaiting its next try (store `retries`, id: `<subscription>:<statement id>`). */
export interface Retry {
  subscription: string;
  peer: string;
  statementId: string;
  /** Tries made so far (the refusal that put it here is the first). */
  attempts: number;
  /** Epoch ms of the next try. */
  nextAttemptAt: number;
  firstFailedAt: string;
  /** The peer's last answer. */
  status?: number;
  body?: string;
  reason: string;
}

export const OUTBOUND_STORES: Record<string, PluginStoreDeclaration> = {
  subscriptions: { indexes: [{ name: 'by_peer', fields: ['peer'] }] },
  retries: { indexes: [{ name: 'by_subscription_due', fields: ['subscription', 'nextAttemptAt'] }] },
  'dead-letters': {
    indexes: [
      { name: 'by_parked', fields: ['parkedAt'] },
      { name: 'by_peer', fields: ['peer', 'parkedAt'] },
      { name: 'by_subscription', fields: ['subscription', 'parkedAt'] },
      { name: 'by_source', fields: ['source', 'parkedAt'] },
    ],
  },
};

export function retryId(subscription: string, statementId: string): string {
  return `${subscription}:${statementId}`;
}
