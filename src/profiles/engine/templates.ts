/**
 * Statement Template matching (Part Two §8, Part Three §2.1): determining properties, StatementRef
 * templates and rules. Templates are indexed by verb and object activity type, so a statement is
 * only compared with the templates that can apply to it.
 */
import { CompiledPath, evaluateJsonPath } from './jsonpath';
import type { StatementCheck, TemplateFailure } from './types';
import { JsonValueSet } from './values';

export type Presence = 'included' | 'excluded' | 'recommended';

export interface RuleMatcher {
  /** The rule's `location`, plus ` selector` when it has one: what a failure names. */
  where: string;
  location: CompiledPath;
  selector?: CompiledPath;
  presence?: Presence;
  any?: JsonValueSet;
  all?: JsonValueSet;
  none?: JsonValueSet;
}

const CONTEXT_ACTIVITY_KINDS = ['grouping', 'parent', 'other', 'category'] as const;
export type ContextActivityKind = (typeof CONTEXT_ACTIVITY_KINDS)[number];

export interface TemplateMatcher {
  id: string;
  verb?: string;
  objectActivityType?: string;
  contextActivityTypes: Array<[ContextActivityKind, string[]]>;
  attachmentUsageTypes?: string[];
  objectStatementRefTemplates?: string[];
  contextStatementRefTemplates?: string[];
  rules: RuleMatcher[];
  /** Whether any determining property is given: only then does matching them make a statement a subject. */
  determining: boolean;
}

/**
 * The profile's templates, indexed for checking statements: by verb, then (for templates without
 * one) by object activity type; only the rest are compared with every statement.
 */
export class TemplateIndex {
  private readonly byVerb = new Map<string, TemplateMatcher[]>();
  private readonly byObjectType = new Map<string, TemplateMatcher[]>();
  private readonly others: TemplateMatcher[] = [];

  constructor(
    readonly templates: readonly TemplateMatcher[],
    private readonly versions: ReadonlySet<string>,
  ) {
    for (const template of templates) {
      if (template.verb !== undefined) append(this.byVerb, template.verb, template);
      else if (template.objectActivityType !== undefined) append(this.byObjectType, template.objectActivityType, template);
      else this.others.push(template);
    }
  }

  /** The templates whose determining properties the statement has. */
  applicable(statement: Statement): TemplateMatcher[] {
    const found: TemplateMatcher[] = [];
    const verb = statement.verb?.id;
    const objectType = statement.object?.definition?.type;
    const lists = [
      typeof verb === 'string' ? this.byVerb.get(verb) : undefined,
      typeof objectType === 'string' ? this.byObjectType.get(objectType) : undefined,
      this.others,
    ];
    for (const list of lists) {
      if (list) for (const template of list) if (hasDeterminingProperties(template, statement)) found.push(template);
    }
    return found;
  }

  check(profileId: string, raw: object, referenced: (id: string) => object | undefined): StatementCheck {
    const statement = normalized(raw);
    const applicable = this.applicable(statement);
    const subject = this.isSubject(statement, applicable);
    if (!subject) return { profileId, subject, matched: [], failures: [] };
    const matched: string[] = [];
    const failures: TemplateFailure[] = [];
    for (const template of applicable) {
      const failure = this.firstFailure(template, statement, referenced, 0);
      if (failure) failures.push(failure);
      else matched.push(template.id);
    }
    return { profileId, subject, matched, failures };
  }

  /** Ids of the statements the applicable StatementRef templates point at (none for a statement that is not a subject). */
  referencesNeeded(raw: object): string[] {
    const statement = normalized(raw);
    const applicable = this.applicable(statement);
    if (!this.isSubject(statement, applicable)) return [];
    const ids = new Set<string>();
    for (const template of applicable) {
      if (template.objectStatementRefTemplates) {
        const id = statementRefId(statement.object);
        if (id) ids.add(id);
      }
      if (template.contextStatementRefTemplates) {
        const id = statementRefId(statement.context?.statement);
        if (id) ids.add(id);
      }
    }
    return [...ids];
  }

  private isSubject(statement: Statement, applicable: TemplateMatcher[]): boolean {
    return applicable.some((template) => template.determining) || this.namesVersionInCategory(statement);
  }

  private namesVersionInCategory(statement: Statement): boolean {
    const category = statement.context?.contextActivities?.category;
    if (!Array.isArray(category)) return false;
    return category.some((activity) => typeof activity?.id === 'string' && this.versions.has(activity.id));
  }

  private matchedIds(raw: object, referenced: (id: string) => object | undefined, depth: number): Set<string> {
    const statement = normalized(raw);
    const ids = new Set<string>();
    for (const template of this.applicable(statement)) {
      if (!this.firstFailure(template, statement, referenced, depth)) ids.add(template.id);
    }
    return ids;
  }

  private firstFailure(
    template: TemplateMatcher,
    statement: Statement,
    referenced: (id: string) => object | undefined,
    depth: number,
  ): TemplateFailure | undefined {
    if (template.objectStatementRefTemplates) {
      const failure = this.refFailure(template, 'objectStatementRefTemplate', template.objectStatementRefTemplates, statement.object, referenced, depth);
      if (failure) return failure;
    }
    if (template.contextStatementRefTemplates) {
      const failure = this.refFailure(template, 'contextStatementRefTemplate', template.contextStatementRefTemplates, statement.context?.statement, referenced, depth);
      if (failure) return failure;
    }
    for (const rule of template.rules) {
      const failure = ruleFailure(rule, statement);
      if (failure) return { templateId: template.id, ...failure };
    }
    return undefined;
  }

  /**
   * Part Two §8: the StatementRef must point at a statement matching one of the templates. The
   * statement must be known (Part Three's pseudocode skips unknown ones; an LRS checking its own
   * store treats "not stored here" as not matching). Chains are followed MAX_REFERENCE_DEPTH deep.
   */
  private refFailure(
    template: TemplateMatcher,
    property: 'objectStatementRefTemplate' | 'contextStatementRefTemplate',
    allowed: string[],
    target: unknown,
    referenced: (id: string) => object | undefined,
    depth: number,
  ): TemplateFailure | undefined {
    const expected = `a StatementRef to a statement matching one of ${JSON.stringify(allowed)}`;
    const id = statementRefId(target);
    if (!id) return { templateId: template.id, location: property, expected, actual: describeRefTarget(target) };
    if (depth >= MAX_REFERENCE_DEPTH) {
      return { templateId: template.id, location: property, expected, actual: `a chain of StatementRefs deeper than ${MAX_REFERENCE_DEPTH}` };
    }
    const other = referenced(id);
    if (!other) return { templateId: template.id, location: property, expected, actual: `statement ${id}, not found` };
    const matched = this.matchedIds(other, referenced, depth + 1);
    if (allowed.some((templateId) => matched.has(templateId))) return undefined;
    return { templateId: template.id, location: property, expected, actual: `statement ${id}, matching ${JSON.stringify([...matched])}` };
  }
}

export const MAX_REFERENCE_DEPTH = 4;

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The parts of a statement the matcher reads, every one possibly absent or malformed. */
interface Statement {
  verb?: { id?: unknown };
  object?: { objectType?: unknown; id?: unknown; definition?: { type?: unknown } };
  context?: {
    contextActivities?: Partial<Record<ContextActivityKind, Array<{ id?: unknown; definition?: { type?: unknown } }>>>;
    statement?: unknown;
  };
  attachments?: Array<{ usageType?: unknown }>;
}

/**
 * Part Two §8.1: rules see contextActivities normalised (a single activity becomes an array of
 * one), in the statement and in a SubStatement object. Copies only what changes.
 */
function normalized(raw: object): Statement {
  let statement = withArrayContextActivities(raw as Record<string, unknown>);
  const object = statement.object as Record<string, unknown> | undefined;
  if (object && typeof object === 'object' && object.objectType === 'SubStatement') {
    const sub = withArrayContextActivities(object);
    if (sub !== object) statement = { ...statement, object: sub };
  }
  return statement as Statement;
}

function withArrayContextActivities(statement: Record<string, unknown>): Record<string, unknown> {
  const context = statement.context as Record<string, unknown> | undefined;
  const activities = context?.contextActivities as Record<string, unknown> | undefined;
  if (!activities || typeof activities !== 'object') return statement;
  let copy: Record<string, unknown> | undefined;
  for (const kind of CONTEXT_ACTIVITY_KINDS) {
    const value = activities[kind];
    if (value !== undefined && !Array.isArray(value)) {
      copy ??= { ...activities };
      copy[kind] = [value];
    }
  }
  if (!copy) return statement;
  return { ...statement, context: { ...context, contextActivities: copy } };
}

function hasDeterminingProperties(template: TemplateMatcher, statement: Statement): boolean {
  if (template.objectActivityType !== undefined) {
    const object = statement.object;
    if (!object || (object.objectType !== undefined && object.objectType !== 'Activity')) return false;
    if (object.definition?.type !== template.objectActivityType) return false;
  }
  for (const [kind, types] of template.contextActivityTypes) {
    const activities = statement.context?.contextActivities?.[kind];
    if (!Array.isArray(activities)) return false;
    if (!containsAll(activities.map((activity) => activity?.definition?.type), types)) return false;
  }
  if (template.attachmentUsageTypes) {
    if (!Array.isArray(statement.attachments)) return false;
    if (!containsAll(statement.attachments.map((attachment) => attachment?.usageType), template.attachmentUsageTypes)) return false;
  }
  return true;
}

function containsAll(present: unknown[], required: string[]): boolean {
  return required.every((value) => present.includes(value));
}

function statementRefId(target: unknown): string | undefined {
  if (!target || typeof target !== 'object') return undefined;
  const ref = target as { objectType?: unknown; id?: unknown };
  return ref.objectType === 'StatementRef' && typeof ref.id === 'string' ? ref.id : undefined;
}

function describeRefTarget(target: unknown): string {
  if (target === undefined) return 'nothing';
  const objectType = (target as { objectType?: unknown } | null)?.objectType;
  return typeof objectType === 'string' ? `a ${objectType}` : 'an Activity';
}

const UNMATCHABLE = Symbol('unmatchable');

/** Values listed in a failure's `actual` at most; more are counted in a last string entry. */
const ACTUAL_VALUES_SHOWN = 10;

function shown(values: unknown[]): unknown[] | undefined {
  if (values.length === 0) return undefined;
  if (values.length <= ACTUAL_VALUES_SHOWN) return values;
  return [...values.slice(0, ACTUAL_VALUES_SHOWN), `… and ${values.length - ACTUAL_VALUES_SHOWN} more`];
}

/** Part Three §2.1 `follows_rule`, returning why the rule is not followed (or undefined). */
export function ruleFailure(rule: RuleMatcher, statement: object): Omit<TemplateFailure, 'templateId'> | undefined {
  const located = evaluateJsonPath(rule.location, statement);
  let values: unknown[] = located;
  if (rule.selector) {
    values = [];
    for (const value of located) {
      const selection = evaluateJsonPath(rule.selector, value);
      if (selection.length === 0) values.push(UNMATCHABLE);
      else for (const selected of selection) values.push(selected);
    }
  }
  const matchable = values.filter((value) => value !== UNMATCHABLE);
  const someUnmatchable = matchable.length < values.length;
  const fail = (expected: string) => ({ location: rule.where, expected, actual: shown(matchable) });

  let strict = true;
  if (rule.presence === 'included') {
    if (someUnmatchable) return fail('included, with a value at the selector for every value at the location');
    if (values.length === 0) return fail('included');
  } else if (rule.presence === 'excluded') {
    if (matchable.length > 0) return fail('excluded');
  } else if (rule.presence === 'recommended') strict = false;

  const applies = strict || values.length > 0;
  if (!applies) return undefined;
  if (rule.any && !matchable.some((value) => rule.any!.has(value))) {
    return fail(`any of ${rule.any.text}`);
  }
  if (rule.all) {
    if (someUnmatchable) return fail(`only values from ${rule.all.text}, with a value at the selector for every value at the location`);
    if (!matchable.every((value) => rule.all!.has(value))) return fail(`only values from ${rule.all.text}`);
  }
  if (rule.none && matchable.some((value) => rule.none!.has(value))) {
    return fail(`none of ${rule.none.text}`);
  }
  return undefined;
}
