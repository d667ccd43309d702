import { BadRequestError, type Collection, type CollectionDeclaration } from '../../plugin-api';
import { TIMELINE_KINDS, type TimelineEntry, type TimelineKind } from './timeline-entries';

/** What a person hides of their passport: single statements, or whole kinds, activities and institutions. */
export interface PrivacySettings {
  /** Statement ids (lower-case). */
  hiddenItems: string[];
  hiddenCategories: {
    kinds: TimelineKind[];
    /** Activity ids: an item whose object, parent or grouping is one of these is hidden. */
    activities: string[];
    /** Institution ids, as an item's `institution.id` gives them. */
    institutions: string[];
  };
}

/** The plugin's collection of privacy settings: one document per person, keyed by person id. */
export const PRIVACY_STORES: Record<string, CollectionDeclaration> = { privacy: {} };

/** Bounds on what one person may hide, so a document stays small (a few MB at most). */
export const PRIVACY_LIMITS = { hiddenItems: 5000, activities: 500, institutions: 200, idLength: 2100 } as const;

/** The code of a 400 answering a PUT of settings that are not valid. */
export const INVALID_PRIVACY_SETTINGS = 'INVALID_PRIVACY_SETTINGS';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const NOTHING_HIDDEN: PrivacySettings = { hiddenItems: [], hiddenCategories: { kinds: [], activities: [], institutions: [] } };

/**
 * Whether the owner hid this item. Anything made for someone else (a share, an export for a third
 * party) must leave out every entry for which this is true.
 */
export function isHidden(entry: Pick<TimelineEntry, 'statementId' | 'kind' | 'object' | 'institution' | 'parents' | 'groupings'>, privacy: PrivacySettings): boolean {
  const { hiddenItems, hiddenCategories } = privacy;
  if (hiddenItems.includes(entry.statementId.toLowerCase())) return true;
  if (hiddenCategories.kinds.includes(entry.kind) || hiddenCategories.institutions.includes(entry.institution)) return true;
  const activities = [...(entry.object.objectType === 'Activity' && entry.object.id !== undefined ? [entry.object.id] : []), ...entry.parents, ...entry.groupings];
  return activities.some((activity) => hiddenCategories.activities.includes(activity));
}

/** The entries someone other than the owner may see: those the owner did not hide. */
export function visibleTo<T extends Parameters<typeof isHidden>[0]>(entries: T[], privacy: PrivacySettings): T[] {
  return entries.filter((entry) => !isHidden(entry, privacy));
}

/** The privacy settings of each person (nothing hidden until they say otherwise). */
export class PrivacyStore {
  constructor(private readonly settings: Collection<PrivacySettings>) {}

  async of(personId: string): Promise<PrivacySettings> {
    return (await this.settings.get(personId))?.value ?? NOTHING_HIDDEN;
  }

  async replace(personId: string, privacy: PrivacySettings): Promise<void> {
    await this.settings.put(personId, privacy);
  }

  /**
   * Applies `change` to the person's settings and stores the result when it passes the PUT's checks,
   * normalised as a PUT's (400 INVALID_PRIVACY_SETTINGS otherwise, nothing stored). Last write wins
   * between concurrent changes.
   */
  async update(personId: string, change: (settings: PrivacySettings) => unknown): Promise<PrivacySettings> {
    const changed = parsePrivacySettings(change(await this.of(personId)));
    await this.replace(personId, changed);
    return changed;
  }
}

/** A PUT body checked and normalised (ids lower-cased where xAPI compares them so, duplicates dropped); 400 with the reason otherwise. */
export function parsePrivacySettings(body: unknown): PrivacySettings {
  const given = objectWithKeys(body, 'the body', ['hiddenItems', 'hiddenCategories']);
  const categories = objectWithKeys(given.hiddenCategories, 'hiddenCategories', ['kinds', 'activities', 'institutions']);
  return {
    hiddenItems: stringList(given.hiddenItems, 'hiddenItems', PRIVACY_LIMITS.hiddenItems, statementId),
    hiddenCategories: {
      kinds: stringList(categories.kinds, 'hiddenCategories.kinds', TIMELINE_KINDS.length, kind),
      activities: stringList(categories.activities, 'hiddenCategories.activities', PRIVACY_LIMITS.activities, boundedId),
      institutions: stringList(categories.institutions, 'hiddenCategories.institutions', PRIVACY_LIMITS.institutions, boundedId),
    },
  };
}

function objectWithKeys(value: unknown, name: string, keys: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${name} must be an object with ${keys.join(', ')}`);
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined) throw invalid(`${name} has an unknown property "${unknown}" (expected ${keys.join(', ')})`);
  const missing = keys.find((key) => !(key in value));
  if (missing !== undefined) throw invalid(`${name} is missing "${missing}"`);
  return value as Record<string, unknown>;
}

function stringList<T extends string>(value: unknown, name: string, max: number, parse: (item: string, name: string) => T): T[] {
  if (!Array.isArray(value)) throw invalid(`${name} must be an array`);
  if (value.length > max) throw invalid(`${name} holds at most ${max} values, got ${value.length}`);
  const parsed = value.map((item, index) => {
    if (typeof item !== 'string') throw invalid(`${name}[${index}] must be a string`);
    return parse(item, `${name}[${index}]`);
  });
  return [...new Set(parsed)];
}

function statementId(value: string, name: string): string {
  const id = value.toLowerCase();
  if (!UUID.test(id)) throw invalid(`${name} must be a statement id (a UUID), got "${value.slice(0, 50)}"`);
  return id;
}

function kind(value: string, name: string): TimelineKind {
  if ((TIMELINE_KINDS as readonly string[]).includes(value)) return value as TimelineKind;
  throw invalid(`${name} must be one of ${TIMELINE_KINDS.join(', ')}, got "${value.slice(0, 50)}"`);
}

function boundedId(value: string, name: string): string {
  if (value.length === 0 || value.length > PRIVACY_LIMITS.idLength) throw invalid(`${name} must be 1 to ${PRIVACY_LIMITS.idLength} characters`);
  return value;
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(INVALID_PRIVACY_SETTINGS, message);
}
