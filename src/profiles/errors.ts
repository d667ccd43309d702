import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import type { ProfileProblem } from './engine';

/** Stable codes of the profile registry and of profile enforcement on ingest. */
export const ProfileErrorCode = {
  Invalid: 'PROFILE_INVALID',
  Violation: 'PROFILE_VIOLATION',
  VersionConflict: 'PROFILE_VERSION_CONFLICT',
  NotFound: 'PROFILE_NOT_FOUND',
  ReportNotFound: 'PROFILE_REPORT_NOT_FOUND',
  CredentialNotFound: 'CREDENTIAL_NOT_FOUND',
  RegistryFull: 'PROFILE_REGISTRY_FULL',
} as const;

/** Problems listed in the message at most; the count of the others follows. */
const LISTED_PROBLEMS = 50;

/** 400 PROFILE_INVALID: the uploaded document is not a valid xAPI Profile; every problem by JSON Pointer. */
export class ProfileInvalidError extends BadRequestError {
  constructor(readonly problems: ProfileProblem[]) {
    const listed = problems.slice(0, LISTED_PROBLEMS).map((problem) => `${problem.path || '/'}: ${problem.message}`);
    const more = problems.length > LISTED_PROBLEMS ? [`and ${problems.length - LISTED_PROBLEMS} more`] : [];
    super(ProfileErrorCode.Invalid, `The profile is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${[...listed, ...more].join('; ')}`);
  }
}

export function profileNotFound(profileId: string, versionId?: string): NotFoundError {
  const what = versionId === undefined ? `No profile ${profileId}` : `No version ${versionId} of profile ${profileId}`;
  return new NotFoundError(`${what} in this LRS's registry`, ProfileErrorCode.NotFound);
}

export function versionConflict(versionId: string, profileId: string): ConflictError {
  return new ConflictError(
    ProfileErrorCode.VersionConflict,
    `Version ${versionId} is already stored (of profile ${profileId}) with other content; a changed profile needs a new version id`,
  );
}

export function registryFull(what: string, most: number): ConflictError {
  return new ConflictError(ProfileErrorCode.RegistryFull, `This LRS's profile registry holds at most ${most} ${what}`);
}
