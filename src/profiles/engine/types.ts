/** The public shapes of the xAPI Profiles engine (see index.ts). */

/** One thing wrong with a profile document; `path` is a JSON Pointer into it ("/templates/3/rules/0/location"). */
export interface ProfileProblem {
  path: string;
  message: string;
}

export type LanguageMap = Record<string, string>;

export type ConceptType =
  | 'Verb'
  | 'ActivityType'
  | 'AttachmentUsageType'
  | 'ContextExtension'
  | 'ResultExtension'
  | 'ActivityExtension'
  | 'StateResource'
  | 'AgentProfileResource'
  | 'ActivityProfileResource'
  | 'Activity';

export interface CompiledConcept {
  id: string;
  type: ConceptType;
  inScheme: string;
  prefLabel?: LanguageMap;
  deprecated: boolean;
}

export interface CompiledTemplate {
  id: string;
  inScheme: string;
  prefLabel: LanguageMap;
  deprecated: boolean;
  /** True when matching needs a referenced statement (objectStatementRefTemplate / contextStatementRefTemplate). */
  needsStatementRef: boolean;
}

export interface CompiledPattern {
  id: string;
  inScheme?: string;
  primary: boolean;
  prefLabel?: LanguageMap;
  deprecated: boolean;
}

export interface CompiledProfile {
  /** The profile's IRI (`id`). */
  id: string;
  /** The current version's IRI (`versions[0].id`). */
  versionId: string;
  /** Every version IRI, newest first. */
  versions: string[];
  prefLabel: LanguageMap;
  definition: LanguageMap;
  concepts: CompiledConcept[];
  templates: CompiledTemplate[];
  patterns: CompiledPattern[];
  /** The validated document, unchanged (what the registry serves). */
  document: Record<string, unknown>;
}

export type CompileResult = { profile: CompiledProfile } | { problems: ProfileProblem[] };

/** Why a statement does not fully match a template whose determining properties it has. */
export interface TemplateFailure {
  templateId: string;
  /** The failing rule's `location` (with its `selector` after a space if any), or the determining property's name. */
  location: string;
  /** What the rule or property asks for, in words ("included", "any of [...]", "a statement matching one of [...]"). */
  expected: string;
  /**
   * Rules: the matchable values found there (the first 10, then "… and N more"), or undefined when
   * there is none. StatementRef properties: what the reference is or points at, in words.
   */
  actual: unknown;
}

export interface StatementCheck {
  profileId: string;
  /** The statement is a subject of the profile: a category activity is one of its versions, or it has a template's determining properties. */
  subject: boolean;
  /** Ids of the templates the statement fully matches (determining properties and every rule). */
  matched: string[];
  /** For each template whose determining properties matched but which did not fully match: why. */
  failures: TemplateFailure[];
}

/**
 * Per-registration progress through a profile's primary patterns; small and JSON-serialisable, so
 * it can be persisted after every statement. Opaque: only this module reads it.
 */
export interface PatternState {
  /** The profile version the positions refer to (positions are meaningless for another). */
  readonly version: string;
  /** Per primary pattern (in `CompiledProfile.patterns` primary order): the live automaton positions; empty = failed. */
  readonly positions: number[][];
}

export type PatternStatus = 'matched' | 'in-progress' | 'failed';

export interface PatternResult {
  patternId: string;
  status: PatternStatus;
  /** The template ids this step consumed in this pattern (append them to the registration's trace). */
  trace: string[];
}
