import { defineMessages } from '.';

// The language a request gets (query, cookie, Accept-Language) is tested over HTTP in web-shell.test.tsx.
describe('defineMessages', () => {
  it('gives the catalogue of the language asked for', () => {
    const messages = defineMessages({ title: 'Passport', count: (n: number) => `${n} badges` }, { title: 'Pasaporte', count: (n: number) => `${n} insignias` });
    expect(messages('es').title).toBe('Pasaporte');
    expect(messages('en').count(2)).toBe('2 badges');
  });

  it('refuses (at compile time) a Spanish catalogue that lacks a key or adds one', () => {
    // @ts-expect-error: `count` is missing from the Spanish messages
    defineMessages({ title: 'Passport', count: 'Count' }, { title: 'Pasaporte' });
    // @ts-expect-error: `extra` is not an English key
    defineMessages({ title: 'Passport' }, { title: 'Pasaporte', extra: 'x' });
  });
});
