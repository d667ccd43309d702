import { LineChart, usePage, type Locale } from '../../../plugin-api';
import type { ReputationScore } from '../model';
import type { Badge, TrendPoint } from './badges';
import { BADGE_MEANINGS } from './badges';
import { reputationMessages } from './messages';

/** What both pages show of a person: scores, totals, badges and the 90-day trend. */
export interface ScoreFigures {
  score: ReputationScore;
  trend: TrendPoint[];
  badges: Badge[];
  windowDays: number;
}

export function ScoreSection({ figures }: { figures: ScoreFigures }) {
  const { locale } = usePage();
  const m = reputationMessages(locale);
  const { score, trend, badges, windowDays } = figures;
  return (
    <>
      <section aria-labelledby="reputation-scores">
        <h2 id="reputation-scores">{m.scores}</h2>
        <dl>
          <dt>{m.current}</dt>
          <dd>
            <strong>{scoreText(score.current, locale)}</strong> — {m.currentHint(windowDays)}
          </dd>
          <dt>{m.historical}</dt>
          <dd>
            <strong>{scoreText(score.historical, locale)}</strong> — {m.historicalHint}
          </dd>
        </dl>
        <p>{m.totals(score.totalRatings, score.recentRatings)}</p>
      </section>
      <section aria-labelledby="reputation-badges">
        <h2 id="reputation-badges">{m.badges}</h2>
        {badges.length === 0 ? (
          <p>{m.noBadges}</p>
        ) : (
          <ul>
            {badges.map((badge) => (
              <li>
                <strong>{badge.label[locale]}</strong>: {BADGE_MEANINGS[badge.id][locale]}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="reputation-trend">
        <h2 id="reputation-trend">{m.trend}</h2>
        <TrendChart trend={trend} />
      </section>
    </>
  );
}

/**
 * Both scores on each day that had a recent rating: a chart cannot draw a day without a current
 * score, so those days are left out and the page says how many.
 */
function TrendChart({ trend }: { trend: TrendPoint[] }) {
  const { locale } = usePage();
  const m = reputationMessages(locale);
  const days = trend.filter((day): day is TrendPoint & { current: number; historical: number } => day.current !== null && day.historical !== null);
  if (days.length === 0) return <p>{m.noTrend}</p>;
  const labels = days.map((day) => dayText(day.date, locale));
  const number = scoreFormat(locale);
  const first = days[0]!;
  const last = days.at(-1)!;
  const gaps = trend.length - days.length;
  return (
    <>
      <LineChart
        title={m.trendChart}
        description={m.trendDescription(number.format(first.current), labels[0]!, number.format(last.current), labels.at(-1)!)}
        labelHeader={m.day}
        labels={labels}
        series={[
          { name: m.current, values: days.map((day) => day.current) },
          { name: m.historical, values: days.map((day) => day.historical) },
        ]}
        format={(value) => number.format(value)}
      />
      {gaps > 0 && <p>{m.trendGaps(gaps)}</p>}
    </>
  );
}

/** "4.50 of 5" in the page's language, or "None yet". */
export function scoreText(value: number | null, locale: Locale): string {
  const m = reputationMessages(locale);
  return value === null ? m.noScore : m.ofFive(scoreFormat(locale).format(value));
}

function scoreFormat(locale: Locale): Intl.NumberFormat {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A UTC day (YYYY-MM-DD) in the page's language. */
export function dayText(date: string, locale: Locale): string {
  return timeText(`${date}T00:00:00Z`, locale);
}

/** A stored time (ISO, or seconds since the epoch) as its UTC day in the page's language. */
export function timeText(time: string | number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(typeof time === 'number' ? time * 1000 : new Date(time));
}
