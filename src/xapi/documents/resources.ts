import type { Resource } from '../../auth/scopes';
import type { DocumentKind } from './document-storage';
import type { PutPolicy } from './service';

/** The parameters naming a document's context, always required. */
export type ContextParameter = 'activityId' | 'agent';

/** What tells the three Document Resources apart; everything else they share (Communication 2.2). */
export interface DocumentResource {
  /** For messages. */
  name: string;
  path: string;
  kind: DocumentKind;
  /** The resource whose scopes allow reading and writing it (Communication 4.2). */
  scopeResource: Resource;
  context: readonly ContextParameter[];
  idParameter: 'stateId' | 'profileId';
  /** Whether the optional `registration` parameter applies. */
  registration: boolean;
  /** Whether DELETE without the id parameter deletes every document of the context. */
  deleteAll: boolean;
  putPolicy: PutPolicy;
}

export const STATE_RESOURCE: DocumentResource = {
  name: 'State',
  path: '/activities/state',
  kind: 'state',
  scopeResource: 'state',
  context: ['activityId', 'agent'],
  idParameter: 'stateId',
  registration: true,
  deleteAll: true,
  // "The State Resource will permit PUT, POST and DELETE requests without concurrency headers" (3.1.s3).
  putPolicy: 'preconditions-optional',
};

export const ACTIVITY_PROFILE_RESOURCE: DocumentResource = {
  name: 'Activity Profile',
  path: '/activities/profile',
  kind: 'activity-profile',
  scopeResource: 'activities/profile',
  context: ['activityId'],
  idParameter: 'profileId',
  registration: false,
  deleteAll: false,
  putPolicy: 'preconditions-required',
};

export const AGENT_PROFILE_RESOURCE: DocumentResource = {
  name: 'Agent Profile',
  path: '/agents/profile',
  kind: 'agent-profile',
  scopeResource: 'agents/profile',
  context: ['agent'],
  idParameter: 'profileId',
  registration: false,
  deleteAll: false,
  putPolicy: 'preconditions-required',
};

export const DOCUMENT_RESOURCES: readonly DocumentResource[] = [
  STATE_RESOURCE,
  ACTIVITY_PROFILE_RESOURCE,
  AGENT_PROFILE_RESOURCE,
];
