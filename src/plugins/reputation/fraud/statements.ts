import { identifierOfKey, ifiKey, nameBasedUuid, type StoredStatement } from '../../../plugin-api';
import type { AgentKey, FraudSignal, FraudSignalKind } from '../model';
import { EXTENSION, PROFILE_CATEGORY, recordedByThisPlugin, VERB } from '../vocabulary';

const KINDS: readonly FraudSignalKind[] = ['burst', 'serial-rating', 'reciprocal-pair', 'ring', 'new-account-cluster', 'consensus-outlier'];
/** The profile's bounds of the fraud-signal extension. */
const MAX_EVIDENCE_READ = 1000;
const MAX_EXPLANATION = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A signal's moderation case (the statements' registration, the flag's id): its kind and sorted subjects. */
export function caseIdOf(found: Pick<FraudSignal, 'kind' | 'subjects'>): string {
  return nameBasedUuid(`keiko reputation flag\n${found.kind}\n${[...found.subjects].sort().join('\n')}`);
}

/** The `flagged` statement of one subject of a signal. */
export function flagStatementIdOf(found: Pick<FraudSignal, 'kind' | 'subjects'>, subject: AgentKey): string {
  return nameBasedUuid(`keiko reputation flag\n${found.kind}\n${[...found.subjects].sort().join('\n')}\nsubject\n${subject}`);
}

/** The plugin's own Agent, the actor of its flags. */
export function serviceAgent(publicUrl: string) {
  return { objectType: 'Agent', name: 'Keiko reputation service', account: { homePage: publicUrl, name: 'plugin:reputation' } };
}

/**
 * One `flagged` statement per subject of the signal (the profile flags a person's rating
 * behaviour), sharing the case's registration: the statements alone hold every subject, so a
 * rebuild restores the flag. Ids are deterministic, so the signal is recorded once.
 */
export function flagStatements(found: FraudSignal, options: { publicUrl: string; names: Map<AgentKey, string>; now: Date }): object[] {
  const registration = caseIdOf(found);
  return found.subjects.flatMap((subject) => {
    const identifier = identifierOfKey(subject);
    if (identifier === undefined) return [];
    const name = options.names.get(subject);
    return [
      {
        id: flagStatementIdOf(found, subject),
        actor: serviceAgent(options.publicUrl),
        verb: { id: VERB.flagged, display: { en: 'flagged' } },
        object: { objectType: 'Agent', ...(name !== undefined && { name }), ...identifier },
        result: { extensions: { [EXTENSION.fraudSignal]: { kind: found.kind, confidence: found.confidence, evidence: found.evidence, explanation: found.explanation } } },
        context: { registration, contextActivities: { category: [PROFILE_CATEGORY] } },
        timestamp: options.now.toISOString(),
      },
    ];
  });
}

/** What one `flagged` statement this plugin recorded says. */
export interface FlagStatement {
  registration: string;
  subject: AgentKey;
  kind: FraudSignalKind;
  confidence: number;
  evidence: string[];
  explanation: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `flagged` statement this plugin recorded, read with bounds; undefined for anything else. */
export function parseFlagStatement(statement: StoredStatement): FlagStatement | undefined {
  if (statement.verb.id !== VERB.flagged || !recordedByThisPlugin(statement)) return undefined;
  const object = statement.object as unknown as Record<string, unknown>;
  if (object.objectType !== 'Agent') return undefined;
  const subject = ifiKey(object);
  const registration = statement.context?.registration;
  const signal = statement.result?.extensions?.[EXTENSION.fraudSignal];
  if (subject === undefined || typeof registration !== 'string' || !isRecord(signal)) return undefined;
  const { kind, confidence, evidence, explanation } = signal;
  if (!KINDS.includes(kind as FraudSignalKind) || typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) return undefined;
  if (!Array.isArray(evidence) || evidence.length > MAX_EVIDENCE_READ || !evidence.every((id) => typeof id === 'string' && UUID.test(id))) return undefined;
  if (typeof explanation !== 'string' || explanation.length === 0 || explanation.length > MAX_EXPLANATION) return undefined;
  return { registration: registration.toLowerCase(), subject, kind: kind as FraudSignalKind, confidence, evidence: evidence as string[], explanation };
}
