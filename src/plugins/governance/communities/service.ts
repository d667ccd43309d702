/**
 * The `governance` service other plugins use (federation, issue 15): recognitions in force between
 * communities and the rules in force in one, read from the communities' stores.
 */
import type { CommunityGovernance } from '../../../plugin-api';
import type { Communities } from './communities';

type Subject = Parameters<CommunityGovernance['recognizes']>[2];

export function governanceService(communities: Communities): CommunityGovernance {
  return {
    recognitionsBy: (community) => communities.recognitionsBetween({ from: community }),
    /**
     * Whether `from` recognises `to` for every kind the subject names: each given verb, activity
     * type or credential type must be listed in the scope (a scope that leaves a kind out covers
     * nothing of it). A subject naming nothing asks only whether a recognition is in force.
     */
    recognizes: async (from, to, subject) => {
      const [recognition] = await communities.recognitionsBetween({ from, to });
      return recognition !== undefined && covers(recognition.scope, subject);
    },
    rulesOf: (community) => communities.rulesOf(community),
  };
}

function covers(scope: { verbs?: string[]; activityTypes?: string[]; credentialTypes?: string[] }, subject: Subject): boolean {
  const checks: Array<[string | undefined, string[] | undefined]> = [
    [subject.verb, scope.verbs],
    [subject.activityType, scope.activityTypes],
    [subject.credentialType, scope.credentialTypes],
  ];
  return checks.every(([given, listed]) => given === undefined || (listed ?? []).includes(given));
}
