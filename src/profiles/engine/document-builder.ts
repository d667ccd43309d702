/**
 * Builds small, valid profile documents around the parts a test or benchmark cares about: the
 * boilerplate (context, version, author, labels, inScheme) is filled in.
 */
import { PROFILES_1_0 } from './compile';
import { PROFILE_CONTEXT } from './jsonld';

const EXAMPLE_PROFILE_ID = 'https://example.org/profiles/example';
export const EXAMPLE_VERSION_ID = 'https://example.org/profiles/example/v1';

type Part = Record<string, unknown>;

export interface ProfileParts {
  concepts?: Part[];
  templates?: Part[];
  patterns?: Part[];
  /** Replaces or adds top-level properties. */
  top?: Part;
}

const labelled = (part: Part, kind: string): Part => ({
  inScheme: EXAMPLE_VERSION_ID,
  prefLabel: { en: `${kind} ${String(part.id).split(/[#/]/).pop()}` },
  definition: { en: `An example ${kind}.` },
  ...part,
});

export function profileDocument(parts: ProfileParts = {}): Record<string, unknown> {
  const document: Record<string, unknown> = {
    '@context': PROFILE_CONTEXT,
    id: EXAMPLE_PROFILE_ID,
    type: 'Profile',
    conformsTo: PROFILES_1_0,
    prefLabel: { en: 'Example profile' },
    definition: { en: 'A profile for tests.' },
    versions: [{ id: EXAMPLE_VERSION_ID, generatedAtTime: '2026-01-01T00:00:00Z' }],
    author: { type: 'Organization', name: 'Keiko' },
  };
  if (parts.concepts) document.concepts = parts.concepts.map((concept) => labelled(concept, String(concept.type)));
  if (parts.templates) document.templates = parts.templates.map((template) => labelled({ type: 'StatementTemplate', ...template }, 'template'));
  if (parts.patterns) document.patterns = parts.patterns.map((pattern) => labelled({ type: 'Pattern', ...pattern }, 'pattern'));
  return { ...document, ...parts.top };
}
