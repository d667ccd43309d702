import type { PluginStoreDeclaration } from '../../../plugin-api';

/**
 * The reservations feature's stores, none derived (they decide; a rebuild keeps them):
 * `reservations` holds each reservation with the statements of its steps; `claims` one document
 * per claimed slot of a space, whose id (`${spaceId}/${slotMs}`) the database keeps unique;
 * `attendances` who attended which space (`${spaceId}/${agent key}`), for ratings.
 */
export const RESERVATION_STORES: Record<string, PluginStoreDeclaration> = {
  reservations: {
    indexes: [
      { name: 'space_start', fields: ['spaceId', 'startMs'] },
      { name: 'booker_created', fields: ['bookerKey', 'createdMs'] },
      { name: 'state_expires', fields: ['state', 'expiresMs'] },
      { name: 'outbox', fields: ['outboxSinceMs'] },
    ],
  },
  claims: {
    indexes: [
      { name: 'space_slot', fields: ['spaceId', 'slotMs'] },
      { name: 'slot', fields: ['slotMs'] },
    ],
  },
  attendances: {},
};
