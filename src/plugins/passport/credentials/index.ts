/**
 * Verifiable credentials for the passport (docs/passport.md): the LRS's key and did:web, shares
 * as signed VC 2.0 presentations, OB 3.0 AchievementCredentials, the revocation status list, the
 * verifier (Node and browser), and their public routes.
 */
export type { AchievementItem, ShareItem } from './achievement';
export { ACHIEVEMENT_CAP, CREDENTIAL_STORES, PassportIssuer, type IssuerOptions, type ShareInput } from './issuer';
export { credentialRoutes, verifierScriptPath } from './routes';
export { setUpCredentials, type PassportCredentials } from './setup';
export { readCredentialSettings, type CredentialSettings } from './settings';
export { STATUS_LIST_LENGTH, type StatusList } from './status-list';
export type { FetchJson, JsonObject, ShareVerification, Signed, VerificationResult, VerifyShareOptions } from './vc-bundle';
export { didOf, verifyShare } from './verify';
