import { Router, type Request } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  NotFoundError,
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
 * batch, newest first, with its status, times, transaction and error; each batch's own page has
 * its Merkle root, statements, on-chain anchor and attempts in full.
 */
export function anchoringConsolePages(options: AnchoringConsoleOptions): Router {
  const router = Router();
  const { console: consoleShell, batches, explorerTxUrl } = options;
  router.get('/', webPage(), ...consoleShell.requireAdmin(), async (req, res) => {
    const before = beforeParameter(req);
    const [summary, page] = await Promise.all([summarize(options), batchPage(batches, before)]);
    const m = anchoringConsoleMessages(i18n(res).locale);
    consoleShell.renderPage(res, { title: m.title, body: <AnchoringConsole summary={summary} page={page} explorerTxUrl={explorerTxUrl} /> });
  });
  router.get('/batches/:seq', webPage(), ...consoleShell.requireAdmin(), async (req, res) => {
    const m = anchoringConsoleMessages(i18n(res).locale);
    const seq = batchNumber('seq', req.params.seq);
    const batch = await batches.get(seq);
    if (batch === undefined) throw new NotFoundError(m.batch.notFound(seq));
    consoleShell.renderPage(res, { title: m.batch.title(seq), body: <BatchDetails batch={batch} explorerTxUrl={explorerTxUrl} /> });
  });
  return router;
}

function beforeParameter(req: Request): number | undefined {
  const { before } = req.query;
  return before === undefined ? undefined : batchNumber('before', before);
}

function batchNumber(name: string, value: unknown): number {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) {
    throw new BadRequestError(BadRequestCode.InvalidParameter, `"${name}" must be one batch number, got ${JSON.stringify(value)}`);
  }
  return Number(value);
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

const batchPath = (seq: number) => `${ANCHORING_CONSOLE_PATH}/batches/${seq}`;

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
      <th scope="row" class="number">
        <a href={batchPath(batch.seq)} aria-label={m.batch.title(batch.seq)}>
          {batch.seq}
        </a>
      </th>
      <td>{m.status[status]}</td>
      <td class="number">{formatNumber(locale, batch.count)}</td>
      <td>
        <Time at={batch.recordedAt} />
      </td>
      <td>{batch.anchoredAt === undefined ? m.none : <Time at={batch.anchoredAt} />}</td>
      <td>{batch.transactionHash === undefined ? m.none : <Transaction hash={batch.transactionHash} explorerTxUrl={explorerTxUrl} short />}</td>
      <td>{status === 'failed' ? <span class="error-text">{batch.lastError}</span> : m.none}</td>
    </tr>
  );
}

/** A batch's page: everything recorded about it, hashes in full. */
function BatchDetails({ batch, explorerTxUrl }: { batch: AnchorBatch; explorerTxUrl?: string }) {
  const { locale } = usePage();
  const m = anchoringConsoleMessages(locale);
  const d = m.batch;
  const status = batchStatus(batch);
  const { anchor } = batch;
  return (
    <>
      <dl>
        <dt>{m.batches.columns.status}</dt>
        <dd>{m.status[status]}</dd>
        <dt>{m.batches.columns.statements}</dt>
        <dd>{formatNumber(locale, batch.count)}</dd>
        <dt>{d.first}</dt>
        <dd>{d.statementAt(batch.first.id, formatNumber(locale, batch.first.position))}</dd>
        <dt>{d.last}</dt>
        <dd>{d.statementAt(batch.last.id, formatNumber(locale, batch.last.position))}</dd>
        <dt>{d.root}</dt>
        <dd>
          <Hash value={batch.root} />
        </dd>
        <dt>{m.batches.columns.created}</dt>
        <dd>
          <Time at={batch.recordedAt} />
        </dd>
        <dt>{m.batches.columns.transaction}</dt>
        <dd>{batch.transactionHash === undefined ? d.notSent : <Transaction hash={batch.transactionHash} explorerTxUrl={explorerTxUrl} />}</dd>
        <dt>{m.batches.columns.anchored}</dt>
        <dd>{batch.anchoredAt === undefined ? m.none : <Time at={batch.anchoredAt} />}</dd>
        {anchor && (
          <>
            <dt>{d.onChain}</dt>
            <dd>{d.onChainAt(anchor.onChainBatchId, formatNumber(locale, anchor.blockNumber), anchor.finality)}</dd>
          </>
        )}
        {status === 'failed' && (
          <>
            <dt>{m.batches.columns.error}</dt>
            <dd class="error-text">{batch.lastError}</dd>
            <dt>{d.nextAttempt}</dt>
            <dd>
              {d.attempts(batch.attempts)} <Time at={batch.nextAttemptAt} />
            </dd>
          </>
        )}
      </dl>
      <p>
        <a href={ANCHORING_CONSOLE_PATH}>{d.back}</a>
      </p>
    </>
  );
}

function Transaction({ hash, explorerTxUrl, short = false }: { hash: string; explorerTxUrl?: string; short?: boolean }) {
  const url = explorerTransactionUrl(explorerTxUrl, hash);
  const text = short ? <code>{shortHash(hash)}</code> : <Hash value={hash} />;
  return url === undefined ? text : <a href={url} rel="noopener noreferrer">{text}</a>;
}

/** A hash in full, which may wrap every 16 characters (on a phone); copied, it is one piece. */
function Hash({ value }: { value: string }) {
  const pieces = value.match(/.{1,16}/g) ?? [];
  return <code>{pieces.flatMap((piece, index) => (index === 0 ? [piece] : [<wbr key={index} />, piece]))}</code>;
}

/** The start and end of a hash, enough to tell transactions apart in a list (the batch's page has it whole). */
function shortHash(hash: string): string {
  return hash.length <= 16 ? hash : `${hash.slice(0, 8)}…${hash.slice(-6)}`;
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
  return <time dateTime={at.toISOString()}>{formatTime(at)}</time>;
}

/** Seconds in UTC, the same in both languages (and short enough for a table cell). */
function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
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
        created: 'Created',
        anchored: 'Anchored',
        transaction: 'Transaction',
        error: 'Error',
      },
      paging: 'Batch pages',
      newest: 'Newest batches',
      older: 'Older batches',
    },
    batch: {
      title: (seq: number) => `Batch ${seq}`,
      notFound: (seq: number) => `There is no batch ${seq}.`,
      first: 'First statement',
      last: 'Last statement',
      statementAt: (id: string, position: string) => `${id} (feed position ${position})`,
      root: 'Merkle root',
      notSent: 'Not sent yet',
      onChain: 'On chain',
      onChainAt: (id: string, block: string, finality: string) => `AnchorRegistry batch ${id}, block ${block}, ${finality}`,
      nextAttempt: 'Next attempt',
      attempts: (attempts: number) => `${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} failed; the next one is not before`,
      back: 'All batches',
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
        created: 'Creado',
        anchored: 'Anclado',
        transaction: 'Transacción',
        error: 'Error',
      },
      paging: 'Páginas de lotes',
      newest: 'Lotes más recientes',
      older: 'Lotes más antiguos',
    },
    batch: {
      title: (seq) => `Lote ${seq}`,
      notFound: (seq) => `No existe el lote ${seq}.`,
      first: 'Primera sentencia',
      last: 'Última sentencia',
      statementAt: (id, position) => `${id} (posición ${position} del flujo)`,
      root: 'Raíz de Merkle',
      notSent: 'Aún no enviado',
      onChain: 'En la cadena',
      onChainAt: (id, block, finality) => `lote ${id} de AnchorRegistry, bloque ${block}, ${finality}`,
      nextAttempt: 'Próximo intento',
      attempts: (attempts) => `${attempts} ${attempts === 1 ? 'intento fallido' : 'intentos fallidos'}; el próximo no será antes de`,
      back: 'Todos los lotes',
    },
  },
);
