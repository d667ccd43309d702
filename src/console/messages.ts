import type { Response } from 'express';
import { defineMessages, i18n, type Locale } from '../web';

/** The console's texts (sign-in, overview, credentials); Spanish is typed by the English. */
const en = {
  signIn: {
    title: 'Console sign-in',
    lead: 'Sign in with the key and secret of an LRS credential that holds the admin scope.',
    key: 'Key',
    secret: 'Secret',
    submit: 'Sign in',
    failed: 'These do not match a credential that may administer this LRS.',
    signedOut: 'You have signed out of the console.',
  },
  overview: {
    title: 'Console',
    lead: (name: string) => `Signed in with the credential ${name}.`,
    about: 'This LRS',
    version: 'Keiko version',
    engine: 'Storage engine',
    feedHead: 'Statement feed position',
    pluginsTitle: 'Plugins',
    noPlugins: 'No plugin is set up (PLUGINS).',
    pluginName: 'Plugin',
    pluginVersion: 'Version',
    sectionsTitle: 'Sections',
  },
  credentials: {
    title: 'Credentials',
    lead: 'Clients send a key and secret with every xAPI request; their scopes decide what they may do.',
    caption: 'Credentials, oldest first',
    none: 'There is no credential yet.',
    key: 'Key',
    name: 'Name',
    scopes: 'Scopes',
    authority: 'Authority',
    created: 'Created',
    status: 'Status',
    active: 'Active',
    revoked: (date: string) => `Revoked ${date}`,
    revoke: 'Revoke',
    revokeLabel: (name: string) => `Revoke ${name}`,
    newCredential: 'New credential',
    createTitle: 'New credential',
    createLead: 'The key and the secret are generated. The secret is shown once, right after creating.',
    nameLabel: 'Name',
    nameHint: 'Who uses it, e.g. "Moodle".',
    scopesLegend: 'Scopes',
    create: 'Create credential',
    createdTitle: 'Credential created',
    createdLead: 'Copy the secret now: it is shown only this once and cannot be shown again.',
    secret: 'Secret',
    backToList: 'Back to the credentials',
    revokeTitle: 'Revoke a credential',
    revokeQuestion: (name: string, key: string) => `Revoke ${name} (key ${key})? Clients using it are refused at once, and it cannot be undone.`,
    revokeConfirm: 'Revoke it',
    cancel: 'Cancel',
    revokedNotice: (key: string) => `The credential ${key} is revoked.`,
    noSuchCredential: 'No active credential has this key.',
  },
};

export type ConsoleMessages = typeof en;

const es: ConsoleMessages = {
  signIn: {
    title: 'Acceso a la consola',
    lead: 'Accede con la clave y el secreto de una credencial del LRS que tenga el ámbito admin.',
    key: 'Clave',
    secret: 'Secreto',
    submit: 'Acceder',
    failed: 'No corresponden a una credencial que pueda administrar este LRS.',
    signedOut: 'Has cerrado la sesión de la consola.',
  },
  overview: {
    title: 'Consola',
    lead: (name: string) => `Has accedido con la credencial ${name}.`,
    about: 'Este LRS',
    version: 'Versión de Keiko',
    engine: 'Motor de almacenamiento',
    feedHead: 'Posición del flujo de sentencias',
    pluginsTitle: 'Complementos',
    noPlugins: 'No hay ningún complemento configurado (PLUGINS).',
    pluginName: 'Complemento',
    pluginVersion: 'Versión',
    sectionsTitle: 'Secciones',
  },
  credentials: {
    title: 'Credenciales',
    lead: 'Los clientes envían una clave y un secreto con cada petición xAPI; sus ámbitos deciden qué pueden hacer.',
    caption: 'Credenciales, de la más antigua a la más reciente',
    none: 'Todavía no hay ninguna credencial.',
    key: 'Clave',
    name: 'Nombre',
    scopes: 'Ámbitos',
    authority: 'Autoridad',
    created: 'Creada',
    status: 'Estado',
    active: 'Activa',
    revoked: (date: string) => `Revocada el ${date}`,
    revoke: 'Revocar',
    revokeLabel: (name: string) => `Revocar ${name}`,
    newCredential: 'Nueva credencial',
    createTitle: 'Nueva credencial',
    createLead: 'La clave y el secreto se generan. El secreto se muestra una sola vez, justo después de crearla.',
    nameLabel: 'Nombre',
    nameHint: 'Quién la usa, p. ej. «Moodle».',
    scopesLegend: 'Ámbitos',
    create: 'Crear credencial',
    createdTitle: 'Credencial creada',
    createdLead: 'Copia el secreto ahora: solo se muestra esta vez y no se podrá volver a ver.',
    secret: 'Secreto',
    backToList: 'Volver a las credenciales',
    revokeTitle: 'Revocar una credencial',
    revokeQuestion: (name: string, key: string) => `¿Revocar ${name} (clave ${key})? Los clientes que la usan serán rechazados de inmediato, y no se puede deshacer.`,
    revokeConfirm: 'Revocarla',
    cancel: 'Cancelar',
    revokedNotice: (key: string) => `La credencial ${key} está revocada.`,
    noSuchCredential: 'Ninguna credencial activa tiene esta clave.',
  },
};

export const consoleMessageCatalogue = defineMessages(en, es);

/** The console's messages in the request's language, with the locale (for Intl). */
export function consoleMessages(res: Response): { c: ConsoleMessages; locale: Locale } {
  const { locale } = i18n(res);
  return { c: consoleMessageCatalogue(locale), locale };
}
