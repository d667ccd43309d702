import { nameBasedUuid } from '../../plugin-api';

/**
 * The marketplace's name-based ids (statements of each step): `name` within the marketplace, so
 * that its ids never meet another plugin's.
 */
export function marketplaceUuid(name: string): string {
  return nameBasedUuid(`keiko marketplace\n${name}`);
}
