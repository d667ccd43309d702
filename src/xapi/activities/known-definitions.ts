import { stableStringify } from '../statements/fingerprint';
import type { Activity, ActivityDefinition } from '../types';
import { mergeDefinitions } from './definitions';

/** What the adapters of ActivityStore share: the incoming definitions, a cache of canonical ones, the read model. */

/** The definitions a batch of activities carries, one per id, merged in the order they come. */
export function incomingDefinitions(activities: Activity[]): Map<string, ActivityDefinition> {
  const incoming = new Map<string, ActivityDefinition>();
  for (const activity of activities) {
    if (activity.definition === undefined) continue;
    incoming.set(activity.id, mergeDefinitions(incoming.get(activity.id), activity.definition));
  }
  return incoming;
}

/** The canonical Activity of a stored definition (JSON text). */
export function canonicalActivity(id: string, definition: string): Activity {
  return { objectType: 'Activity', id, definition: JSON.parse(definition) as ActivityDefinition };
}

const DEFAULT_CAPACITY = 10_000;

/**
 * The latest canonical definitions this process stored or read, as JSON text, the least recently
 * stored dropped first. It lets a batch that brings nothing new skip the database entirely,
 * which is the common case at ingest.
 */
export class KnownDefinitions {
  private readonly known = new Map<string, string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The incoming definitions that would change what is known (all those of unknown ids). */
  changing(incoming: Map<string, ActivityDefinition>): [string, ActivityDefinition][] {
    return [...incoming].filter(([id, definition]) => this.wouldChange(id, definition));
  }

  remember(id: string, definition: string): void {
    this.known.delete(id);
    this.known.set(id, definition);
    if (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value!);
  }

  private wouldChange(id: string, definition: ActivityDefinition): boolean {
    const cached = this.known.get(id);
    if (cached === undefined) return true;
    const current = JSON.parse(cached) as ActivityDefinition;
    return stableStringify(mergeDefinitions(current, definition)) !== stableStringify(current);
  }
}
