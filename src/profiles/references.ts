import { MAX_REFERENCE_DEPTH, statementRefsNeeded, type CompiledProfile } from './engine';

export interface ReferenceNeed {
  profile: CompiledProfile;
  statement: object;
}

/**
 * The statements that StatementRef templates will ask for while checking `needs`, fetched level by
 * level (a referenced statement may need others) up to the engine's MAX_REFERENCE_DEPTH: one
 * concurrent round of look-ups per level. Ids for which `known` is true are not fetched (the
 * caller has them). Keys are lower-case statement ids.
 */
export async function referencedStatements(
  needs: readonly ReferenceNeed[],
  known: (id: string) => boolean,
  fetch: (id: string) => Promise<object | undefined>,
): Promise<Map<string, object>> {
  const found = new Map<string, object>();
  let frontier: ReferenceNeed[] = needs.filter(({ profile }) => hasStatementRefTemplates(profile));
  for (let depth = 0; depth < MAX_REFERENCE_DEPTH && frontier.length > 0; depth++) {
    const wanted = new Map<string, CompiledProfile[]>();
    for (const { profile, statement } of frontier) {
      for (const id of statementRefsNeeded(profile, statement)) {
        const key = id.toLowerCase();
        if (known(key) || found.has(key)) continue;
        const profiles = wanted.get(key) ?? [];
        if (!profiles.includes(profile)) profiles.push(profile);
        wanted.set(key, profiles);
      }
    }
    const fetched = await Promise.all([...wanted.keys()].map(async (id) => [id, await fetch(id)] as const));
    frontier = [];
    for (const [id, statement] of fetched) {
      if (statement === undefined) continue;
      found.set(id, statement);
      for (const profile of wanted.get(id)!) frontier.push({ profile, statement });
    }
  }
  return found;
}

const withStatementRefTemplates = new WeakMap<CompiledProfile, boolean>();

/** Most profiles have no StatementRef template: their statements need no look-up at all. */
function hasStatementRefTemplates(profile: CompiledProfile): boolean {
  let has = withStatementRefTemplates.get(profile);
  if (has === undefined) {
    has = profile.templates.some((template) => template.needsStatementRef);
    withStatementRefTemplates.set(profile, has);
  }
  return has;
}
