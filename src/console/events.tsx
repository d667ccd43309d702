import { Router } from 'express';
import type { EventDelivery, ReplayOutcome, SubscriberStatus } from '../platform/events/delivery';
import { UnknownSubscriberError } from '../platform/events/delivery';
import type { ParkedEvent } from '../platform/events/event-store';
import { CollectionDocumentError } from '../storage/collections/collection-store';
import { CsrfField, csrfToken, i18n, requireCsrfToken, usePage } from '../web';
import { consolePageMessages, formatNumber, formatTime, type ConsolePageMessages } from './messages-pages';
import { ScrollTable, type Column } from './scroll-table';
import { CONSOLE_PATH, type ConsoleShell } from './shell';
import { CONSOLE_STATEMENTS_PATH } from './statements';

export const CONSOLE_EVENTS_PATH = `${CONSOLE_PATH}/events`;

/** Parked events listed on the page (GET /admin/events/parked pages through more). */
export const PARKED_SHOWN = 100;

/** What the page says after a replay (the `replay` parameter of the redirect back). */
type ReplayNotice = 'delivered' | 'failed' | 'missing' | 'unknown';
const REPLAY_NOTICES: readonly ReplayNotice[] = ['delivered', 'failed', 'missing', 'unknown'];

export interface EventPagesOptions {
  events: Pick<EventDelivery, 'status' | 'feedHead' | 'listParked' | 'replay'>;
}

/**
 * Durable post-store events, as GET /admin/events and /admin/events/parked report them: each
 * subscriber's checkpoint, lag and parked count, the parked events with why, and a Replay button
 * per event (POST /admin/events/parked/{id}/replay behind a form).
 */
export function eventPages(shell: ConsoleShell, options: EventPagesOptions): Router {
  const { events } = options;
  const router = Router();
  const admin = shell.requireAdmin();

  router.get(CONSOLE_EVENTS_PATH, ...admin, async (req, res) => {
    const m = consolePageMessages(i18n(res).locale);
    const [subscribers, parked] = await Promise.all([events.status(), events.listParked(undefined, PARKED_SHOWN)]);
    const head = subscribers[0]?.head ?? (await events.feedHead());
    const notice = REPLAY_NOTICES.find((known) => known === req.query.replay);
    shell.renderPage(res, {
      title: m.events.title,
      body: <EventsView head={head} subscribers={subscribers} parked={parked} notice={notice} csrfToken={csrfToken(res)} />,
    });
  });

  router.post(`${CONSOLE_EVENTS_PATH}/parked/:parkedEventId/replay`, ...admin, ...requireCsrfToken(), async (req, res) => {
    const notice = await replay(events, String(req.params.parkedEventId));
    res.redirect(303, `${CONSOLE_EVENTS_PATH}?replay=${notice}#parked-title`);
  });

  return router;
}

async function replay(events: EventPagesOptions['events'], id: string): Promise<ReplayNotice> {
  let outcome: ReplayOutcome | undefined;
  try {
    outcome = await events.replay(id);
  } catch (error) {
    // Parked by a subscriber that is no longer installed: nothing can handle it here.
    if (error instanceof UnknownSubscriberError) return 'unknown';
    // An id the store cannot hold (too long, a lone surrogate) names no parked event.
    if (error instanceof CollectionDocumentError) return 'missing';
    throw error;
  }
  if (outcome === undefined) return 'missing';
  return outcome.delivered ? 'delivered' : 'failed';
}

function EventsView(props: { head: number; subscribers: SubscriberStatus[]; parked: ParkedEvent[]; notice?: ReplayNotice; csrfToken: string }) {
  const { locale } = usePage();
  const e = consolePageMessages(locale).events;
  return (
    <>
      {props.notice !== undefined && (
        <p role="status" class={props.notice === 'delivered' ? undefined : 'error-text'}>
          {e.replayed[props.notice]}
        </p>
      )}
      <p class="lead">{e.lead}</p>
      <section aria-labelledby="subscribers-title">
        <h2 id="subscribers-title">{e.subscribers}</h2>
        <p>{e.head(formatNumber(props.head, locale))}</p>
        <SubscriberTable subscribers={props.subscribers} />
      </section>
      <section aria-labelledby="parked-title">
        <h2 id="parked-title">{e.parked}</h2>
        <p>{e.parkedLead}</p>
        <ParkedTable parked={props.parked} csrfToken={props.csrfToken} />
      </section>
    </>
  );
}

function SubscriberTable({ subscribers }: { subscribers: SubscriberStatus[] }) {
  const { locale } = usePage();
  const e = consolePageMessages(locale).events;
  if (subscribers.length === 0) return <p>{e.noSubscribers}</p>;
  const columns = [{ label: e.name }, { label: e.checkpoint, numeric: true }, { label: e.lag, numeric: true }, { label: e.parkedCount, numeric: true }];
  return (
    <ScrollTable columns={columns} labelledBy="subscribers-title">
      {subscribers.map((subscriber) => (
        <tr key={subscriber.name}>
          <th scope="row">{subscriber.name}</th>
          <td class="number">{formatNumber(subscriber.checkpoint, locale)}</td>
          <td class="number">{formatNumber(subscriber.lag, locale)}</td>
          <td class="number">{formatNumber(subscriber.parked, locale)}</td>
        </tr>
      ))}
    </ScrollTable>
  );
}

function ParkedTable({ parked, csrfToken }: { parked: ParkedEvent[]; csrfToken: string }) {
  const { locale } = usePage();
  const e = consolePageMessages(locale).events;
  if (parked.length === 0) return <p>{e.noParked}</p>;
  return (
    <>
      {parked.length === PARKED_SHOWN && <p>{e.parkedShown(PARKED_SHOWN)}</p>}
      <ScrollTable columns={parkedColumns(e)}>
        {parked.map((event) => (
          <tr key={event.id}>
            <td>{event.subscriber}</td>
            <td class="number">{formatNumber(event.position, locale)}</td>
            <td>{event.type}</td>
            <td>
              <a href={`${CONSOLE_STATEMENTS_PATH}/${event.statementId}`}>{event.statementId}</a>
            </td>
            <td>{event.reason}</td>
            <td class="number">{formatNumber(event.attempts, locale)}</td>
            <td>
              <time dateTime={event.parkedAt}>{formatTime(event.parkedAt, locale)}</time>
            </td>
            <td>
              <form method="post" action={`${CONSOLE_EVENTS_PATH}/parked/${encodeURIComponent(event.id)}/replay`}>
                <CsrfField token={csrfToken} />
                <button type="submit" aria-label={e.replayLabel(event.id)}>
                  {e.replay}
                </button>
              </form>
            </td>
          </tr>
        ))}
      </ScrollTable>
    </>
  );
}

function parkedColumns(e: ConsolePageMessages['events']): Column[] {
  return [
    { label: e.name },
    { label: e.position, numeric: true },
    { label: e.type },
    { label: e.statement },
    { label: e.error },
    { label: e.attempts, numeric: true },
    { label: e.parkedAt },
    { label: e.actions },
  ];
}
