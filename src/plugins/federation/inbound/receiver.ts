import { HttpError, type Agent, type CommunityGovernance, type PluginStatements, type StatementAttachmentPart } from '../../../plugin-api';
import type { DeliveryProvenance, Peer, ProvenanceEntry } from '../model';
import type { OriginReceipts } from './origin-receipts';
import type { ProvenanceStore } from './provenance-store';

export type ReceivedVia = ProvenanceEntry['via'];

/** A statement arriving from another LRS or system, with what its sender says about it. */
export interface IncomingStatement {
  statement: object;
  provenance: DeliveryProvenance;
  /** Caliper: the id of the event it was translated from. */
  sourceEventId?: string;
}

export type ReceiveOutcome =
  | { index: number; id?: string; outcome: 'stored' }
  | { index: number; id?: string; outcome: 'refused'; status: number; code: string; message: string };

export interface ReceiverOptions {
  statements: Pick<PluginStatements, 'receive'>;
  provenance: ProvenanceStore;
  /** The governance plugin's service, looked up when a batch arrives (undefined while it is off). */
  governance: () => CommunityGovernance | undefined;
  /** FEDERATION_COMMUNITY: the governance community standing for this LRS. */
  community?: string;
  originReceipts: OriginReceipts;
  now?: () => Date;
}

/**
 * Stores what peers deliver, forward, answer to a pull or send as Caliper events, and keeps where
 * each statement came from (issue 15). The origin authority is kept only where this LRS's community
 * recognises the peer's for the statement's verb and activity type (the recognition agreement of
 * Data 2.4.9); otherwise the authority of whoever delivered it applies, and the origin's stays in
 * the provenance.
 */
export class Receiver {
  constructor(private readonly options: ReceiverOptions) {}

  /**
   * All or nothing: stores the statements (attachments with them, Communication 1.5.2), then their
   * provenance. Throws the LRS's refusal (400 naming `statements[i]`, 409 for another statement
   * under a stored id). Returns the ids.
   */
  async accept(peer: Peer, via: ReceivedVia, items: IncomingStatement[], attachments: StatementAttachmentPart[], authority: Agent): Promise<string[]> {
    const keep = await this.authoritiesKept(peer, items);
    const ids = await this.options.statements.receive(
      items.map(({ statement, provenance }, index) => (keep[index] ? { statement: { ...statement, authority: provenance.originAuthority }, keepAuthority: true } : { statement })),
      { authority, attachments },
    );
    const receivedAt = (this.options.now?.() ?? new Date()).toISOString();
    const entries = items.map((item, index): ProvenanceEntry => ({
      ...item.provenance,
      statementId: ids[index]!,
      peer: peer.slug,
      via,
      authorityKept: keep[index]!,
      receivedAt,
      ...(item.sourceEventId !== undefined && { sourceEventId: item.sourceEventId }),
    }));
    await this.options.provenance.addNew(await this.options.originReceipts.checkOnArrival(peer, entries, items));
    return ids;
  }

  /**
   * Like accept, but a refused batch is split until each refused statement stands alone, so that
   * one bad statement does not keep the others out: an outcome per statement, in order. Failures
   * that are not a refusal of the statements (storage down) are thrown.
   */
  async acceptEach(peer: Peer, via: ReceivedVia, items: IncomingStatement[], attachments: StatementAttachmentPart[], authority: Agent): Promise<ReceiveOutcome[]> {
    return this.acceptRange(peer, via, items, 0, items.length, attachments, authority);
  }

  private async acceptRange(
    peer: Peer,
    via: ReceivedVia,
    items: IncomingStatement[],
    start: number,
    end: number,
    attachments: StatementAttachmentPart[],
    authority: Agent,
  ): Promise<ReceiveOutcome[]> {
    const slice = items.slice(start, end);
    try {
      const ids = await this.accept(peer, via, slice, attachmentsOf(slice, attachments), authority);
      return ids.map((id, offset) => ({ index: start + offset, id, outcome: 'stored' }));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (slice.length === 1) return [{ index: start, ...idOf(slice[0]!.statement), outcome: 'refused', status: error.status, code: error.code, message: error.message }];
      const middle = start + Math.ceil(slice.length / 2);
      return [...(await this.acceptRange(peer, via, items, start, middle, attachments, authority)), ...(await this.acceptRange(peer, via, items, middle, end, attachments, authority))];
    }
  }

  /** Per statement: whether its origin authority is kept (a recognition covers it), else false. */
  private async authoritiesKept(peer: Peer, items: IncomingStatement[]): Promise<boolean[]> {
    const governance = this.options.governance();
    const { community } = this.options;
    if (governance === undefined || community === undefined || peer.community === undefined) return items.map(() => false);
    const answers = new Map<string, Promise<boolean>>();
    return Promise.all(
      items.map(({ statement, provenance }) => {
        if (provenance.originAuthority === undefined) return false;
        const subject = recognitionSubject(statement);
        const key = JSON.stringify(subject);
        if (!answers.has(key)) answers.set(key, governance.recognizes(community, peer.community!, subject));
        return answers.get(key)!;
      }),
    );
  }
}

/** What a recognition's scope is checked against: the statement's verb and its Activity's type. */
function recognitionSubject(statement: object): { verb?: string; activityType?: string } {
  const { verb, object } = statement as { verb?: { id?: unknown }; object?: { definition?: { type?: unknown } } };
  const activityType = object?.definition?.type;
  return {
    ...(typeof verb?.id === 'string' && { verb: verb.id }),
    ...(typeof activityType === 'string' && { activityType }),
  };
}

/** A refusal of the statements themselves (4xx), as opposed to this LRS failing. */
function isRefusal(error: unknown): error is HttpError {
  return error instanceof HttpError && error.status >= 400 && error.status < 500;
}

function idOf(statement: object): { id?: string } {
  const id = (statement as { id?: unknown }).id;
  return typeof id === 'string' ? { id } : {};
}

/** The attachment parts the statements refer to (by sha2), so that a part of a batch goes with its own. */
function attachmentsOf(items: IncomingStatement[], attachments: StatementAttachmentPart[]): StatementAttachmentPart[] {
  if (attachments.length === 0) return attachments;
  const wanted = new Set(items.flatMap(({ statement }) => attachmentHashes(statement)));
  return attachments.filter((part) => wanted.has(part.sha2.toLowerCase()));
}

function attachmentHashes(statement: object): string[] {
  const { attachments, object } = statement as { attachments?: unknown; object?: { attachments?: unknown } };
  return [attachments, object?.attachments].flatMap((list) =>
    Array.isArray(list) ? list.flatMap((attachment) => (typeof attachment?.sha2 === 'string' ? [attachment.sha2.toLowerCase()] : [])) : [],
  );
}
