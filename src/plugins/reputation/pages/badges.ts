import type { LocalizedText } from '../../../plugin-api';
import type { ReputationScore } from '../model';

/** A day of a person's trend (ReputationLedger.trend): their scores as they stood at the end of that UTC day. */
export interface TrendPoint {
  /** YYYY-MM-DD (UTC). */
  date: string;
  current: number | null;
  historical: number | null;
}

export type BadgeId = 'trusted' | 'consistent' | 'rising' | 'steady';

export interface Badge {
  id: BadgeId;
  label: LocalizedText;
}

/**
 * The thresholds of the badges (docs/reputation.md). Each asks for enough ratings that one or two
 * friends cannot earn it alone, and none needs more than the score and its trend.
 */
export const BADGE_THRESHOLDS = {
  /** Trusted: a current score of at least 4.5 from at least 10 ratings within the window. */
  trusted: { minCurrent: 4.5, minRecentRatings: 10 },
  /** Consistent: a historical score of at least 4 over at least 25 ratings. */
  consistent: { minHistorical: 4, minTotalRatings: 25 },
  /** Rising: the current score at least 0.3 above the historical one, from at least 5 ratings within the window. */
  rising: { minGain: 0.3, minRecentRatings: 5 },
  /** Steady: a current score of at least 4 on every one of the last 90 days (none without a recent rating). */
  steady: { minCurrent: 4, days: 90 },
} as const;

const LABELS: Record<BadgeId, LocalizedText> = {
  trusted: { en: 'Trusted', es: 'De confianza' },
  consistent: { en: 'Consistently well rated', es: 'Bien valorado con constancia' },
  rising: { en: 'Rising', es: 'En ascenso' },
  steady: { en: 'Steady', es: 'Constante' },
};

/** What each badge means, shown beside it. */
export const BADGE_MEANINGS: Record<BadgeId, LocalizedText> = {
  trusted: {
    en: 'A current score of 4.5 or more from at least 10 recent ratings.',
    es: 'Una puntuación actual de 4,5 o más con al menos 10 valoraciones recientes.',
  },
  consistent: {
    en: 'A historical score of 4 or more over at least 25 ratings.',
    es: 'Una puntuación histórica de 4 o más con al menos 25 valoraciones.',
  },
  rising: {
    en: 'A current score at least 0.3 above the historical one, from at least 5 recent ratings.',
    es: 'Una puntuación actual al menos 0,3 por encima de la histórica, con al menos 5 valoraciones recientes.',
  },
  steady: {
    en: 'A current score of 4 or more on each of the last 90 days.',
    es: 'Una puntuación actual de 4 o más cada uno de los últimos 90 días.',
  },
};

/**
 * The badges a score and its trend (oldest day first, at least the last 90 days for `steady`)
 * earn, in a fixed order. Scores are compared rounded to two decimals, as pages show them, so a
 * 4.4999… shown as 4.50 earns what 4.50 earns.
 */
export function badgesOf(score: ReputationScore, trend: readonly TrendPoint[]): Badge[] {
  const { trusted, consistent, rising, steady } = BADGE_THRESHOLDS;
  const current = score.current === null ? null : shown(score.current);
  const historical = score.historical === null ? null : shown(score.historical);
  const earned: Record<BadgeId, boolean> = {
    trusted: current !== null && current >= trusted.minCurrent && score.recentRatings >= trusted.minRecentRatings,
    consistent: historical !== null && historical >= consistent.minHistorical && score.totalRatings >= consistent.minTotalRatings,
    rising: current !== null && historical !== null && shown(current - historical) >= rising.minGain && score.recentRatings >= rising.minRecentRatings,
    steady: steadyOver(trend.slice(-steady.days), steady.days, steady.minCurrent),
  };
  return (Object.keys(LABELS) as BadgeId[]).filter((id) => earned[id]).map((id) => ({ id, label: LABELS[id] }));
}

function steadyOver(days: readonly TrendPoint[], length: number, minCurrent: number): boolean {
  return days.length === length && days.every((day) => day.current !== null && shown(day.current) >= minCurrent);
}

function shown(value: number): number {
  return Math.round(value * 100) / 100;
}
