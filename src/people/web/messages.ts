import type { Response } from 'express';
import { defineMessages, i18n, type Locale } from '../../web';
import type { Role } from '../roles';

/** The people feature's texts; Spanish is typed by the English, so neither can miss a key. */
const en = {
  signIn: {
    title: 'Sign in',
    lead: 'Sign in to see your learning records, your identities and your roles.',
    withProvider: (provider: string) => `Sign in with ${provider}`,
    notConfigured: 'Signing in with an identity provider is not set up on this LRS. Your institution may send you a sign-in link instead.',
    providerUnavailable: 'The identity provider cannot be reached right now. Please try again in a few minutes.',
    failed: 'Signing in did not complete. Please try again.',
    expired: 'This sign-in attempt has expired or was started in another browser. Please start again.',
    cancelled: 'Signing in was cancelled at the identity provider.',
    tryAgain: 'Try again',
  },
  loginLink: {
    title: 'Continue signing in',
    lead: 'Your institution sent you here to sign in to Keiko. Continue to sign in.',
    continue: 'Continue',
    invalidTitle: 'This sign-in link cannot be used',
    invalid: 'The link has expired or has already been used. Ask your institution for a new one.',
  },
  me: {
    title: 'Your account',
    name: 'Name',
    identitiesTitle: 'Your identities',
    identitiesLead: 'Learning records about any of these identities are yours.',
    noIdentities: 'No identity is linked to you yet.',
    rolesTitle: 'Your roles',
    noRoles: 'You hold no role yet.',
    sessionEnds: (time: string) => `This session ends at ${time} (UTC).`,
    email: 'Email',
    emailHash: 'Email (SHA-1 hash)',
    openid: 'OpenID',
    account: (homePage: string) => `Account at ${homePage}`,
    signOut: 'Sign out',
  },
  roles: {
    learner: 'Learner',
    tutor: 'Tutor',
    moderator: 'Moderator',
    'space-verifier': 'Space verifier',
    'community-admin': 'Community admin',
  } satisfies Record<Role, string>,
};

export type PeopleMessages = typeof en;

const es: PeopleMessages = {
  signIn: {
    title: 'Iniciar sesión',
    lead: 'Inicia sesión para ver tus registros de aprendizaje, tus identidades y tus roles.',
    withProvider: (provider) => `Iniciar sesión con ${provider}`,
    notConfigured: 'Este LRS no tiene configurado el inicio de sesión con un proveedor de identidad. Tu institución puede enviarte un enlace de inicio de sesión.',
    providerUnavailable: 'No se puede contactar con el proveedor de identidad en este momento. Vuelve a intentarlo en unos minutos.',
    failed: 'El inicio de sesión no se completó. Vuelve a intentarlo.',
    expired: 'Este intento de inicio de sesión ha caducado o se empezó en otro navegador. Vuelve a empezar.',
    cancelled: 'El inicio de sesión se canceló en el proveedor de identidad.',
    tryAgain: 'Volver a intentarlo',
  },
  loginLink: {
    title: 'Continuar el inicio de sesión',
    lead: 'Tu institución te ha enviado aquí para iniciar sesión en Keiko. Continúa para iniciar sesión.',
    continue: 'Continuar',
    invalidTitle: 'Este enlace de inicio de sesión no se puede usar',
    invalid: 'El enlace ha caducado o ya se ha usado. Pide uno nuevo a tu institución.',
  },
  me: {
    title: 'Tu cuenta',
    name: 'Nombre',
    identitiesTitle: 'Tus identidades',
    identitiesLead: 'Los registros de aprendizaje sobre cualquiera de estas identidades son tuyos.',
    noIdentities: 'Todavía no tienes ninguna identidad vinculada.',
    rolesTitle: 'Tus roles',
    noRoles: 'Todavía no tienes ningún rol.',
    sessionEnds: (time) => `Esta sesión termina el ${time} (UTC).`,
    email: 'Correo electrónico',
    emailHash: 'Correo electrónico (hash SHA-1)',
    openid: 'OpenID',
    account: (homePage) => `Cuenta en ${homePage}`,
    signOut: 'Cerrar sesión',
  },
  roles: {
    learner: 'Aprendiz',
    tutor: 'Tutor',
    moderator: 'Moderador',
    'space-verifier': 'Verificador de espacios',
    'community-admin': 'Administrador de la comunidad',
  },
};

const messagesIn = defineMessages(en, es);

/** The request's language (the web shell's choice) and the people feature's texts in it. */
export function peopleMessages(res: Response): { locale: Locale; p: PeopleMessages } {
  const { locale } = i18n(res);
  return { locale, p: messagesIn(locale) };
}
