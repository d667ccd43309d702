/** The marketplace's web pages (docs/marketplace.md): search, a space, bookings, hosting, verification. */
export { MARKETPLACE_NAV, marketplacePages, type MarketplacePagesOptions } from './routes';
