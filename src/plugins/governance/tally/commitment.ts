import { createHash } from 'node:crypto';

/** A sealed ballot's commitment: lower-case hex SHA-256 of the UTF-8 bytes of `keiko-governance-ballot\n{proposalId}\n{response}\n{salt}`. */
export function ballotCommitment(proposalId: string, response: string, salt: string): string {
  return createHash('sha256').update(`keiko-governance-ballot\n${proposalId}\n${response}\n${salt}`, 'utf8').digest('hex');
}
