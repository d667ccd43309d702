import { Router } from 'express';
import type { Acting } from '../acting';
import type { Reservations } from './reservations';

/** The reservations' JSON API under /plugins/marketplace (reservations/openapi.yaml). */
export function reservationRoutes(options: { reservations: Reservations; acting: Acting }): Router {
  void options;
  return Router();
}
