import type { Agent } from '../types';

/** A Person (Communication 2.4): what the LRS knows of the individual behind an Agent. */
export interface Person {
  objectType: 'Person';
  name?: string[];
  mbox?: string[];
  mbox_sha1sum?: string[];
  openid?: string[];
  account?: { homePage: string; name: string }[];
}

/** Agents the LRS has seen in statements, with the names they were given. */
export interface AgentStore {
  recordSeen(agents: Agent[]): Promise<void>;
  /** Names seen with the agent of this IFI key (see ifiKey), empty when never seen. */
  namesOf(ifiKey: string): Promise<string[]>;
}
