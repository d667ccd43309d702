import type { Collection, PluginStatements } from '../../../plugin-api';
import type { AgentKey, Interval, Party, ReservationLookup, ReservationView, SpaceLookup } from '../model';

export interface ReservationsOptions {
  store: (name: string) => Collection<any>;
  statements: PluginStatements;
  spaces: SpaceLookup;
  publicUrl: string;
  /** How long a hold lasts before it must be confirmed. */
  holdMs: number;
  now?: () => number;
}

/** Holds, confirmations, modifications, cancellations of reservations whose claims never overlap (docs/marketplace.md). */
export class Reservations implements ReservationLookup {
  constructor(private readonly options: ReservationsOptions) {}

  async hold(party: Party, input: unknown): Promise<ReservationView> {
    throw new Error(`not yet: hold ${party.key} ${typeof input} ${this.options.holdMs}`);
  }

  async confirm(party: Party, id: string): Promise<ReservationView> {
    throw new Error(`not yet: confirm ${party.key} ${id}`);
  }

  async modify(party: Party, id: string, input: unknown): Promise<ReservationView> {
    throw new Error(`not yet: modify ${party.key} ${id} ${typeof input}`);
  }

  async cancel(party: Party, id: string, reason?: string): Promise<ReservationView> {
    throw new Error(`not yet: cancel ${party.key} ${id} ${reason}`);
  }

  async reject(party: Party, id: string, reason: string): Promise<ReservationView> {
    throw new Error(`not yet: reject ${party.key} ${id} ${reason}`);
  }

  async markAttended(party: Party, id: string): Promise<ReservationView> {
    throw new Error(`not yet: attended ${party.key} ${id}`);
  }

  async expireHolds(limit = 100): Promise<number> {
    throw new Error(`not yet: expire ${limit}`);
  }

  async reservation(id: string): Promise<ReservationView | undefined> {
    throw new Error(`not yet: reservation ${id}`);
  }

  async attendedSpace(agentKey: AgentKey, spaceId: string): Promise<boolean> {
    throw new Error(`not yet: attendedSpace ${agentKey} ${spaceId}`);
  }

  async busy(spaceIds: string[], fromMs: number, toMs: number): Promise<Map<string, Interval[]>> {
    throw new Error(`not yet: busy ${spaceIds.length} ${fromMs} ${toMs}`);
  }

  async bookedBy(agentKey: AgentKey, limit: number): Promise<ReservationView[]> {
    throw new Error(`not yet: bookedBy ${agentKey} ${limit}`);
  }

  async ofSpace(spaceId: string, fromMs: number, toMs: number): Promise<ReservationView[]> {
    throw new Error(`not yet: ofSpace ${spaceId} ${fromMs} ${toMs}`);
  }
}
