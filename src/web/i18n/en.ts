/**
 * The English message catalogue: the reference shape. Every other language is typed `Messages`,
 * so a key missing from or added to one of them is a compile error. Messages that take values are
 * functions, so the values are typed too.
 */
export const en = {
  site: {
    name: 'Keiko',
    skipToContent: 'Skip to main content',
    mainNavigation: 'Main',
    home: 'Home',
    apiDocs: 'API documentation',
    signIn: 'Sign in',
    signOut: 'Sign out',
    signedInAs: (name: string) => `Signed in as ${name}`,
    language: 'Language',
    footer: 'Keiko LRS: an xAPI 1.0.3 Learning Record Store.',
  },
  home: {
    title: 'Keiko LRS',
    lead: 'Keiko is a Learning Record Store: it keeps the learning records (xAPI statements) that courses, apps and institutions send it, and lets them be read back and verified.',
    whatTitle: 'What it does',
    what: [
      'Stores and serves xAPI 1.0.3 statements, documents, agents and activities.',
      'Anchors batches of statements on a public chain, so anyone can check that a record was not changed later.',
      'Checks statements against xAPI Profiles when they arrive.',
    ],
    developersTitle: 'For developers',
    developers: 'The xAPI endpoint is at /xapi. Every route is described in the API documentation.',
    signInPrompt: 'Learners and staff sign in to see their records.',
  },
  errors: {
    notFoundTitle: 'Page not found',
    notFound: 'There is no page at this address. Check the address, or go back to the home page.',
    serverErrorTitle: 'Something went wrong',
    serverError: 'The server could not show this page. Please try again in a moment.',
    requestErrorTitle: 'This request could not be handled',
    backHome: 'Back to the home page',
  },
  forms: {
    problemTitle: 'That could not be done',
    problemGeneric: 'Nothing was changed. Check the form and try again.',
    problemDetails: 'Details',
    problemBack: 'Back to the form',
  },
  charts: {
    dataTable: 'Data table',
    total: 'Total',
  },
};

export type Messages = typeof en;
