import { DirectedGraph, UndirectedGraph } from 'graphology';
import louvain from 'graphology-communities-louvain';
import { stronglyConnectedComponents } from 'graphology-components';
import type { AgentKey, FraudSignal } from '../../model';
import { mulberry32 } from '../random';
import { countScore, directions, HIGH_MEAN, meanScore, percent, type RatingFact, type RatingIndex, signal } from './facts';

/** An edge of the rating graph: one rater rated one person at least this many times, high (HIGH_MEAN). Rings are looked for among these edges only. */
export const RING_EDGE_MIN_RATINGS = 2;
/** Groups of this many people at least (two are a pair: see reciprocal.ts)… */
export const RING_MIN_SIZE = 3;
/** …and at most this many: a strongly connected part larger than this is split in Louvain communities first. */
export const RING_MAX_SIZE = 12;
/** Within the group, at least this share of the ratings are 5 (an honest study group gives about half). */
export const RING_TOP_SHARE = 0.85;
/**
 * At least this share of the ratings its members give stay inside, and of those they receive come
 * from inside: a study group that also rates and is rated by tutors and others stays below.
 */
export const RING_INSIDE_SHARE = 0.6;
/**
 * No member takes part in more than this share of the group's internal ratings: a ring's ratings go
 * round (a clique's or a cycle's member takes part in 2/size of them: 67 % in a group of three), a
 * tutor's loyal students rate the tutor (a star: the tutor is in all of them).
 */
export const RING_MAX_HUB_SHARE = 0.8;
/** Seed of Louvain's random walk, so a scan repeats exactly. */
const LOUVAIN_SEED = 12;

interface GroupFigures {
  internal: RatingFact[];
  /** Per member, the internal ratings they gave or received. */
  inside: Map<AgentKey, number>;
  given: number;
  received: number;
  fives: number;
}

function figuresOf(members: Set<AgentKey>, index: RatingIndex): GroupFigures {
  const figures: GroupFigures = { internal: [], inside: new Map(), given: 0, received: 0, fives: 0 };
  for (const member of members) {
    const given = index.byRater.get(member) ?? [];
    figures.given += given.length;
    figures.received += index.byRatee.get(member)?.length ?? 0;
    for (const rating of given) {
      if (!members.has(rating.ratee)) continue;
      figures.internal.push(rating);
      figures.inside.set(rating.rater, (figures.inside.get(rating.rater) ?? 0) + 1);
      figures.inside.set(rating.ratee, (figures.inside.get(rating.ratee) ?? 0) + 1);
    }
  }
  figures.fives = countScore(figures.internal, 5);
  return figures;
}

/** The member with the smallest share of their ratings (given and received) inside the group. */
function leastInside(group: Set<AgentKey>, inside: Map<AgentKey, number>, index: RatingIndex): AgentKey {
  let least: AgentKey = '';
  let leastShare = Infinity;
  for (const member of group) {
    const share = (inside.get(member) ?? 0) / ((index.byRater.get(member)?.length ?? 0) + (index.byRatee.get(member)?.length ?? 0));
    if (share < leastShare || (share === leastShare && member < least)) [least, leastShare] = [member, share];
  }
  return least;
}

/**
 * The ring in these members, if any: the group as it is, or else without its least insular member
 * (a popular tutor a ring's member also rates), again, down to RING_MIN_SIZE.
 */
function ringSignal(members: AgentKey[], index: RatingIndex): FraudSignal | undefined {
  const group = new Set(members);
  while (group.size >= RING_MIN_SIZE) {
    const figures = figuresOf(group, index);
    const found = judgeGroup([...group], figures);
    if (found) return found;
    group.delete(leastInside(group, figures.inside, index));
  }
  return undefined;
}

function judgeGroup(members: AgentKey[], { internal, inside, given, received, fives }: GroupFigures): FraudSignal | undefined {
  if (internal.length < RING_EDGE_MIN_RATINGS * members.length) return undefined;
  if (Math.max(...inside.values()) > RING_MAX_HUB_SHARE * internal.length) return undefined;
  const top = fives / internal.length;
  const insideGiven = internal.length / given;
  const insideReceived = internal.length / received;
  if (top < RING_TOP_SHARE || insideGiven < RING_INSIDE_SHARE || insideReceived < RING_INSIDE_SHARE) return undefined;
  const insularity = Math.min(insideGiven, insideReceived);
  return signal(
    'ring',
    members,
    0.5 + (0.25 * (top - RING_TOP_SHARE)) / (1 - RING_TOP_SHARE) + (0.25 * (insularity - RING_INSIDE_SHARE)) / (1 - RING_INSIDE_SHARE),
    internal,
    `${members.length} people rated one another ${internal.length} times, ${percent(fives, internal.length)} of them 5, in a closed circle: ${percent(insideGiven, 1)} of the ratings they give and ${percent(insideReceived, 1)} of those they receive stay among them.`,
  );
}

/**
 * A member of a ring gives and receives at least this share of their ratings on the graph's edges:
 * people rated by many outsiders (popular tutors) are no ring's members, and leaving them out keeps
 * the honest population from joining rings into one large strongly connected part.
 */
export const RING_MEMBER_EDGE_SHARE = 0.5;

/**
 * The rating graph's edges that rings are made of: repeated high ratings of one person by another,
 * between people who give and receive most of their ratings on such edges.
 */
function topRatedGraph(index: RatingIndex): DirectedGraph {
  const edges: RatingFact[][] = [];
  const onEdges = new Map<AgentKey, { given: number; received: number }>();
  const count = (key: AgentKey) => onEdges.get(key) ?? onEdges.set(key, { given: 0, received: 0 }).get(key)!;
  for (const ratings of directions(index)) {
    if (ratings.length < RING_EDGE_MIN_RATINGS || meanScore(ratings) < HIGH_MEAN) continue;
    edges.push(ratings);
    count(ratings[0].rater).given += ratings.length;
    count(ratings[0].ratee).received += ratings.length;
  }
  const member = (key: AgentKey) => {
    const { given, received } = onEdges.get(key)!;
    return given >= RING_MEMBER_EDGE_SHARE * (index.byRater.get(key)?.length ?? 0) && received >= RING_MEMBER_EDGE_SHARE * (index.byRatee.get(key)?.length ?? 0);
  };
  const graph = new DirectedGraph();
  for (const [{ rater, ratee }] of edges) {
    if (!member(rater) || !member(ratee)) continue;
    graph.mergeNode(rater);
    graph.mergeNode(ratee);
    graph.addDirectedEdge(rater, ratee);
  }
  return graph;
}

/** Louvain communities of a large strongly connected part, on its undirected projection. */
function communitiesOf(graph: DirectedGraph, members: AgentKey[]): AgentKey[][] {
  const inside = new Set(members);
  const projection = new UndirectedGraph();
  for (const member of members) projection.addNode(member);
  for (const member of members) {
    graph.forEachOutNeighbor(member, (neighbour) => {
      if (inside.has(neighbour)) projection.mergeEdge(member, neighbour);
    });
  }
  const communities = new Map<number, AgentKey[]>();
  for (const [member, community] of Object.entries(louvain(projection, { rng: mulberry32(LOUVAIN_SEED) }))) {
    const list = communities.get(community);
    if (list) list.push(member);
    else communities.set(community, [member]);
  }
  return [...communities.values()];
}

/**
 * Rings: strongly connected groups (cycles) of nearly all-5 ratings whose members rate and are
 * rated mostly among themselves. Strongly connected parts larger than a ring are split into their
 * dense Louvain communities, and each is judged the same way.
 */
export function detectRings(index: RatingIndex): FraudSignal[] {
  const graph = topRatedGraph(index);
  const signals: FraudSignal[] = [];
  for (const component of stronglyConnectedComponents(graph)) {
    if (component.length < RING_MIN_SIZE) continue;
    const groups = component.length <= RING_MAX_SIZE ? [component] : communitiesOf(graph, component);
    for (const group of groups) {
      if (group.length < RING_MIN_SIZE || group.length > RING_MAX_SIZE) continue;
      const found = ringSignal(group, index);
      if (found) signals.push(found);
    }
  }
  return signals;
}
