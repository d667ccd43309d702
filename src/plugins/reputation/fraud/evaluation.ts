import type { AgentKey, FraudSignal, FraudSignalKind } from '../model';
import type { SyntheticPopulation } from './synthetic';

export interface DetectionQuality {
  signals: number;
  /** Signals at least half of whose subjects took part in an injected fraud. */
  truePositives: number;
  precision: number;
  /** Injected frauds at least half of whose members some signal names. */
  detectedUnits: number;
  units: number;
  recall: number;
  byKind: Partial<Record<FraudSignalKind, { units: number; detected: number; signals: number; truePositives: number }>>;
  honestReciprocalPairs: number;
  /** Honest reciprocal pairs one of whom some signal names. */
  honestPairsFlagged: number;
  honestPairRate: number;
}

function atLeastHalf(members: AgentKey[], isIn: (key: AgentKey) => boolean): boolean {
  return members.filter(isIn).length * 2 >= members.length;
}

/** Precision, recall and honest pairs flagged of these signals against the population's ground truth. */
export function evaluate(population: SyntheticPopulation, signals: FraudSignal[]): DetectionQuality {
  const named = new Set(signals.flatMap((found) => found.subjects));
  const byKind: DetectionQuality['byKind'] = {};
  const kind = (name: FraudSignalKind) => (byKind[name] ??= { units: 0, detected: 0, signals: 0, truePositives: 0 });
  let truePositives = 0;
  for (const found of signals) {
    const correct = atLeastHalf(found.subjects, (key) => population.fraudulent.has(key));
    truePositives += correct ? 1 : 0;
    kind(found.kind).signals += 1;
    kind(found.kind).truePositives += correct ? 1 : 0;
  }
  let detectedUnits = 0;
  for (const unit of population.units) {
    const detected = atLeastHalf(unit.members, (key) => named.has(key));
    detectedUnits += detected ? 1 : 0;
    kind(unit.kind).units += 1;
    kind(unit.kind).detected += detected ? 1 : 0;
  }
  const honestPairsFlagged = population.honestReciprocalPairs.filter(([a, b]) => named.has(a) || named.has(b)).length;
  return {
    signals: signals.length,
    truePositives,
    precision: signals.length ? truePositives / signals.length : 1,
    detectedUnits,
    units: population.units.length,
    recall: population.units.length ? detectedUnits / population.units.length : 1,
    byKind,
    honestReciprocalPairs: population.honestReciprocalPairs.length,
    honestPairsFlagged,
    honestPairRate: population.honestReciprocalPairs.length ? honestPairsFlagged / population.honestReciprocalPairs.length : 0,
  };
}
