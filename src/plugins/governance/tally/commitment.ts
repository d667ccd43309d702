import { createHash } from 'node:crypto';

/** A sealed ballot's commitment (the profile's ballot-commitment): lower-case hex SHA-256 of the UTF-8 bytes of `{salt}:{response}`. */
export function ballotCommitment(response: string, salt: string): string {
  return createHash('sha256').update(`${salt}:${response}`, 'utf8').digest('hex');
}
