import { ScrollTable, usePage } from '../../../plugin-api';
import { federationConsoleMessages } from './messages';
import { DEAD_LETTERS_PATH, Filters, formatNumber, formatTime, PullFilters, Time } from './parts';
import type { BreakerView, FederationOverview, PeerRow, PullRow, SubscriptionRow } from './views';

/** The federation section of the console: a summary, then the peers, subscriptions and pull sources. */
export function OverviewPage({ overview }: { overview: FederationOverview }) {
  const m = federationConsoleMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.overview.lead}</p>
      <Summary overview={overview} />
      <section aria-labelledby="federation-peers">
        <h2 id="federation-peers">{m.overview.peers}</h2>
        {overview.peers.length === 0 ? <p>{m.peers.none}</p> : <PeerTable peers={overview.peers} />}
      </section>
      <section aria-labelledby="federation-subscriptions">
        <h2 id="federation-subscriptions">{m.overview.subscriptions}</h2>
        {overview.subscriptions.length === 0 ? <p>{m.subscriptions.none}</p> : <SubscriptionTable subscriptions={overview.subscriptions} />}
      </section>
      <section aria-labelledby="federation-pulls">
        <h2 id="federation-pulls">{m.overview.pulls}</h2>
        {overview.pulls.length === 0 ? <p>{m.pulls.none}</p> : <PullTable pulls={overview.pulls} />}
      </section>
    </>
  );
}

function Summary({ overview }: { overview: FederationOverview }) {
  const { locale } = usePage();
  const m = federationConsoleMessages(locale).overview;
  return (
    <section aria-labelledby="federation-summary">
      <h2 id="federation-summary">{m.summary}</h2>
      <dl>
        <dt>{m.peers}</dt>
        <dd>{formatNumber(locale, overview.peers.length)}</dd>
        <dt>{m.subscriptions}</dt>
        <dd>{formatNumber(locale, overview.subscriptions.length)}</dd>
        <dt>{m.pulls}</dt>
        <dd>{formatNumber(locale, overview.pulls.length)}</dd>
        <dt>{m.deadLetters}</dt>
        <dd>
          {formatNumber(locale, overview.deadLetters)} <a href={DEAD_LETTERS_PATH}>{m.seeDeadLetters}</a>
        </dd>
      </dl>
    </section>
  );
}

function PeerTable({ peers }: { peers: PeerRow[] }) {
  const m = federationConsoleMessages(usePage().locale);
  const p = m.peers;
  return (
    <ScrollTable labelledBy="federation-peers" columns={[{ label: p.name }, { label: p.kind }, { label: p.endpoint }]}>
      {peers.map((peer) => (
        <tr key={peer.slug}>
          <th scope="row">
            {peer.name} (<code>{peer.slug}</code>)
          </th>
          <td>{p.kinds[peer.kind]}</td>
          <td>{peer.endpoint === undefined ? m.none : <code>{peer.endpoint}</code>}</td>
        </tr>
      ))}
    </ScrollTable>
  );
}

function SubscriptionTable({ subscriptions }: { subscriptions: SubscriptionRow[] }) {
  const { locale } = usePage();
  const s = federationConsoleMessages(locale).subscriptions;
  const columns = [{ label: s.peer }, { label: s.filters }, { label: s.state }, { label: s.lag, numeric: true }, { label: s.retrying, numeric: true }, { label: s.breaker }];
  return (
    <ScrollTable labelledBy="federation-subscriptions" columns={columns}>
      {subscriptions.map((subscription) => (
        <tr key={subscription.id}>
          <th scope="row">
            <code>{subscription.peer}</code>
          </th>
          <td>
            <Filters filters={subscription.filters} />
          </td>
          <td>{s.states[subscription.state]}</td>
          <td class="number">{formatNumber(locale, subscription.lag)}</td>
          <td class="number">{formatNumber(locale, subscription.retrying)}</td>
          <td>
            <Breaker breaker={subscription.breaker} />
          </td>
        </tr>
      ))}
    </ScrollTable>
  );
}

function Breaker({ breaker }: { breaker: BreakerView }) {
  const s = federationConsoleMessages(usePage().locale).subscriptions;
  if (breaker.state !== 'open' || breaker.openUntil === undefined) return <>{s.breakers[breaker.state]}</>;
  return <span class="error-text">{s.openUntil(formatTime(breaker.openUntil))}</span>;
}

function PullTable({ pulls }: { pulls: PullRow[] }) {
  const { locale } = usePage();
  const m = federationConsoleMessages(locale);
  const p = m.pulls;
  const columns = [
    { label: p.peer },
    { label: p.filters },
    { label: p.state },
    { label: p.received, numeric: true },
    { label: p.refused, numeric: true },
    { label: p.progress },
    { label: p.lastError },
    { label: p.updated },
  ];
  return (
    <ScrollTable labelledBy="federation-pulls" columns={columns}>
      {pulls.map((pull) => (
        <tr key={pull.id}>
          <th scope="row">
            <code>{pull.peer}</code>
          </th>
          <td>
            <PullFilters filters={pull.filters} />
          </td>
          <td>{m.subscriptions.states[pull.state]}</td>
          <td class="number">{formatNumber(locale, pull.received)}</td>
          <td class="number">{formatNumber(locale, pull.refused)}</td>
          <td>
            <PullProgress pull={pull} />
          </td>
          <td>{pull.lastError === undefined ? m.none : <span class="error-text">{p.failedAt(pull.lastError.reason, formatTime(pull.lastError.at))}</span>}</td>
          <td>
            <Time at={pull.updatedAt} />
          </td>
        </tr>
      ))}
    </ScrollTable>
  );
}

function PullProgress({ pull }: { pull: PullRow }) {
  const { locale } = usePage();
  const p = federationConsoleMessages(locale).pulls;
  const { through, fraction } = pull.progress;
  if (!pull.caughtUp && through === undefined) return <>{p.notStarted}</>;
  const done = pull.caughtUp ? p.caughtUp : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(fraction);
  return <>{through === undefined ? done : `${done} · ${p.through(formatTime(through))}`}</>;
}
