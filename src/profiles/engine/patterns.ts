/**
 * Pattern matching (Part Two §9, Part Three §2.2) as a position (Glushkov) automaton per primary
 * pattern: every occurrence of a Statement Template in the pattern, expanded, is a position; the
 * state of a registration is the set of positions its last statement may have matched. A statement
 * moves each position to the positions that may follow it whose template the statement matched.
 *
 * This accepts exactly the statement sequences the pattern describes as a regular expression.
 * Part Three's greedy `matches` pseudocode differs at the edges: it rejects some of those sequences
 * (`sequence[zeroOrMore(A), A]` never matches greedily) and, through how its loops treat running
 * out of statements, accepts some unfinished ones (`zeroOrMore(sequence[A, B])` after A alone).
 * Part Two §9.0 asks authors to write primary patterns for which greediness does not matter.
 */

export type PatternNode =
  | { kind: 'template'; id: string }
  | { kind: 'sequence' | 'alternates'; members: string[] }
  | { kind: 'optional' | 'oneOrMore' | 'zeroOrMore'; member: string };

export interface PatternAutomaton {
  patternId: string;
  /** The template id at each position; position 0 is the start (no template). */
  templates: string[];
  /** `follows[p]`: the positions that may come right after position p, by their template. */
  follows: Array<Map<string, number[]>>;
  /** `accepting[p]`: the pattern is complete after position p. */
  accepting: boolean[];
}

/** Upper bound on positions per primary pattern (sub-patterns are expanded at every use). */
const MAX_POSITIONS = 2000;
/** Upper bound on the work of linking positions, over all the primary patterns of a profile. */
export const MAX_LINKS = 1_000_000;
/** Upper bound on how deeply patterns nest. */
const MAX_PATTERN_DEPTH = 64;

/** What is left of a profile's allowance for building automata (shared by its primary patterns). */
export interface AutomatonBudget {
  links: number;
}

interface Fragment {
  nullable: boolean;
  first: number[];
  last: number[];
}

export class PatternTooLarge extends Error {}

/**
 * Builds the automaton of `rootId`. `nodes` holds every pattern and template by id; the caller has
 * checked that every reference resolves and that there are no cycles.
 */
export function buildAutomaton(rootId: string, nodes: ReadonlyMap<string, PatternNode>, budget: AutomatonBudget = { links: MAX_LINKS }): PatternAutomaton {
  const templates: string[] = [''];
  const follows: Array<Set<number>> = [new Set()];

  const link = (from: number[], to: number[]) => {
    budget.links -= from.length * to.length;
    if (budget.links < 0) throw new PatternTooLarge(`more than ${MAX_LINKS} links between template uses`);
    for (const p of from) for (const q of to) follows[p]!.add(q);
  };

  const build = (id: string, depth: number): Fragment => {
    if (depth > MAX_PATTERN_DEPTH) throw new PatternTooLarge(`patterns nest more than ${MAX_PATTERN_DEPTH} deep`);
    const node = nodes.get(id)!;
    switch (node.kind) {
      case 'template': {
        if (templates.length > MAX_POSITIONS) throw new PatternTooLarge(`more than ${MAX_POSITIONS} template uses once sub-patterns are expanded`);
        const position = templates.length;
        templates.push(node.id);
        follows.push(new Set());
        return { nullable: false, first: [position], last: [position] };
      }
      case 'sequence': {
        let whole: Fragment | undefined;
        for (const member of node.members) {
          const next = build(member, depth + 1);
          if (!whole) {
            whole = next;
            continue;
          }
          link(whole.last, next.first);
          whole = {
            nullable: whole.nullable && next.nullable,
            first: whole.nullable ? [...whole.first, ...next.first] : whole.first,
            last: next.nullable ? [...whole.last, ...next.last] : next.last,
          };
        }
        return whole!;
      }
      case 'alternates': {
        const parts = node.members.map((member) => build(member, depth + 1));
        return {
          nullable: parts.some((part) => part.nullable),
          first: parts.flatMap((part) => part.first),
          last: parts.flatMap((part) => part.last),
        };
      }
      case 'optional': {
        const inner = build(node.member, depth + 1);
        return { ...inner, nullable: true };
      }
      case 'oneOrMore':
      case 'zeroOrMore': {
        const inner = build(node.member, depth + 1);
        link(inner.last, inner.first);
        return { ...inner, nullable: node.kind === 'zeroOrMore' || inner.nullable };
      }
    }
  };

  const root = build(rootId, 0);
  link([0], root.first);
  const accepting = templates.map(() => false);
  for (const p of root.last) accepting[p] = true;
  if (root.nullable) accepting[0] = true;
  const byTemplate = follows.map((set) => {
    const map = new Map<string, number[]>();
    for (const q of [...set].sort((a, b) => a - b)) {
      const template = templates[q]!;
      const list = map.get(template);
      if (list) list.push(q);
      else map.set(template, [q]);
    }
    return map;
  });
  return { patternId: rootId, templates, follows: byTemplate, accepting };
}

/** The positions after one statement that matched `matched` templates, and the templates consumed. */
export function step(automaton: PatternAutomaton, positions: readonly number[], matched: ReadonlySet<string>): { positions: number[]; consumed: string[] } {
  const next = new Set<number>();
  for (const p of positions) {
    const follows = automaton.follows[p];
    if (!follows) continue;
    for (const template of matched) for (const q of follows.get(template) ?? []) next.add(q);
  }
  const sorted = [...next].sort((a, b) => a - b);
  return { positions: sorted, consumed: [...new Set(sorted.map((q) => automaton.templates[q]!))] };
}

export function isAccepting(automaton: PatternAutomaton, positions: readonly number[]): boolean {
  return positions.some((p) => automaton.accepting[p] === true);
}

/**
 * The first cycle among patterns, as the ids along it, or undefined. Iterative depth-first search
 * (Part Two §9: "MUST NOT include any Pattern within itself ... at any depth").
 */
export function findCycle(nodes: ReadonlyMap<string, PatternNode>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const childrenOf = (id: string): string[] => {
    const node = nodes.get(id);
    if (!node || node.kind === 'template') return [];
    return 'members' in node ? node.members : [node.member];
  };
  for (const start of nodes.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = childrenOf(top.id);
      if (top.next >= children.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const child = children[top.next++]!;
      const seen = state.get(child);
      if (seen === 'open') {
        const from = stack.findIndex((frame) => frame.id === child);
        return [...stack.slice(from).map((frame) => frame.id), child];
      }
      if (seen === undefined && nodes.has(child)) {
        state.set(child, 'open');
        stack.push({ id: child, next: 0 });
      }
    }
  }
  return undefined;
}
