import { BarChart, LineChart, usePage, type Locale, type ReputationSummary } from '../../../plugin-api';
import { passportMessages } from '../messages';
import { TIMELINE_PAGE_PATH } from '../timeline-page';
import type { ActivityTypeCount, LearningStyleProfile, PassportAnalytics, Progress, ScorePoint } from './analytics';
import { LEARNING_STYLES } from './assessment';
import { analyticsMessages } from './messages';

/** Bars of the activity-type chart: the most frequent types, then one bar for the rest. */
const MAX_TYPE_BARS = 8;
/** Points of the score chart: beyond this many days the chart shows months, then years. */
const MAX_SCORE_POINTS = 60;

export type Period = 'day' | 'month' | 'year';

/** The page's body: each figure, or what there is not yet. */
export function AnalyticsPage({ analytics, truncatedAt, reputation }: { analytics: PassportAnalytics; truncatedAt?: number; reputation?: ReputationSummary }) {
  const m = analyticsMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.lead}</p>
      <p>
        <a href={TIMELINE_PAGE_PATH}>{m.toTimeline}</a>
      </p>
      {truncatedAt !== undefined && <p>{m.partial(truncatedAt)}</p>}
      <section aria-labelledby="analytics-style">
        <h2 id="analytics-style">{m.learningStyle}</h2>
        {analytics.learningStyle ? <LearningStyle profile={analytics.learningStyle} /> : <p>{m.noAssessment}</p>}
      </section>
      <section aria-labelledby="analytics-progress">
        <h2 id="analytics-progress">{m.progress}</h2>
        {analytics.progress.total > 0 ? <ProgressFigures progress={analytics.progress} /> : <p>{m.noProgress}</p>}
      </section>
      <section aria-labelledby="analytics-types">
        <h2 id="analytics-types">{m.activityTypes}</h2>
        {analytics.activityTypes.length > 0 ? <ActivityTypes counts={analytics.activityTypes} /> : <p>{m.noActivities}</p>}
      </section>
      <section aria-labelledby="analytics-scores">
        <h2 id="analytics-scores">{m.scores}</h2>
        {analytics.scores.length > 0 ? <Scores points={analytics.scores} /> : <p>{m.noScores}</p>}
      </section>
      {reputation && <Reputation summary={reputation} />}
    </>
  );
}

/** The reputation plugin's summary (shown only while that plugin is on). */
function Reputation({ summary }: { summary: ReputationSummary }) {
  const { locale } = usePage();
  const m = analyticsMessages(locale);
  const score = (value: number | null) => (value === null ? m.noReputationScore : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value));
  return (
    <section aria-labelledby="analytics-reputation">
      <h2 id="analytics-reputation">{m.reputation}</h2>
      <p>{m.reputationScores(score(summary.current), score(summary.historical), summary.totalRatings)}</p>
      {summary.badges.length > 0 && <p>{m.reputationBadges(summary.badges.map((badge) => badge.label[locale]).join(', '))}</p>}
      <p>
        <a href={summary.href}>{m.toReputation}</a>
      </p>
    </section>
  );
}

function LearningStyle({ profile }: { profile: LearningStyleProfile }) {
  const { locale } = usePage();
  const m = analyticsMessages(locale);
  const data = LEARNING_STYLES.map((style) => ({ label: m.styles[style], value: profile.scores[style] }));
  const strongest = data.reduce((best, bar) => (bar.value > best.value ? bar : best));
  const type = profile.assessmentType === undefined ? undefined : m.assessmentTypes[profile.assessmentType];
  return (
    <>
      <p>
        {m.fromAssessment(type, formatDate(profile.assessedAt.slice(0, 10), 'day', locale))} {m.assessmentCount(profile.assessments)}
      </p>
      <BarChart
        title={m.styleChart}
        description={m.strongest(strongest.label, strongest.value)}
        categoryHeader={m.style}
        valueHeader={m.styleScore}
        data={data}
        axisMax={100}
      />
    </>
  );
}

function ProgressFigures({ progress }: { progress: Progress }) {
  const { locale } = usePage();
  const m = analyticsMessages(locale);
  const kinds = passportMessages(locale).kinds;
  const percent = (completed: number, total: number) => new Intl.NumberFormat(locale, { style: 'percent' }).format(Math.floor((completed * 100) / total) / 100);
  return (
    <>
      <p>{m.finished(progress.completed, progress.total, percent(progress.completed, progress.total))}</p>
      <div class="table-scroll">
        <table>
          <caption class="visually-hidden">{m.progress}</caption>
          <thead>
            <tr>
              <th scope="col">{m.kind}</th>
              <th scope="col" class="number">
                {m.completed}
              </th>
              <th scope="col" class="number">
                {m.total}
              </th>
              <th scope="col" class="number">
                {m.percent}
              </th>
            </tr>
          </thead>
          <tbody>
            {progress.byKind
              .filter((kind) => kind.total > 0)
              .map((kind) => (
                <tr>
                  <th scope="row">{kinds[kind.kind]}</th>
                  <td class="number">{kind.completed}</td>
                  <td class="number">{kind.total}</td>
                  <td class="number">{percent(kind.completed, kind.total)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ActivityTypes({ counts }: { counts: ActivityTypeCount[] }) {
  const m = analyticsMessages(usePage().locale);
  const data = typeBars(counts, m.untyped, m.otherTypes);
  return (
    <BarChart
      title={m.activityTypesChart}
      description={m.mostFrequent(data[0]!.label, data[0]!.value)}
      categoryHeader={m.activityType}
      valueHeader={m.statements}
      data={data}
    />
  );
}

/** The most frequent types by the last segment of their IRI, and the rest as one bar. */
export function typeBars(counts: ActivityTypeCount[], untyped: string, others: (n: number) => string): { label: string; value: number }[] {
  const label = (type: string | null) => (type === null ? untyped : (type.split(/[/#]/).filter(Boolean).at(-1) ?? type));
  const shown = counts.length > MAX_TYPE_BARS ? counts.slice(0, MAX_TYPE_BARS - 1) : counts;
  const bars = shown.map((count) => ({ label: label(count.activityType), value: count.count }));
  const rest = counts.slice(shown.length);
  if (rest.length > 0) bars.push({ label: others(rest.length), value: rest.reduce((sum, count) => sum + count.count, 0) });
  return bars;
}

function Scores({ points }: { points: ScorePoint[] }) {
  const { locale } = usePage();
  const m = analyticsMessages(locale);
  const { period, points: shown } = chartPoints(points);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const labels = shown.map((point) => formatDate(point.date, period, locale));
  const first = shown[0]!;
  const last = shown.at(-1)!;
  return (
    <LineChart
      title={m.scoresChart}
      description={m.scoreTrend(percent.format(first.mean), labels[0]!, percent.format(last.mean), labels.at(-1)!)}
      labelHeader={m.period[period]}
      labels={labels}
      series={[{ name: m.meanScore, values: shown.map((point) => point.mean) }]}
      format={(value) => percent.format(value)}
    />
  );
}

/**
 * The daily means, or (when there are more than MAX_SCORE_POINTS days) monthly, else yearly ones:
 * each the mean of its scores, so a busy day weighs more than a quiet one. `date` becomes
 * YYYY-MM-DD, YYYY-MM or YYYY.
 */
export function chartPoints(points: ScorePoint[]): { period: Period; points: ScorePoint[] } {
  if (points.length <= MAX_SCORE_POINTS) return { period: 'day', points };
  const months = merged(points, 7);
  return months.length <= MAX_SCORE_POINTS ? { period: 'month', points: months } : { period: 'year', points: merged(points, 4) };
}

/** Points merged by the first `length` characters of their date (points are oldest first). */
function merged(points: ScorePoint[], length: number): ScorePoint[] {
  const merged: ScorePoint[] = [];
  for (const point of points) {
    const date = point.date.slice(0, length);
    const last = merged.at(-1);
    if (last?.date !== date) merged.push({ date, mean: point.mean, count: point.count });
    else {
      last.mean = (last.mean * last.count + point.mean * point.count) / (last.count + point.count);
      last.count += point.count;
    }
  }
  return merged;
}

/** A UTC day (YYYY-MM-DD), month (YYYY-MM) or year (YYYY) in the page's language. */
function formatDate(date: string, period: Period, locale: Locale): string {
  if (period === 'year') return date;
  const options: Intl.DateTimeFormatOptions = period === 'day' ? { dateStyle: 'medium', timeZone: 'UTC' } : { year: 'numeric', month: 'short', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale, options).format(new Date(period === 'day' ? `${date}T00:00:00Z` : `${date}-01T00:00:00Z`));
}
