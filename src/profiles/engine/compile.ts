/**
 * Validates a profile document against Part Two of the xAPI Profiles specification and compiles
 * it for checking statements. Every problem found is reported with a JSON Pointer to it; the
 * document is only compiled when there is none.
 */
import { BadRequestError } from '../../errors';
import { createStatementValidator, isIri, isIsoTimestamp, isLanguageTag } from '../../xapi/statements/validation/validate-statement';
import { ACTIVITY_CONTEXT, ACTIVITY_TERMS, PROFILE_CONTEXT, PROFILE_TERMS, isIriProperty, resolveContext } from './jsonld';
import { CompiledPath, JsonPathError, parseJsonPath } from './jsonpath';
import { MAX_LINKS, PatternAutomaton, PatternNode, PatternTooLarge, buildAutomaton, findCycle } from './patterns';
import { ContextActivityKind, Presence, RuleMatcher, TemplateIndex, TemplateMatcher } from './templates';
import type { CompileResult, CompiledConcept, CompiledPattern, CompiledProfile, CompiledTemplate, ConceptType, LanguageMap, ProfileProblem } from './types';
import { JsonValueSet } from './values';

export const PROFILES_1_0 = 'https://w3id.org/xapi/profiles#1.0';
/** Problems listed at most; the rest are counted in a last one. */
const MAX_PROBLEMS = 100;
/** Deepest nesting of a profile document (as deep as the LRS allows statements to be). */
const MAX_DEPTH = 100;

/** What checking statements needs beyond the public description of a profile. */
export interface ProfileInternals {
  templates: TemplateIndex;
  primaryAutomata: PatternAutomaton[];
}

const internals = new WeakMap<CompiledProfile, ProfileInternals>();

export function internalsOf(profile: CompiledProfile): ProfileInternals {
  const found = internals.get(profile);
  if (!found) throw new TypeError('not a profile made by compileProfile');
  return found;
}

type Json = Record<string, unknown>;

const VERB_LIKE: ConceptType[] = ['Verb', 'ActivityType', 'AttachmentUsageType'];
const EXTENSIONS: ConceptType[] = ['ContextExtension', 'ResultExtension', 'ActivityExtension'];
const RESOURCES: ConceptType[] = ['StateResource', 'AgentProfileResource', 'ActivityProfileResource'];
const CONCEPT_TYPES = new Set<string>([...VERB_LIKE, ...EXTENSIONS, ...RESOURCES, 'Activity']);

/** Allowed properties per kind of object (Part Two §6–§9); `@`-keywords and IRI properties are always allowed. */
const PROPERTIES: Record<string, { required: string[]; optional: string[] }> = {
  Profile: {
    required: ['id', 'type', 'conformsTo', 'prefLabel', 'definition', 'versions', 'author'],
    optional: ['@context', 'seeAlso', 'concepts', 'templates', 'patterns'],
  },
  Version: { required: ['id', 'generatedAtTime'], optional: ['wasRevisionOf'] },
  Author: { required: ['type', 'name'], optional: ['url'] },
  VerbLike: {
    required: ['id', 'type', 'inScheme', 'prefLabel', 'definition'],
    optional: ['deprecated', 'broader', 'broadMatch', 'narrower', 'narrowMatch', 'related', 'relatedMatch', 'exactMatch'],
  },
  Extension: {
    required: ['id', 'type', 'inScheme', 'prefLabel', 'definition'],
    optional: ['deprecated', 'recommendedActivityTypes', 'recommendedVerbs', 'context', 'schema', 'inlineSchema'],
  },
  Resource: {
    required: ['id', 'type', 'inScheme', 'prefLabel', 'definition', 'contentType'],
    optional: ['deprecated', 'context', 'schema', 'inlineSchema'],
  },
  Activity: { required: ['id', 'type', 'inScheme', 'activityDefinition'], optional: ['deprecated', 'prefLabel', 'definition'] },
  StatementTemplate: {
    required: ['id', 'type', 'inScheme', 'prefLabel', 'definition'],
    optional: [
      'deprecated', 'verb', 'objectActivityType', 'contextGroupingActivityType', 'contextParentActivityType',
      'contextOtherActivityType', 'contextCategoryActivityType', 'attachmentUsageType',
      'objectStatementRefTemplate', 'contextStatementRefTemplate', 'rules',
    ],
  },
  Rule: { required: ['location'], optional: ['selector', 'presence', 'any', 'all', 'none', 'scopeNote'] },
  // inScheme is "Optional" in §9.0's table (adlnet/xapi-profiles#245 calls it an erratum; published profiles such as video v1.0 omit it).
  Pattern: {
    required: ['id', 'type'],
    optional: ['inScheme', 'primary', 'prefLabel', 'definition', 'deprecated', 'alternates', 'optional', 'oneOrMore', 'sequence', 'zeroOrMore'],
  },
};

const PATTERN_KINDS = ['sequence', 'alternates', 'optional', 'oneOrMore', 'zeroOrMore'] as const;

const CONTEXT_TYPE_PROPERTIES: Array<[string, ContextActivityKind]> = [
  ['contextGroupingActivityType', 'grouping'],
  ['contextParentActivityType', 'parent'],
  ['contextOtherActivityType', 'other'],
  ['contextCategoryActivityType', 'category'],
];


export function compileProfile(document: unknown): CompileResult {
  return new ProfileCompiler().compile(document);
}

function pointer(...parts: Array<string | number>): string {
  let path = '';
  for (const part of parts) {
    const text = String(part);
    path += `/${text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text}`;
  }
  return path;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class ProfileCompiler {
  private readonly problems: ProfileProblem[] = [];
  private readonly paths = new Map<string, CompiledPath>();
  /** Every id in the document, with where it is defined and what it is. */
  private readonly ids = new Map<string, { path: string; kind: string }>();
  private versions = new Set<string>();
  /** The compiled rules of each template, by the template's index. */
  private readonly templateRules: Array<Array<RuleMatcher | undefined>> = [];

  compile(document: unknown): CompileResult {
    if (!isObject(document)) return { problems: [{ path: '', message: 'a profile is a JSON object' }] };
    if (!this.checkValues(document)) return { problems: this.problems };
    const rootTerms = this.contextTerms(document, '', PROFILE_CONTEXT, PROFILE_TERMS, true);
    this.checkProperties(document, '', 'Profile', rootTerms);
    if (document.type !== 'Profile') this.problem('/type', 'must be "Profile"');
    if (document.conformsTo !== undefined && document.conformsTo !== PROFILES_1_0) {
      this.problem('/conformsTo', `must be "${PROFILES_1_0}", the version of the specification this processor implements`);
    }
    this.languageMap(document, 'prefLabel', '');
    this.languageMap(document, 'definition', '');
    if (document.seeAlso !== undefined) this.iri(document, 'seeAlso', '');
    this.checkAuthor(document.author, rootTerms);
    this.define(document, '', 'Profile');
    const current = this.checkVersions(document, rootTerms);

    const concepts = this.array(document, 'concepts', '').map((concept, index) => this.checkConcept(concept, pointer('concepts', index), rootTerms));
    const templates = this.array(document, 'templates', '').map((template, index) => this.checkTemplate(template, index, rootTerms));
    const patterns = this.array(document, 'patterns', '').map((pattern, index) => this.checkPattern(pattern, pointer('patterns', index), rootTerms));
    this.checkConceptRelations(document);
    const templateMatchers = this.checkTemplateReferences(document, templates);
    const automata = this.checkPatternGraph(document);

    if (this.problems.length > MAX_PROBLEMS) {
      const more = this.problems.length - MAX_PROBLEMS;
      return { problems: [...this.problems.slice(0, MAX_PROBLEMS), { path: '', message: `and ${more} more problem${more === 1 ? '' : 's'}` }] };
    }
    if (this.problems.length > 0) return { problems: this.problems };
    const profile: CompiledProfile = {
      id: document.id as string,
      versionId: current!,
      versions: (document.versions as Json[]).map((version) => version.id as string),
      prefLabel: document.prefLabel as LanguageMap,
      definition: document.definition as LanguageMap,
      concepts: concepts as CompiledConcept[],
      templates: templates as CompiledTemplate[],
      patterns: patterns as CompiledPattern[],
      document,
    };
    internals.set(profile, { templates: new TemplateIndex(templateMatchers, this.versions), primaryAutomata: automata });
    return { profile };
  }

  private problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  // -------------------------------------------------------------------------------------------
  // General restrictions (§4.0) and JSON-LD (§2.0, §10.0)

  /**
   * §4.0: no empty objects, null, empty strings or empty arrays anywhere (statement values in
   * any/all/none aside). Also bounds the nesting, so later walks of values may recurse. Returns
   * false when the document is nested too deeply to look at further.
   */
  private checkValues(document: Json): boolean {
    const stack: Array<{ value: unknown; parent: string; key: string | undefined; ruleValue: boolean; depth: number }> = [
      { value: document, parent: '', key: undefined, ruleValue: false, depth: 0 },
    ];
    while (stack.length > 0) {
      const { value, parent, key: own, ruleValue, depth } = stack.pop()!;
      if (value !== null && typeof value !== 'object' && value !== '') continue;
      const path = own === undefined ? parent : parent + pointer(own);
      if (depth > MAX_DEPTH) {
        this.problem(path, `nested more than ${MAX_DEPTH} levels deep`);
        return false;
      }
      if (ruleValue && value !== null && typeof value === 'object') {
        for (const [key, member] of Object.entries(value)) stack.push({ value: member, parent: path, key, ruleValue, depth: depth + 1 });
      } else if (ruleValue) continue;
      else if (value === null) this.problem(path, 'must not be null (Part Two §4.0)');
      else if (value === '') this.problem(path, 'must not be an empty string (Part Two §4.0)');
      else if (Array.isArray(value)) {
        if (value.length === 0) this.problem(path, 'must not be an empty array (Part Two §4.0)');
        for (let index = value.length - 1; index >= 0; index -= 1) stack.push({ value: value[index], parent: path, key: String(index), ruleValue: false, depth: depth + 1 });
      } else if (isObject(value)) {
        const keys = Object.keys(value);
        if (keys.length === 0) this.problem(path, 'must not be an empty object (Part Two §4.0)');
        for (const key of keys.reverse()) {
          const ofRule = (key === 'any' || key === 'all' || key === 'none') && Array.isArray(value[key]);
          if (ofRule) {
            const list = value[key] as unknown[];
            if (list.length === 0) this.problem(path + pointer(key), 'must not be an empty array (Part Two §4.0)');
            list.forEach((member, index) => stack.push({ value: member, parent: path + pointer(key), key: String(index), ruleValue: true, depth: depth + 2 }));
          } else stack.push({ value: value[key], parent: path, key, ruleValue: false, depth: depth + 1 });
        }
      }
    }
    return true;
  }

  /** The terms available in `object`: its own `@context` (when it has one) on top of `inherited`. */
  private contextTerms(object: Json, path: string, required: string | undefined, inherited: ReadonlySet<string>, mandatory = false): ReadonlySet<string> {
    const value = object['@context'];
    if (value === undefined) {
      if (mandatory) this.problem(`${path}/@context`, `@context is required and must be "${required}"`);
      return inherited;
    }
    const resolved = resolveContext(value, required);
    if ('problems' in resolved) {
      for (const problem of resolved.problems) this.problem(`${path}/@context${problem.subpath}`, problem.message);
      return inherited;
    }
    return new Set([...inherited, ...resolved.terms]);
  }

  /** Required properties present; every other property allowed here, an `@`-keyword or an IRI (§4.0). */
  private checkProperties(object: Json, path: string, kind: keyof typeof PROPERTIES, terms: ReadonlySet<string>): void {
    const { required, optional } = PROPERTIES[kind]!;
    for (const key of required) if (object[key] === undefined) this.problem(path + pointer(key), `${key} is required on a ${kindName(kind)}`);
    const allowed = new Set([...required, ...optional]);
    for (const key of Object.keys(object)) {
      if (allowed.has(key) || key.startsWith('@') || isIriProperty(key)) continue;
      if (PROFILE_TERMS.has(key)) this.problem(path + pointer(key), `${key} is not a property of a ${kindName(kind)}`);
      else if (!terms.has(key)) {
        this.problem(path + pointer(key), `${key} is not defined by the profile context: use an absolute or compact IRI, or define it in an additional @context (Part Two §4.0)`);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Typed properties

  private iri(object: Json, key: string, path: string): string | undefined {
    const value = object[key];
    if (value === undefined || value === '') return undefined; // checkProperties and checkValues report these
    if (typeof value !== 'string' || !isIri(value)) {
      this.problem(path + pointer(key), `${key} must be an absolute IRI`);
      return undefined;
    }
    return value;
  }

  private iris(object: Json, key: string, path: string): string[] | undefined {
    const value = object[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.problem(path + pointer(key), `${key} must be an array of IRIs`);
      return undefined;
    }
    value.forEach((member, index) => {
      if (member !== '' && (typeof member !== 'string' || !isIri(member))) this.problem(path + pointer(key, index), `${key} must hold absolute IRIs`);
    });
    return value.filter((member): member is string => typeof member === 'string' && isIri(member));
  }

  private languageMap(object: Json, key: string, path: string): void {
    const value = object[key];
    if (value === undefined) return;
    if (!isObject(value)) {
      this.problem(path + pointer(key), `${key} must be a language map (an object of language tags to strings)`);
      return;
    }
    for (const [tag, text] of Object.entries(value)) {
      if (!isLanguageTag(tag)) this.problem(path + pointer(key, tag), `"${tag}" is not a language tag`);
      else if (typeof text !== 'string') this.problem(path + pointer(key, tag), 'language map values must be strings');
    }
  }

  private boolean(object: Json, key: string, path: string): void {
    if (object[key] !== undefined && typeof object[key] !== 'boolean') this.problem(path + pointer(key), `${key} must be true or false`);
  }

  private string(object: Json, key: string, path: string): void {
    if (object[key] !== undefined && typeof object[key] !== 'string') this.problem(path + pointer(key), `${key} must be a string`);
  }

  private array(object: Json, key: string, path: string): unknown[] {
    const value = object[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(path + pointer(key), `${key} must be an array`);
      return [];
    }
    return value;
  }

  /** Registers a definition's id: an IRI, unique in the document. */
  private define(object: Json, path: string, kind: string): string | undefined {
    const id = this.iri(object, 'id', path);
    if (id === undefined) return undefined;
    const previous = this.ids.get(id);
    if (previous) this.problem(path + pointer('id'), `${id} is already the id of ${previous.path || 'the profile'}: ids must be unique`);
    else this.ids.set(id, { path, kind });
    return id;
  }

  private inScheme(object: Json, path: string): string | undefined {
    const value = this.iri(object, 'inScheme', path);
    if (value !== undefined && !this.versions.has(value)) {
      this.problem(path + pointer('inScheme'), `${value} is not one of the profile's versions (${[...this.versions].join(', ')})`);
    }
    return value;
  }

  // -------------------------------------------------------------------------------------------
  // Profile metadata (§6)

  private checkAuthor(author: unknown, terms: ReadonlySet<string>): void {
    if (author === undefined) return;
    if (!isObject(author)) {
      this.problem('/author', 'author must be an Organization or Person object');
      return;
    }
    this.checkProperties(author, '/author', 'Author', terms);
    if (author.type !== 'Organization' && author.type !== 'Person') this.problem('/author/type', 'must be "Organization" or "Person"');
    this.string(author, 'name', '/author');
    if (author.url !== undefined) this.iri(author, 'url', '/author');
  }

  /** §6.1; returns the current version: the newest by generatedAtTime. */
  private checkVersions(document: Json, terms: ReadonlySet<string>): string | undefined {
    const versions = this.array(document, 'versions', '');
    let current: { id: string; time: number } | undefined;
    versions.forEach((version, index) => {
      const path = pointer('versions', index);
      if (!isObject(version)) {
        this.problem(path, 'a version must be an object');
        return;
      }
      this.checkProperties(version, path, 'Version', terms);
      const id = this.define(version, path, 'Version');
      this.iris(version, 'wasRevisionOf', path);
      const time = typeof version.generatedAtTime === 'string' && isIsoTimestamp(version.generatedAtTime) ? Date.parse(version.generatedAtTime) : NaN;
      if (version.generatedAtTime !== undefined && Number.isNaN(time)) this.problem(path + pointer('generatedAtTime'), 'must be an ISO 8601 timestamp');
      if (id === undefined) return;
      this.versions.add(id);
      if (!current || time > current.time) current = { id, time: Number.isNaN(time) ? -Infinity : time };
    });
    return current?.id;
  }

  // -------------------------------------------------------------------------------------------
  // Concepts (§7)

  private checkConcept(concept: unknown, path: string, inherited: ReadonlySet<string>): CompiledConcept | undefined {
    if (!isObject(concept)) {
      this.problem(path, 'a concept must be an object');
      return undefined;
    }
    const type = concept.type;
    if (typeof type !== 'string' || !CONCEPT_TYPES.has(type)) {
      this.problem(path + pointer('type'), `a concept's type must be one of ${[...CONCEPT_TYPES].join(', ')}`);
      return undefined;
    }
    const terms = this.contextTerms(concept, path, undefined, inherited);
    const conceptType = type as ConceptType;
    const kind = VERB_LIKE.includes(conceptType) ? 'VerbLike' : EXTENSIONS.includes(conceptType) ? 'Extension' : RESOURCES.includes(conceptType) ? 'Resource' : 'Activity';
    this.checkProperties(concept, path, kind, terms);
    const id = this.define(concept, path, conceptType);
    const inScheme = this.inScheme(concept, path);
    this.languageMap(concept, 'prefLabel', path);
    this.languageMap(concept, 'definition', path);
    this.boolean(concept, 'deprecated', path);
    if (kind === 'VerbLike') {
      for (const key of ['broader', 'broadMatch', 'narrower', 'narrowMatch', 'related', 'relatedMatch', 'exactMatch']) this.iris(concept, key, path);
      if (concept.related !== undefined && concept.deprecated !== true) {
        this.problem(path + pointer('related'), 'related must only be used on deprecated concepts (Part Two §7.1)');
      }
    }
    if (kind === 'Extension') {
      this.iris(concept, 'recommendedActivityTypes', path);
      this.iris(concept, 'recommendedVerbs', path);
      if (concept.recommendedActivityTypes !== undefined && conceptType !== 'ActivityExtension') {
        this.problem(path + pointer('recommendedActivityTypes'), 'recommendedActivityTypes is only allowed on an ActivityExtension (Part Two §7.2)');
      }
      if (concept.recommendedVerbs !== undefined && conceptType === 'ActivityExtension') {
        this.problem(path + pointer('recommendedVerbs'), 'recommendedVerbs is only allowed on a ContextExtension or ResultExtension (Part Two §7.2)');
      }
    }
    if (kind === 'Extension' || kind === 'Resource') {
      this.iri(concept, 'context', path);
      this.iri(concept, 'schema', path);
      this.checkInlineSchema(concept, path);
      this.string(concept, 'contentType', path);
    }
    if (kind === 'Activity') this.checkActivityDefinition(concept.activityDefinition, path + pointer('activityDefinition'));
    if (id === undefined) return undefined;
    const compiled: CompiledConcept = { id, type: conceptType, inScheme: inScheme as string, deprecated: concept.deprecated === true };
    if (concept.prefLabel !== undefined) compiled.prefLabel = concept.prefLabel as LanguageMap;
    return compiled;
  }

  private checkInlineSchema(concept: Json, path: string): void {
    if (concept.schema !== undefined && concept.inlineSchema !== undefined) {
      this.problem(path + pointer('inlineSchema'), 'use at most one of schema and inlineSchema (Part Two §7.2, §7.3)');
    }
    const schema = concept.inlineSchema;
    if (schema === undefined || isObject(schema)) return;
    let parsed: unknown;
    try {
      parsed = typeof schema === 'string' ? JSON.parse(schema) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed) && typeof parsed !== 'boolean') this.problem(path + pointer('inlineSchema'), 'inlineSchema must be a JSON Schema, as a string');
  }

  /** §7.4: an xAPI Activity Definition plus the activity @context. */
  private checkActivityDefinition(definition: unknown, path: string): void {
    if (definition === undefined) return;
    if (!isObject(definition)) {
      this.problem(path, 'activityDefinition must be an object');
      return;
    }
    this.contextTerms(definition, path, ACTIVITY_CONTEXT, ACTIVITY_TERMS, true);
    const xapiDefinition = Object.fromEntries(Object.entries(definition).filter(([key]) => key !== '@context'));
    const failure = activityDefinitionProblem(xapiDefinition);
    if (failure) this.problem(path + failure.subpath, `not a legal xAPI Activity Definition (Part Two §7.4): ${failure.message}`);
    const extensions = definition.extensions;
    if (!isObject(extensions)) return;
    for (const [key, value] of Object.entries(extensions)) {
      const at = path + pointer('extensions', key);
      const objects = Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];
      if (objects.some((object) => object['@context'] === undefined)) {
        this.problem(at, 'object-valued extensions must carry a JSON-LD @context in every top-level object (Part Two §7.4)');
      }
    }
  }

  /** §7.1: broader/narrower/related name concepts of the same type in this profile; *Match ones, when here, the same type. */
  private checkConceptRelations(document: Json): void {
    this.array(document, 'concepts', '').forEach((concept, index) => {
      if (!isObject(concept) || typeof concept.type !== 'string') return;
      const path = pointer('concepts', index);
      for (const key of ['broader', 'narrower', 'related']) {
        this.references(concept[key], path + pointer(key), [concept.type], true);
      }
      for (const key of ['broadMatch', 'narrowMatch', 'relatedMatch', 'exactMatch']) {
        this.references(concept[key], path + pointer(key), [concept.type], false);
      }
      this.references(concept.recommendedVerbs, path + pointer('recommendedVerbs'), ['Verb'], false);
      this.references(concept.recommendedActivityTypes, path + pointer('recommendedActivityTypes'), ['ActivityType'], false);
    });
  }

  /**
   * Each IRI in `value` (an IRI or an array of them) must name a definition of one of `kinds` in
   * this profile (`internal`), or, if it names something here, one of those kinds.
   */
  private references(value: unknown, path: string, kinds: string[], internal: boolean): void {
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    list.forEach((iri, index) => {
      if (typeof iri !== 'string') return;
      const at = Array.isArray(value) ? `${path}/${index}` : path;
      const found = this.ids.get(iri);
      const wanted = kinds.join(' or ');
      if (!found) {
        if (internal) this.problem(at, `${iri} is not a ${wanted} of this profile`);
      } else if (!kinds.includes(found.kind)) {
        this.problem(at, `${iri} is a ${found.kind} of this profile (${found.path}), not a ${wanted}`);
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // Statement Templates (§8)

  private checkTemplate(template: unknown, index: number, inherited: ReadonlySet<string>): CompiledTemplate | undefined {
    const path = pointer('templates', index);
    if (!isObject(template)) {
      this.problem(path, 'a Statement Template must be an object');
      return undefined;
    }
    const terms = this.contextTerms(template, path, undefined, inherited);
    this.checkProperties(template, path, 'StatementTemplate', terms);
    if (template.type !== 'StatementTemplate') this.problem(path + pointer('type'), 'must be "StatementTemplate"');
    const id = this.define(template, path, 'StatementTemplate');
    const inScheme = this.inScheme(template, path);
    this.languageMap(template, 'prefLabel', path);
    this.languageMap(template, 'definition', path);
    this.boolean(template, 'deprecated', path);
    this.iri(template, 'verb', path);
    this.iri(template, 'objectActivityType', path);
    for (const [key] of CONTEXT_TYPE_PROPERTIES) this.iris(template, key, path);
    for (const key of ['attachmentUsageType', 'objectStatementRefTemplate', 'contextStatementRefTemplate']) this.iris(template, key, path);
    if (template.objectStatementRefTemplate !== undefined && template.objectActivityType !== undefined) {
      this.problem(path + pointer('objectStatementRefTemplate'), 'a Statement Template must not have both objectStatementRefTemplate and objectActivityType (Part Two §8.0)');
    }
    this.templateRules[index] = this.array(template, 'rules', path).map((rule, ruleIndex) => this.checkRule(rule, path + pointer('rules', ruleIndex), terms));
    if (id === undefined) return undefined;
    return {
      id,
      inScheme: inScheme as string,
      prefLabel: (template.prefLabel ?? {}) as LanguageMap,
      deprecated: template.deprecated === true,
      needsStatementRef: template.objectStatementRefTemplate !== undefined || template.contextStatementRefTemplate !== undefined,
    };
  }

  private checkRule(rule: unknown, path: string, inherited: ReadonlySet<string>): RuleMatcher | undefined {
    if (!isObject(rule)) {
      this.problem(path, 'a rule must be an object');
      return undefined;
    }
    const terms = this.contextTerms(rule, path, undefined, inherited);
    this.checkProperties(rule, path, 'Rule', terms);
    const location = this.jsonPath(rule, 'location', path);
    const selector = rule.selector === undefined ? undefined : this.jsonPath(rule, 'selector', path);
    const presence = rule.presence;
    if (presence !== undefined && presence !== 'included' && presence !== 'excluded' && presence !== 'recommended') {
      this.problem(path + pointer('presence'), 'presence must be "included", "excluded" or "recommended"');
    }
    for (const key of ['any', 'all', 'none']) {
      if (rule[key] !== undefined && !Array.isArray(rule[key])) this.problem(path + pointer(key), `${key} must be an array of values`);
    }
    if (presence === undefined && rule.any === undefined && rule.all === undefined && rule.none === undefined) {
      this.problem(path, 'a rule must include at least one of presence, any, all and none (Part Two §8.1)');
    }
    this.languageMap(rule, 'scopeNote', path);
    if (!location) return undefined;
    const matcher: RuleMatcher = {
      where: typeof rule.selector === 'string' ? `${rule.location as string} ${rule.selector}` : (rule.location as string),
      location,
    };
    if (selector) matcher.selector = selector;
    if (typeof presence === 'string') matcher.presence = presence as Presence;
    if (Array.isArray(rule.any)) matcher.any = new JsonValueSet(rule.any);
    if (Array.isArray(rule.all)) matcher.all = new JsonValueSet(rule.all);
    if (Array.isArray(rule.none)) matcher.none = new JsonValueSet(rule.none);
    return matcher;
  }

  /** Parses a rule's JSONPath once per distinct text. */
  private jsonPath(rule: Json, key: string, path: string): CompiledPath | undefined {
    const text = rule[key];
    if (typeof text !== 'string') {
      if (text !== undefined) this.problem(path + pointer(key), `${key} must be a JSONPath string`);
      return undefined;
    }
    const cached = this.paths.get(text);
    if (cached) return cached;
    try {
      const parsed = parseJsonPath(text);
      this.paths.set(text, parsed);
      return parsed;
    } catch (error) {
      if (!(error instanceof JsonPathError)) throw error;
      this.problem(path + pointer(key), `not a JSONPath of the xAPI Profiles subset (Part Two §8.1): ${error.message}`);
      return undefined;
    }
  }

  /** Determining properties name concepts of the right type (or outside IRIs); StatementRef templates name templates here. */
  private checkTemplateReferences(document: Json, compiled: Array<CompiledTemplate | undefined>): TemplateMatcher[] {
    const matchers: TemplateMatcher[] = [];
    this.array(document, 'templates', '').forEach((template, index) => {
      if (!isObject(template)) return;
      const path = pointer('templates', index);
      this.references(template.verb, path + pointer('verb'), ['Verb'], false);
      this.references(template.objectActivityType, path + pointer('objectActivityType'), ['ActivityType'], false);
      for (const [key] of CONTEXT_TYPE_PROPERTIES) this.references(template[key], path + pointer(key), ['ActivityType'], false);
      this.references(template.attachmentUsageType, path + pointer('attachmentUsageType'), ['AttachmentUsageType'], false);
      this.references(template.objectStatementRefTemplate, path + pointer('objectStatementRefTemplate'), ['StatementTemplate'], true);
      this.references(template.contextStatementRefTemplate, path + pointer('contextStatementRefTemplate'), ['StatementTemplate'], true);
      if (compiled[index] && this.problems.length === 0) matchers.push(this.matcher(template, this.templateRules[index] as RuleMatcher[]));
    });
    return matchers;
  }

  /** Only called on a template without problems. */
  private matcher(template: Json, rules: RuleMatcher[]): TemplateMatcher {
    const contextActivityTypes: Array<[ContextActivityKind, string[]]> = [];
    for (const [key, kind] of CONTEXT_TYPE_PROPERTIES) {
      if (Array.isArray(template[key])) contextActivityTypes.push([kind, template[key] as string[]]);
    }
    const matcher: TemplateMatcher = {
      id: template.id as string,
      contextActivityTypes,
      rules,
      determining:
        template.verb !== undefined || template.objectActivityType !== undefined || template.attachmentUsageType !== undefined || contextActivityTypes.length > 0,
    };
    if (typeof template.verb === 'string') matcher.verb = template.verb;
    if (typeof template.objectActivityType === 'string') matcher.objectActivityType = template.objectActivityType;
    if (Array.isArray(template.attachmentUsageType)) matcher.attachmentUsageTypes = template.attachmentUsageType as string[];
    if (Array.isArray(template.objectStatementRefTemplate)) matcher.objectStatementRefTemplates = template.objectStatementRefTemplate as string[];
    if (Array.isArray(template.contextStatementRefTemplate)) matcher.contextStatementRefTemplates = template.contextStatementRefTemplate as string[];
    return matcher;
  }

  // -------------------------------------------------------------------------------------------
  // Patterns (§9)

  private checkPattern(pattern: unknown, path: string, inherited: ReadonlySet<string>): CompiledPattern | undefined {
    if (!isObject(pattern)) {
      this.problem(path, 'a Pattern must be an object');
      return undefined;
    }
    const terms = this.contextTerms(pattern, path, undefined, inherited);
    this.checkProperties(pattern, path, 'Pattern', terms);
    if (pattern.type !== 'Pattern') this.problem(path + pointer('type'), 'must be "Pattern"');
    const id = this.define(pattern, path, 'Pattern');
    const inScheme = this.inScheme(pattern, path);
    this.boolean(pattern, 'primary', path);
    this.boolean(pattern, 'deprecated', path);
    this.languageMap(pattern, 'prefLabel', path);
    this.languageMap(pattern, 'definition', path);
    if (pattern.primary === true) {
      for (const key of ['prefLabel', 'definition']) if (pattern[key] === undefined) this.problem(path + pointer(key), `a primary Pattern must have ${key} (Part Two §9.0)`);
    }
    const kinds = PATTERN_KINDS.filter((kind) => pattern[kind] !== undefined);
    if (kinds.length !== 1) {
      this.problem(path, `a Pattern must have exactly one of ${PATTERN_KINDS.join(', ')} (it has ${kinds.length === 0 ? 'none' : kinds.join(', ')})`);
    }
    for (const kind of kinds) {
      if (kind === 'sequence' || kind === 'alternates') this.iris(pattern, kind, path);
      else this.iri(pattern, kind, path);
    }
    if (Array.isArray(pattern.alternates) && pattern.alternates.length < 2) {
      this.problem(path + pointer('alternates'), 'alternates must have at least two members (Part Two §9.0)');
    }
    if (id === undefined) return undefined;
    const compiled: CompiledPattern = { id, primary: pattern.primary === true, deprecated: pattern.deprecated === true };
    if (inScheme !== undefined) compiled.inScheme = inScheme;
    if (pattern.prefLabel !== undefined) compiled.prefLabel = pattern.prefLabel as LanguageMap;
    return compiled;
  }

  /** References resolve, §9.0's authoring rules hold, no cycles; then one automaton per primary pattern. */
  private checkPatternGraph(document: Json): PatternAutomaton[] {
    const nodes = new Map<string, PatternNode>();
    for (const template of this.array(document, 'templates', '')) {
      if (isObject(template) && typeof template.id === 'string') nodes.set(template.id, { kind: 'template', id: template.id });
    }
    const patterns = this.array(document, 'patterns', '');
    const byId = new Map<string, Json>();
    for (const pattern of patterns) if (isObject(pattern) && typeof pattern.id === 'string') byId.set(pattern.id, pattern);
    const usedIn = new Map<string, number>();
    patterns.forEach((pattern) => {
      if (!isObject(pattern)) return;
      for (const member of membersOf(pattern)) usedIn.set(member, (usedIn.get(member) ?? 0) + 1);
    });
    patterns.forEach((pattern, index) => {
      if (!isObject(pattern) || typeof pattern.id !== 'string') return;
      const path = pointer('patterns', index);
      const kind = PATTERN_KINDS.find((name) => pattern[name] !== undefined);
      if (!kind) return;
      this.references(pattern[kind], path + pointer(kind), ['StatementTemplate', 'Pattern'], true);
      const members = membersOf(pattern);
      if (kind === 'sequence' && members.length < 2) {
        const alone = pattern.primary === true && !usedIn.has(pattern.id) && this.ids.get(members[0] ?? '')?.kind === 'StatementTemplate';
        if (!alone) this.problem(path + pointer('sequence'), 'a sequence must have at least two members, unless it is a primary Pattern used nowhere else around a single Statement Template (Part Two §9.0)');
      }
      if (kind === 'alternates') {
        members.forEach((member, memberIndex) => {
          const inner = byId.get(member);
          if (inner && (inner.optional !== undefined || inner.zeroOrMore !== undefined)) {
            this.problem(path + pointer('alternates', memberIndex), `${member} is an ${inner.optional !== undefined ? 'optional' : 'zeroOrMore'} Pattern: those must not be directly inside alternates (Part Two §9.0)`);
          }
        });
      }
      if (members.every((member) => typeof member === 'string')) {
        nodes.set(pattern.id, kind === 'sequence' || kind === 'alternates' ? { kind, members } : { kind, member: members[0]! });
      }
    });
    const cycle = findCycle(nodes);
    if (cycle) {
      const index = patterns.findIndex((pattern) => isObject(pattern) && pattern.id === cycle[0]);
      this.problem(pointer('patterns', index), `Patterns must not contain themselves at any depth (Part Two §9.0): ${cycle.join(' → ')}`);
    }
    if (this.problems.length > 0) return [];
    const automata: PatternAutomaton[] = [];
    const budget = { links: MAX_LINKS };
    patterns.forEach((pattern, index) => {
      if (!isObject(pattern) || pattern.primary !== true || budget.links < 0) return;
      try {
        automata.push(buildAutomaton(pattern.id as string, nodes, budget));
      } catch (error) {
        if (!(error instanceof PatternTooLarge)) throw error;
        this.problem(pointer('patterns', index), `this primary Pattern is too large to match: ${error.message}`);
      }
    });
    return automata;
  }
}

function membersOf(pattern: Json): string[] {
  for (const kind of PATTERN_KINDS) {
    const value = pattern[kind];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    return list.filter((member): member is string => typeof member === 'string');
  }
  return [];
}

function kindName(kind: string): string {
  return { VerbLike: 'Verb, ActivityType or AttachmentUsageType', Extension: 'extension', Resource: 'document resource', Version: 'profile version', Rule: 'rule' }[kind] ?? kind;
}

const statementValidator = createStatementValidator();
const DEFINITION_PATH = 'statement.object.definition';

/**
 * The LRS's own statement validation applied to an activity definition (wrapped in a minimal
 * statement), with where it failed as a JSON Pointer below the definition when it can be told.
 */
function activityDefinitionProblem(definition: Json): { subpath: string; message: string } | undefined {
  const statement = { actor: { mbox: 'mailto:profile@example.org' }, verb: { id: 'https://example.org/verb' }, object: { id: 'https://example.org/activity', definition } };
  try {
    statementValidator.validateStatement(statement);
    return undefined;
  } catch (error) {
    if (!(error instanceof BadRequestError)) throw error;
    const separator = error.message.indexOf(': ');
    const where = separator > 0 ? error.message.slice(0, separator) : '';
    const message = separator > 0 ? error.message.slice(separator + 2) : error.message;
    const tail = where.startsWith(DEFINITION_PATH) ? where.slice(DEFINITION_PATH.length) : '';
    const simple = /^(\.[A-Za-z]+|\[\d+\])*$/.test(tail);
    const subpath = simple ? tail.replace(/\.([A-Za-z]+)|\[(\d+)\]/g, (_, name: string | undefined, index: string | undefined) => `/${name ?? index}`) : '';
    return { subpath, message: simple ? message : error.message.replace(/^statement\.object\.definition/, 'activityDefinition') };
  }
}
