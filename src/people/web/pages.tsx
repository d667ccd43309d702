import { CsrfField, SIGN_IN_PATH, SIGN_OUT_PATH } from '../../web';
import type { Identity } from '../identities';
import type { PersonWithIdentities } from '../people-service';
import type { PeopleMessages } from './messages';

export const LOGIN_LINK_PATH = '/sign-in/link';

/** The sign-in page: the provider's button (a POST form), or why there is none. */
export function SignInPage(props: { p: PeopleMessages; csrfToken: string; provider?: string; notice?: string; returnTo?: string }) {
  const { p, csrfToken, provider, notice, returnTo } = props;
  return (
    <>
      {notice && (
        <p class="error-text" role="alert">
          {notice}
        </p>
      )}
      <p class="lead">{p.signIn.lead}</p>
      {provider === undefined ? (
        <p>{p.signIn.notConfigured}</p>
      ) : (
        <form method="post" action={SIGN_IN_PATH}>
          <CsrfField token={csrfToken} />
          {returnTo && <input type="hidden" name="return" value={returnTo} />}
          <button class="button" type="submit">
            {p.signIn.withProvider(provider)}
          </button>
        </form>
      )}
    </>
  );
}

/** What a login link opens: a button that spends it (a GET never does, so link previewers cannot). */
export function LoginLinkPage({ p, csrfToken, token }: { p: PeopleMessages; csrfToken: string; token: string }) {
  return (
    <>
      <p class="lead">{p.loginLink.lead}</p>
      <form method="post" action={LOGIN_LINK_PATH}>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="token" value={token} />
        <button class="button" type="submit">
          {p.loginLink.continue}
        </button>
      </form>
    </>
  );
}

export function MessagePage({ message }: { message: string }) {
  return <p>{message}</p>;
}

/** /me: the signed-in person's name, identities and roles. */
export function AccountPage(props: { p: PeopleMessages; person: PersonWithIdentities; sessionEndsAt: Date; csrfToken: string }) {
  const { p, person, sessionEndsAt, csrfToken } = props;
  return (
    <>
      <dl>
        <dt>{p.me.name}</dt>
        <dd>{person.name}</dd>
      </dl>
      <section aria-labelledby="me-identities">
        <h2 id="me-identities">{p.me.identitiesTitle}</h2>
        <p>{p.me.identitiesLead}</p>
        {person.identities.length === 0 ? (
          <p>{p.me.noIdentities}</p>
        ) : (
          <dl>
            {person.identities.map((identity) => (
              <IdentityItem p={p} identity={identity} key={JSON.stringify(identity)} />
            ))}
          </dl>
        )}
      </section>
      <section aria-labelledby="me-roles">
        <h2 id="me-roles">{p.me.rolesTitle}</h2>
        {person.roles.length === 0 ? (
          <p>{p.me.noRoles}</p>
        ) : (
          <ul>
            {person.roles.map((role) => (
              <li key={role}>{p.roles[role]}</li>
            ))}
          </ul>
        )}
      </section>
      <p>{p.me.sessionEnds(sessionEndsAt.toISOString().slice(0, 16).replace('T', ' '))}</p>
      <form method="post" action={SIGN_OUT_PATH}>
        <CsrfField token={csrfToken} />
        <button class="button button--secondary" type="submit">
          {p.me.signOut}
        </button>
      </form>
    </>
  );
}

function IdentityItem({ p, identity }: { p: PeopleMessages; identity: Identity }) {
  const [label, value] =
    'mbox' in identity
      ? [p.me.email, identity.mbox.replace(/^mailto:/i, '')]
      : 'mbox_sha1sum' in identity
        ? [p.me.emailHash, identity.mbox_sha1sum]
        : 'openid' in identity
          ? [p.me.openid, identity.openid]
          : [p.me.account(identity.account.homePage), identity.account.name];
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}
