import { custom, generators, Issuer, type BaseClient } from 'openid-client';
import type { Request } from 'express';
import type { Account } from '../xapi/types';

export interface OidcSettings {
  /** The provider's issuer identifier (its discovery document is at /.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** PUBLIC_URL + /sign-in/callback, registered at the provider. */
  redirectUri: string;
}

/** What the LRS keeps between sending a browser to the provider and its return. */
export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the provider asserts about the person who signed in. */
export interface OidcIdentity {
  /** `{homePage: issuer, name: sub}`. */
  account: Account;
  /** Only when the provider says the address is verified (email_verified true). */
  verifiedEmail?: string;
  displayName: string;
}

const HTTP_TIMEOUT_MS = 10_000;

/**
 * Sign-in with one OpenID Connect provider (openid-client 5, CommonJS): the authorization code flow
 * with PKCE (S256), state and nonce. The provider's metadata is discovered on first use, and again
 * after a failure, so the LRS starts whether or not the provider answers.
 */
export class OidcProvider {
  private client?: Promise<BaseClient>;

  constructor(private readonly settings: OidcSettings) {}

  /** The URL to send the browser to, and what to keep until it returns. */
  async start(): Promise<{ url: string; transaction: OidcTransaction }> {
    const client = await this.discovered();
    const transaction = { state: generators.state(), nonce: generators.nonce(), codeVerifier: generators.codeVerifier() };
    const url = client.authorizationUrl({
      scope: 'openid email profile',
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: generators.codeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, transaction };
  }

  /** The origin of the provider's authorization endpoint (the sign-in form is redirected there). */
  async authorizationOrigin(): Promise<string> {
    const client = await this.discovered();
    return new URL(client.issuer.metadata.authorization_endpoint!).origin;
  }

  /**
   * Redeems the code of the callback request, checking state, nonce, PKCE and the ID token, then
   * reads the userinfo (whose `sub` openid-client checks against the ID token's).
   */
  async finish(req: Request, transaction: OidcTransaction): Promise<OidcIdentity> {
    const client = await this.discovered();
    const params = client.callbackParams(req);
    const tokens = await client.callback(this.settings.redirectUri, params, {
      state: transaction.state,
      nonce: transaction.nonce,
      code_verifier: transaction.codeVerifier,
      response_type: 'code',
    });
    const idClaims = tokens.claims();
    const userinfo = tokens.access_token ? await client.userinfo(tokens) : {};
    const claims: Record<string, unknown> = { ...userinfo, ...idClaims };
    const email = typeof claims.email === 'string' ? claims.email : undefined;
    const verifiedEmail = claims.email_verified === true ? email : undefined;
    return {
      account: { homePage: idClaims.iss, name: idClaims.sub },
      ...(verifiedEmail !== undefined && { verifiedEmail }),
      displayName: firstText(claims.name, claims.preferred_username, email) ?? idClaims.sub,
    };
  }

  private discovered(): Promise<BaseClient> {
    this.client ??= this.discover().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async discover(): Promise<BaseClient> {
    Issuer[custom.http_options] = () => ({ timeout: HTTP_TIMEOUT_MS });
    const issuer = await Issuer.discover(this.settings.issuer);
    const client = new issuer.Client({
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret,
      redirect_uris: [this.settings.redirectUri],
      response_types: ['code'],
    });
    client[custom.http_options] = () => ({ timeout: HTTP_TIMEOUT_MS });
    return client;
  }
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value.trim() !== '');
}
