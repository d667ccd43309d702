export { Reservations, type ReservationsOptions } from './reservations';
export { reservationRoutes } from './routes';
export { RESERVATION_STORES } from './stores';

/** The leased job expiring holds not confirmed in time (MARKETPLACE_HOLD_EXPIRY_CRON). */
export const HOLD_EXPIRY_JOB = 'hold-expiry';
