import type { Collection, CollectionStore } from '../storage/collections/collection-store';
import type { CompiledProfile, LanguageMap, StatementCheck } from './engine';
import { lazyCollection } from './profile-store';

/** Why a statement does not conform to a profile, as reported to the client. */
export interface ReportedFailure {
  /** null when the statement, a subject of the profile, has the determining properties of none of its templates. */
  templateId: string | null;
  templatePrefLabel?: LanguageMap;
  location: string;
  expected: string;
  actual: unknown;
}

export interface ProfileReport {
  profileId: string;
  versionId: string;
  prefLabel: LanguageMap;
  failures: ReportedFailure[];
}

/** The warn-mode report of one stored statement: every profile it was checked against and does not conform to. */
export interface StatementReport {
  statementId: string;
  recordedAt: string;
  profiles: ProfileReport[];
}

/**
 * A statement conforms to a profile it is a subject of when it fully matches at least one of its
 * Statement Templates (Profiles Part Three); it is then not reported even if it fails another
 * template whose determining properties it also has.
 */
export function nonConformance(profile: CompiledProfile, check: StatementCheck): ProfileReport | undefined {
  if (!check.subject || check.matched.length > 0) return undefined;
  const failures: ReportedFailure[] =
    check.failures.length > 0
      ? check.failures.map((failure) => ({ ...failure, templatePrefLabel: templateOf(profile, failure.templateId)?.prefLabel }))
      : [
          {
            templateId: null,
            location: '$',
            expected: `a statement matching one of the profile's ${profile.templates.length} Statement Templates`,
            actual: 'a statement with the determining properties of none of them',
          },
        ];
  return { profileId: profile.id, versionId: profile.versionId, prefLabel: profile.prefLabel, failures };
}

const templatesByProfile = new WeakMap<CompiledProfile, Map<string, CompiledProfile['templates'][number]>>();

export function templateOf(profile: CompiledProfile, templateId: string): CompiledProfile['templates'][number] | undefined {
  let templates = templatesByProfile.get(profile);
  if (templates === undefined) {
    templates = new Map(profile.templates.map((template) => [template.id, template]));
    templatesByProfile.set(profile, templates);
  }
  return templates.get(templateId);
}

/** A language map's English text, else its first. */
export function label(map: LanguageMap | undefined): string | undefined {
  if (map === undefined) return undefined;
  return map.en ?? map['en-US'] ?? map['en-GB'] ?? Object.values(map)[0];
}

const ACTUAL_SHOWN = 200;

/** One line naming the profile, each template (id and label), the rule's location, expected and actual. */
export function describeNonConformance(report: ProfileReport): string {
  const failures = report.failures.map((failure) => {
    const template = failure.templateId === null ? 'no template' : `template ${failure.templateId}${quoted(label(failure.templatePrefLabel))}`;
    return `${template}: at ${failure.location} expected ${failure.expected}, found ${shown(failure.actual)}`;
  });
  return `the xAPI Profile ${report.profileId}${quoted(label(report.prefLabel))} (version ${report.versionId}): ${failures.join('; ')}`;
}

function quoted(text: string | undefined): string {
  return text === undefined ? '' : ` ("${text}")`;
}

function shown(actual: unknown): string {
  if (actual === undefined) return 'nothing';
  const text = JSON.stringify(actual);
  return text.length > ACTUAL_SHOWN ? `${text.slice(0, ACTUAL_SHOWN)}…` : text;
}

/** Largest JSON text of an `actual` value kept in a stored report. */
const ACTUAL_STORED = 2_000;

/** A report as stored: values as JSON text (extension IRIs are keys with dots, which a stored document may not have). */
interface StoredReport {
  statementId: string;
  recordedAt: string;
  profilesText: string;
}

/** Warn-mode reports in the collection store (owner `profiles`, collection `reports`, id: the statement id). */
export class StatementReportStore {
  private readonly reports: Collection<StoredReport>;

  constructor(collections: CollectionStore) {
    this.reports = lazyCollection(collections, 'reports');
  }

  /** Idempotent: a statement sent again has the same report. */
  async put(report: StatementReport): Promise<void> {
    const profiles = report.profiles.map((profile) => ({ ...profile, failures: profile.failures.map(boundedActual) }));
    await this.reports.put(report.statementId, { statementId: report.statementId, recordedAt: report.recordedAt, profilesText: JSON.stringify(profiles) });
  }

  async get(statementId: string): Promise<StatementReport | undefined> {
    const stored = (await this.reports.get(statementId))?.value;
    if (stored === undefined) return undefined;
    return { statementId: stored.statementId, recordedAt: stored.recordedAt, profiles: JSON.parse(stored.profilesText) as ProfileReport[] };
  }
}

/** Keeps `actual` as it is when its JSON is small, else its JSON text cut short (and says so). */
function boundedActual(failure: ReportedFailure): ReportedFailure & { actualTruncated?: true } {
  if (failure.actual === undefined) return failure;
  const text = JSON.stringify(failure.actual);
  return text.length <= ACTUAL_STORED ? failure : { ...failure, actual: text.slice(0, ACTUAL_STORED), actualTruncated: true };
}
