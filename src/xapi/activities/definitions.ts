import type { Activity, ActivityDefinition, Context, InteractionComponent, LanguageMap, Statement, StatementObject } from '../types';

const LANGUAGE_MAPS = ['name', 'description'] as const;
const COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'] as const;

/**
 * The LRS's canonical definition after seeing `incoming` (Communication 2.5, Data 2.4.4.1):
 * what the newest statement says wins, except that language maps (names, descriptions and
 * interaction component descriptions) gather every language seen, the newest text per language.
 */
export function mergeDefinitions(current: ActivityDefinition | undefined, incoming: ActivityDefinition): ActivityDefinition {
  if (current === undefined) return incoming;
  const merged: ActivityDefinition = { ...current, ...incoming };
  for (const field of LANGUAGE_MAPS) {
    const map = mergeLanguageMaps(current[field], incoming[field]);
    if (map !== undefined) merged[field] = map;
  }
  for (const field of COMPONENT_LISTS) {
    if (incoming[field] !== undefined) merged[field] = mergeComponents(current[field], incoming[field]);
  }
  if (current.extensions !== undefined || incoming.extensions !== undefined) {
    merged.extensions = { ...current.extensions, ...incoming.extensions };
  }
  return merged;
}

function mergeLanguageMaps(current: LanguageMap | undefined, incoming: LanguageMap | undefined): LanguageMap | undefined {
  return current === undefined && incoming === undefined ? undefined : { ...current, ...incoming };
}

function mergeComponents(current: InteractionComponent[] | undefined, incoming: InteractionComponent[]): InteractionComponent[] {
  const previous = new Map((current ?? []).map((component) => [component.id, component]));
  return incoming.map((component) => {
    const description = mergeLanguageMaps(previous.get(component.id)?.description, component.description);
    return description === undefined ? component : { ...component, description };
  });
}

/** Every Activity a statement mentions: object, context activities, and those of a SubStatement. */
export function activitiesIn(statement: Pick<Statement, 'object' | 'context'>): Activity[] {
  const inner = statement.object.objectType === 'SubStatement' ? activitiesIn(statement.object) : [];
  return [...objectActivity(statement.object), ...contextActivities(statement.context), ...inner];
}

function objectActivity(object: StatementObject): Activity[] {
  return object.objectType === undefined || object.objectType === 'Activity' ? [object as Activity] : [];
}

function contextActivities(context: Context | undefined): Activity[] {
  return Object.values(context?.contextActivities ?? {}).flatMap((list) => (Array.isArray(list) ? list : [list]));
}
