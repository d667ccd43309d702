/** Pull (docs/federation.md): pull sources, their routes, the checkpointed job `pull`, and the replay of pull dead letters. */
import type { Router } from 'express';
import type { PluginContext, PluginJob } from '../../../plugin-api';
import { forwardedProvenance, type Receiver } from '../inbound';
import type { DeadLetter } from '../model';
import type { DeadLetters } from '../outbound';
import { RemoteLrs } from '../remote/remote-lrs';
import type { FederationSettings } from '../settings';
import { pullAuthority, PullJob, type PullablePeer } from './job';
import type { PullSource } from './records';
import { pullRoutes } from './routes';
import { PullSources, type PeerLookup } from './sources';

export { PULL_JOB, PULL_STORES, type PullSource } from './records';
export { progressOf } from './cursor';
export { PullSources, pullView, type PeerLookup } from './sources';

/** How long one run of the job reads before it returns (the next run goes on from the checkpoint). */
const RUN_BUDGET_MS = 20_000;

export interface PullDependencies {
  context: PluginContext;
  settings: FederationSettings;
  peers: PeerLookup;
  receiver: Pick<Receiver, 'accept' | 'acceptEach'>;
  deadLetters: Pick<DeadLetters, 'park'>;
}

export interface Pull {
  sources: PullSources;
  routes: Router;
  /** The job `pull` (settings.pullCron). */
  job: PluginJob;
  /** Receives a pull dead letter's statement again (DeadLetters' receivePulled); throws this LRS's refusal. */
  replay(letter: DeadLetter): Promise<void>;
}

export function createPull({ context, settings, peers, receiver, deadLetters }: PullDependencies): Pull {
  const sources = new PullSources(context.store<PullSource>('pulls'), peers);
  const remoteFor = (peer: PullablePeer) => new RemoteLrs({ endpoint: peer.endpoint, credentials: peer.outboundCredentials, timeoutMs: settings.requestTimeoutMs, maxResponseBytes: settings.maxResponseBytes });
  const job = new PullJob({ sources, remoteFor, receiver, deadLetters, publicUrl: context.publicUrl, pageSize: settings.batchSize, runBudgetMs: RUN_BUDGET_MS, logger: context.logger });
  return {
    sources,
    routes: pullRoutes({ http: context.http, sources }),
    job: { schedule: settings.pullCron, run: () => job.run() },
    async replay(letter) {
      const peer = await sources.pullablePeer(letter.peer);
      // The peer's copy brings the attachments the letter does not keep; the letter's statement when the peer has it no more.
      const fetched = letter.statementId === undefined ? undefined : await remoteFor(peer).getStatement(letter.statementId);
      const { statement, attachments } = fetched !== undefined && 'statement' in fetched ? fetched : { statement: letter.statement ?? {}, attachments: [] };
      const item = { statement, provenance: forwardedProvenance(statement as Record<string, unknown>, peer, new Date()) };
      await receiver.accept(peer, 'pull', [item], attachments, pullAuthority(peer, context.publicUrl));
    },
  };
}
