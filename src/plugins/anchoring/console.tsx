import { Router, type Request } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  defineMessages,
  i18n,
  usePage,
  webPage,
  type Locale,
  type NavItem,
  type PluginConsole,
  type StatementReader,
} from '../../plugin-api';
import type { AnchorBatch, AnchorBatchStore } from './batches/anchor-batch-store';
import { lastAnchoredAt, pendingStatements } from './metrics';
import { explorerTransactionUrl } from './settings';

export const ANCHORING_CONSOLE_PATH = '/plugins/anchoring/console';
export const ANCHORING_CONSOLE_SECTION: NavItem = { href: ANCHORING_CONSOLE_PATH, label: { en: 'Anchoring', es: 'Anclaje' } };
export const CONSOLE_BATCH_PAGE = 20;

export interface AnchoringConsoleOptions {
  console: PluginConsole;
  batches: AnchorBatchStore;
  statements: Pick<StatementReader, 'feedHead'>;
  anchoringOn: boolean;
  /** STARKNET_EXPLORER_TX_URL: transactions link there when set. */
  explorerTxUrl?: string;
}

/** A batch as an operator reads it: failed while its last step failed (the job retries it). */
export type BatchStatus = 'pending' | 'submitted' | 'anchored' | 'failed';

export function batchStatus(batch: AnchorBatch): BatchStatus {
  if (batch.state === 'anchored') return 'anchored';
  if (batch.lastError !== undefined) return 'failed';
  return batch.state === 'sent' ? 'submitted' : 'pending';
}

interface Summary {
  anchoringOn: boolean;
  pendingStatements: number;
  lastAnchoredAt?: Date;
  failing: AnchorBatch[];
}

interface BatchPage {
  batches: AnchorBatch[];
  /** The `before` of the next (older) page, when there is one. */
  olderBefore?: number;
  /** Whether this is an older page (so a link back to the newest is shown). */
  paged: boolean;
}

/**
 * The anchoring section of the admin console (mounted by the plugin's routes at /console, so at
 * ANCHORING_CONSOLE_PATH): a summary (statements waiting, last anchor, failing batches) and every
 * batch, newest first, with its status, root, times, transaction and error.
 */
export function anchoringConsolePages(options: AnchoringConsoleOptions): Router {
  const router = Router();
  router.get('/', webPage(), ...options.console.requireAdmin(), async (req, res) => {
    const before = beforeParameter(req);
    const [summary, page] = await Promise.all([summarize(options), batchPage(options.batches, before)]);
    const m = anchoringConsoleMessages(i18n(res).locale);
    options.console.renderPage(res, {
      title: m.title,
      body: <AnchoringConsole summary={summary} page={page} explorerTxUrl={options.explorerTxUrl} />,
    });
  });
  return router;
}

function beforeParameter(req: Request): number | undefined {
  const { before } = req.query;
  if (before === undefined) return undefined;
  if (typeof before !== 'string' || !/^\d{1,15}$/.test(before)) {
    throw new BadRequestError(BadRequestCode.InvalidParameter, `"before" must be one batch number, got ${JSON.stringify(before)}`);
  }
  return Number(before);
}

async function summarize({ batches, statements, anchoringOn }: AnchoringConsoleOptions): Promise<Summary> {
  const [pending, lastAnchored, unfinished] = await Promise.all([pendingStatements(batches, statements), lastAnchoredAt(batches), batches.unfinished()]);
  return { anchoringOn, pendingStatements: pending, lastAnchoredAt: lastAnchored, failing: unfinished.filter((batch) => batchStatus(batch) === 'failed') };
}

async function batchPage(batches: AnchorBatchStore, before: number | undefined): Promise<BatchPage> {
  const found = await batches.list(CONSOLE_BATCH_PAGE + 1, before);
  const shown = found.slice(0, CONSOLE_BATCH_PAGE);
  const olderBefore = found.length > CONSOLE_BATCH_PAGE ? shown[shown.length - 1]!.seq : undefined;
  return { batches: shown, olderBefore, paged: before !== undefined };
}

function AnchoringConsole({ summary, page, explorerTxUrl }: { summary: Summary; page: BatchPage; explorerTxUrl?: string }) {
  const m = anchoringConsoleMessages(usePage().locale);
  return (
    <>
      <p class="lead">{summary.anchoringOn ? m.on : m.off}</p>
      <SummaryList summary={summary} />
      <section aria-labelledby="anchoring-batches">
        <h2 id="anchoring-batches">{m.batches.title}</h2>
        {page.batches.length === 0 ? <p>{page.paged ? m.batches.noOlder : m.batches.none}</p> : <BatchTable batches={page.batches} explorerTxUrl={explorerTxUrl} />}
        <BatchPaging page={page} />
      </section>
    </>
  );
}

function SummaryList({ summary }: { summary: Summary }) {
  const { locale } = usePage();
  const m = anchoringConsoleMessages(locale);
  return (
    <section aria-labelledby="anchoring-summary">
      <h2 id="anchoring-summary">{m.summary.title}</h2>
      <dl>
        <dt>{m.summary.pending}</dt>
        <dd>{formatNumber(locale, summary.pendingStatements)}</dd>
        <dt>{m.summary.lastAnchored}</dt>
        <dd>{summary.lastAnchoredAt === undefined ? m.summary.never : <Time at={summary.lastAnchoredAt} />}</dd>
        <dt>{m.summary.failing}</dt>
        <dd>{summary.failing.length === 0 ? m.summary.noFailures : m.summary.failingBatches(summary.failing.map((batch) => batch.seq))}</dd>
      </dl>
    </section>
  );
}

function BatchTable({ batches, explorerTxUrl }: { batches: AnchorBatch[]; explorerTxUrl?: string }) {
  const m = anchoringConsoleMessages(usePage().locale);
  const c = m.batches.columns;
  return (
    <div class="table-scroll" role="region" aria-labelledby="anchoring-batches" tabindex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col" class="number">{c.batch}</th>
            <th scope="col">{c.status}</th>
            <th scope="col" class="number">{c.statements}</th>
            <th scope="col">{c.root}</th>
            <th scope="col">{c.created}</th>
            <th scope="col">{c.anchored}</th>
            <th scope="col">{c.transaction}</th>
            <th scope="col">{c.error}</th>
          </tr>
        </thead>
        <tbody>
          {batches.map((batch) => (
            <BatchRow key={batch.seq} batch={batch} explorerTxUrl={explorerTxUrl} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BatchRow({ batch, explorerTxUrl }: { batch: AnchorBatch; explorerTxUrl?: string }) {
  const { locale } = usePage();
  const m = anchoringConsoleMessages(locale);
  const status = batchStatus(batch);
  return (
    <tr>
      <th scope="row" class="number">{batch.seq}</th>
      <td>{m.status[status]}</td>
      <td class="number">{formatNumber(locale, batch.count)}</td>
      <td>
        <code>{batch.root}</code>
      </td>
      <td>
        <Time at={batch.recordedAt} />
      </td>
      <td>{batch.anchoredAt === undefined ? m.none : <Time at={batch.anchoredAt} />}</td>
      <td>{batch.transactionHash === undefined ? m.none : <Transaction hash={batch.transactionHash} explorerTxUrl={explorerTxUrl} />}</td>
      <td>{status === 'failed' ? <Failure batch={batch} /> : m.none}</td>
    </tr>
  );
}

function Transaction({ hash, explorerTxUrl }: { hash: string; explorerTxUrl?: string }) {
  const url = explorerTransactionUrl(explorerTxUrl, hash);
  return url === undefined ? (
    <code>{hash}</code>
  ) : (
    <a href={url} rel="noopener noreferrer">
      <code>{hash}</code>
    </a>
  );
}

function Failure({ batch }: { batch: AnchorBatch }) {
  const m = anchoringConsoleMessages(usePage().locale);
  return (
    <>
      <span class="error-text">{batch.lastError}</span>
      <br />
      {m.batches.retry(batch.attempts)} <Time at={batch.nextAttemptAt} />
    </>
  );
}

function BatchPaging({ page }: { page: BatchPage }) {
  const m = anchoringConsoleMessages(usePage().locale);
  if (!page.paged && page.olderBefore === undefined) return null;
  return (
    <nav aria-label={m.batches.paging}>
      <ul>
        {page.paged && (
          <li>
            <a href={ANCHORING_CONSOLE_PATH}>{m.batches.newest}</a>
          </li>
        )}
        {page.olderBefore !== undefined && (
          <li>
            <a href={`${ANCHORING_CONSOLE_PATH}?before=${page.olderBefore}`}>{m.batches.older}</a>
          </li>
        )}
      </ul>
    </nav>
  );
}

function Time({ at }: { at: Date }) {
  const { locale } = usePage();
  return <time dateTime={at.toISOString()}>{formatTime(locale, at)}</time>;
}

function formatTime(locale: Locale, at: Date): string {
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(at)} UTC`;
}

function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}

const anchoringConsoleMessages = defineMessages(
  {
    title: 'Anchoring',
    on: 'Anchoring is on: the anchoring job puts the statements stored since the last batch into a new batch and records its Merkle root on Starknet.',
    off: 'Anchoring is off on this LRS: set STARKNET_RPC_URL, STARKNET_ACCOUNT_ADDRESS, STARKNET_PRIVATE_KEY and STARKNET_CONTRACT_ADDRESS to turn it on.',
    none: '—',
    summary: {
      title: 'Summary',
      pending: 'Statements waiting to be anchored',
      lastAnchored: 'Last batch anchored',
      never: 'Never',
      failing: 'Failing batches',
      noFailures: 'None',
      failingBatches: (seqs: number[]) => `${seqs.length === 1 ? 'Batch' : 'Batches'} ${seqs.join(', ')} (retried by the anchoring job)`,
    },
    status: { pending: 'Pending', submitted: 'Submitted', anchored: 'Anchored', failed: 'Failed' } satisfies Record<BatchStatus, string>,
    batches: {
      title: 'Batches',
      none: 'No batch yet: the anchoring job records the first one once statements are stored.',
      noOlder: 'No older batches.',
      columns: {
        batch: 'Batch',
        status: 'Status',
        statements: 'Statements',
        root: 'Merkle root',
        created: 'Created',
        anchored: 'Anchored',
        transaction: 'Transaction',
        error: 'Error',
      },
      retry: (attempts: number) => `Attempt ${attempts} failed; next attempt at`,
      paging: 'Batch pages',
      newest: 'Newest batches',
      older: 'Older batches',
    },
  },
  {
    title: 'Anclaje',
    on: 'El anclaje está activado: la tarea de anclaje reúne las sentencias guardadas desde el último lote en un lote nuevo y registra su raíz de Merkle en Starknet.',
    off: 'El anclaje está desactivado en este LRS: define STARKNET_RPC_URL, STARKNET_ACCOUNT_ADDRESS, STARKNET_PRIVATE_KEY y STARKNET_CONTRACT_ADDRESS para activarlo.',
    none: '—',
    summary: {
      title: 'Resumen',
      pending: 'Sentencias pendientes de anclar',
      lastAnchored: 'Último lote anclado',
      never: 'Nunca',
      failing: 'Lotes con fallos',
      noFailures: 'Ninguno',
      failingBatches: (seqs) => `${seqs.length === 1 ? 'Lote' : 'Lotes'} ${seqs.join(', ')} (la tarea de anclaje los reintenta)`,
    },
    status: { pending: 'Pendiente', submitted: 'Enviado', anchored: 'Anclado', failed: 'Fallido' },
    batches: {
      title: 'Lotes',
      none: 'Aún no hay lotes: la tarea de anclaje registra el primero cuando se guardan sentencias.',
      noOlder: 'No hay lotes más antiguos.',
      columns: {
        batch: 'Lote',
        status: 'Estado',
        statements: 'Sentencias',
        root: 'Raíz de Merkle',
        created: 'Creado',
        anchored: 'Anclado',
        transaction: 'Transacción',
        error: 'Error',
      },
      retry: (attempts) => `El intento ${attempts} falló; próximo intento:`,
      paging: 'Páginas de lotes',
      newest: 'Lotes más recientes',
      older: 'Lotes más antiguos',
    },
  },
);
