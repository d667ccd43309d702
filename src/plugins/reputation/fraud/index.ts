export { detectSignals, signalKey, type DetectorOptions, type RatingFact } from './detectors';
export { FRAUD_STORES, FraudFlags, MAX_FLAGS_PER_RUN, type FlagRecord, type FlagView, type FraudFlagsOptions, type ScanState } from './flags';
export { caseIdOf, flagStatementIdOf } from './statements';

/** The scan job's name (its schedule: REPUTATION_FRAUD_SCAN_CRON). */
export const FRAUD_SCAN_JOB = 'fraud-scan';
