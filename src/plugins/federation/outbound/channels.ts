/**
 * How statements travel to one peer (issue 15): any xAPI LRS gets POST <endpoint>/statements; a
 * Keiko peer gets its inbox's envelope `{ statements, provenance }` signed with our key. Both carry
 * the attachments this LRS holds (Communication §1.5.2), and both leave out statements that came
 * through that peer already (loop prevention by hops).
 */
import type { FeedStatement, StatementAttachmentPart, StatementReader, StatementReceipts } from '../../../plugin-api';
import type { DeliveryProvenance, Peer, ProvenanceEntry } from '../model';
import type { SigningKey } from '../peers/identity';
import { signDelivery } from '../peers/signing';
import { remoteLrsOf } from '../peers/registry';
import { inboxUrlOf, keikoBaseOf, type RemoteLrsOptions } from '../remote/remote-lrs';
import type { PeerChannel } from './delivery';

export interface ChannelDependencies {
  statements: Pick<StatementReader, 'attachment'>;
  /** This LRS's public base URL. */
  publicUrl: string;
  /** Where statements received from elsewhere came from (the inbound provenance store). */
  provenance: { getMany(statementIds: string[]): Promise<Map<string, ProvenanceEntry>> };
  /** The anchoring plugin's receipts, while it offers them. */
  receipts(): StatementReceipts | undefined;
  signingKey(): Promise<SigningKey>;
  remote: Pick<RemoteLrsOptions, 'timeoutMs' | 'maxResponseBytes'>;
}

export function peerChannel(peer: Peer, dependencies: ChannelDependencies): PeerChannel {
  const remote = remoteLrsOf(peer, dependencies.remote);
  const base = peer.kind === 'keiko' ? keikoBaseOf(peer) : remote.endpoint;
  return {
    async excluded(records) {
      const provenance = await dependencies.provenance.getMany(records.map(({ id }) => id));
      return new Set([...provenance.values()].filter((entry) => entry.peer === peer.slug || entry.hops.includes(base)).map(({ statementId }) => statementId));
    },
    async send(records) {
      const statements = records.map(({ statement }) => withoutStored(statement));
      const attachments = await attachmentsOf(records, dependencies.statements);
      if (peer.kind !== 'keiko') return remote.postStatements(statements, attachments);
      const provenance = await provenanceOf(records, dependencies);
      const { keyId, privateKey } = await dependencies.signingKey();
      return remote.postStatements({ statements, provenance }, attachments, {
        url: inboxUrlOf(peer),
        headers: ({ method, url, body }) => signDelivery({ method, url, body, keyId, privateKey }),
      });
    },
    remoteStatement: (id) => remote.getStatement(id),
  };
}

/** The LRS stamps its own `stored` (Data §2.4.8). */
function withoutStored(statement: FeedStatement['statement']): object {
  const { stored: _stored, ...rest } = statement;
  return rest;
}

/** The content of every attachment the statements name that this LRS holds, once per SHA-2. */
async function attachmentsOf(records: FeedStatement[], statements: Pick<StatementReader, 'attachment'>): Promise<StatementAttachmentPart[]> {
  const hashes = new Set(records.flatMap(({ statement }) => (statement.attachments ?? []).map(({ sha2 }) => sha2)));
  const parts: StatementAttachmentPart[] = [];
  for (const sha2 of hashes) {
    const part = await statements.attachment(sha2);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/**
 * Each statement's provenance: as received for one that came from elsewhere (this LRS added to
 * its hops), else this LRS as its origin with its anchoring receipt when it has one.
 */
async function provenanceOf(records: FeedStatement[], { provenance, publicUrl, receipts }: ChannelDependencies): Promise<DeliveryProvenance[]> {
  const received = await provenance.getMany(records.map(({ id }) => id));
  const own = records.filter(({ id }) => !received.has(id)).map(({ id }) => id);
  const anchoring = receipts();
  const states = anchoring === undefined || own.length === 0 ? new Map() : await anchoring.statesOf(own);
  return Promise.all(
    records.map(async ({ id, statement, stored }): Promise<DeliveryProvenance> => {
      const entry = received.get(id);
      if (entry !== undefined) {
        const { originLrs, originStored, originAuthority, hops, receipt } = entry;
        return { originLrs, originStored, ...(originAuthority !== undefined && { originAuthority }), hops: hops.at(-1) === publicUrl ? hops : [...hops, publicUrl], ...(receipt !== undefined && { receipt }) };
      }
      const receipt = states.get(id)?.state === 'anchored' ? await anchoring!.receiptOf(id) : undefined;
      return { originLrs: publicUrl, originStored: stored.toISOString(), originAuthority: statement.authority, hops: [publicUrl], ...(receipt !== undefined && { receipt }) };
    }),
  );
}
