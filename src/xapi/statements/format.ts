import { agentIdentifiers, dropUndefined } from '../actors';
import type {
  Activity,
  ActivityDefinition,
  Actor,
  Context,
  InteractionComponent,
  LanguageMap,
  StatementObject,
  StoredStatement,
  SubStatement,
} from '../types';
import { isSubStatement } from './filter-view';

export type StatementFormat = 'ids' | 'exact' | 'canonical';

/**
 * Renders a stored statement in the requested format (Communication 2.1.3, `format`):
 * `exact` as stored; `ids` with only identifiers of Agents, Groups, Activities and Verbs;
 * `canonical` with every language map reduced to the one language the client prefers
 * (2.1.3.s4), using `canonicalActivity` to substitute the LRS's canonical definitions when given.
 */
export function renderStatement(
  statement: StoredStatement,
  format: StatementFormat,
  languages: LanguagePreference[] = [],
  canonicalActivity: (activity: Activity) => Activity = (activity) => activity,
): StoredStatement {
  if (format === 'exact') return statement;
  if (format === 'ids') return mapStatementParts(statement, idsParts);
  return mapStatementParts(statement, canonicalParts(languages, canonicalActivity));
}

interface PartMappers {
  actor(actor: Actor): Actor;
  activity(activity: Activity): Activity;
  verbDisplay(display: LanguageMap | undefined): LanguageMap | undefined;
}

const idsParts: PartMappers = {
  actor: actorIds,
  activity: (activity) => ({ id: activity.id }),
  verbDisplay: () => undefined,
};

function canonicalParts(languages: LanguagePreference[], canonicalActivity: (a: Activity) => Activity): PartMappers {
  const pick = (map: LanguageMap | undefined) => (map === undefined ? undefined : pickLanguage(map, languages));
  return {
    actor: (actor) => actor,
    activity: (activity) => {
      const canonical = canonicalActivity(activity);
      return canonical.definition === undefined
        ? canonical
        : { ...canonical, definition: definitionInLanguage(canonical.definition, pick) };
    },
    verbDisplay: pick,
  };
}

function mapStatementParts<T extends StoredStatement | SubStatement>(statement: T, parts: PartMappers): T {
  return dropUndefined({
    ...statement,
    actor: parts.actor(statement.actor),
    verb: dropUndefined({ id: statement.verb.id, display: parts.verbDisplay(statement.verb.display) }),
    object: mapObject(statement.object, parts),
    context: statement.context === undefined ? undefined : mapContext(statement.context, parts),
    authority: 'authority' in statement && statement.authority ? parts.actor(statement.authority) : undefined,
  });
}

function mapObject(object: StatementObject, parts: PartMappers): StatementObject {
  if (isSubStatement(object)) return mapStatementParts(object, parts);
  if (object.objectType === 'Agent' || object.objectType === 'Group') return parts.actor(object);
  if (object.objectType === 'StatementRef') return object;
  return parts.activity(object as Activity);
}

function mapContext(context: Context, parts: PartMappers): Context {
  const activities = context.contextActivities;
  return dropUndefined({
    ...context,
    instructor: context.instructor === undefined ? undefined : parts.actor(context.instructor),
    team: context.team === undefined ? undefined : (parts.actor(context.team) as Context['team']),
    contextActivities:
      activities === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(activities).map(([kind, list]) => [
              kind,
              (Array.isArray(list) ? list : [list]).map(parts.activity),
            ]),
          ),
  });
}

function actorIds(actor: Actor): Actor {
  if (actor.objectType !== 'Group') return agentIdentifiers(actor);
  const identified = agentIdentifiers({ ...actor, objectType: undefined });
  const isAnonymous = Object.keys(identified).length === 0;
  return dropUndefined({
    ...identified,
    objectType: 'Group' as const,
    member: isAnonymous ? actor.member?.map(agentIdentifiers) : undefined,
  });
}

function definitionInLanguage(
  definition: ActivityDefinition,
  pick: (map: LanguageMap | undefined) => LanguageMap | undefined,
): ActivityDefinition {
  const components = (list: InteractionComponent[] | undefined) =>
    list?.map((component) => dropUndefined({ ...component, description: pick(component.description) }));
  return dropUndefined({
    ...definition,
    name: pick(definition.name),
    description: pick(definition.description),
    choices: components(definition.choices),
    scale: components(definition.scale),
    source: components(definition.source),
    target: components(definition.target),
    steps: components(definition.steps),
  });
}

export interface LanguagePreference {
  tag: string;
  quality: number;
}

/** Parses an Accept-Language header (RFC 7231 §5.3.5) into tags ordered by preference. */
export function parseAcceptLanguage(header: string | undefined): LanguagePreference[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((pref) => pref.tag !== '' && pref.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
    .map(({ tag, quality }) => ({ tag, quality }));
}

/**
 * Keeps the single entry of a language map that best matches the preferences (exact tag, then
 * prefix match either way, then `*`); with no match, the first entry, so the map still says something.
 */
export function pickLanguage(map: LanguageMap, preferences: LanguagePreference[]): LanguageMap {
  const keys = Object.keys(map);
  if (keys.length <= 1) return map;
  const chosen = preferences.map((pref) => matchTag(keys, pref.tag)).find((key) => key !== undefined) ?? keys[0]!;
  return { [chosen]: map[chosen]! };
}

function matchTag(keys: string[], wanted: string): string | undefined {
  if (wanted === '*') return keys[0];
  const lower = keys.map((key) => key.toLowerCase());
  const exact = lower.indexOf(wanted);
  if (exact >= 0) return keys[exact];
  const primary = wanted.split('-')[0]!;
  const related = lower.findIndex((key) => key.startsWith(`${wanted}-`) || key.split('-')[0] === primary);
  return related >= 0 ? keys[related] : undefined;
}
