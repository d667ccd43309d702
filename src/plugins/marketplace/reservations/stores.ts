import type { PluginStoreDeclaration } from '../../../plugin-api';

/**
 * The reservations feature's stores. Both decide (never emptied by a rebuild): `reservations`
 * holds each reservation and the statements recording its steps; `claims` holds one document per
 * claimed slot of a space, whose id (`${spaceId}/${slotMs}`) is what the database keeps unique.
 */
export const RESERVATION_STORES: Record<string, PluginStoreDeclaration> = {
  reservations: {
    indexes: [
      { name: 'space_start', fields: ['spaceId', 'startMs'] },
      { name: 'booker_created', fields: ['bookerKey', 'createdMs'] },
      { name: 'state_hold_expiry', fields: ['state', 'holdExpiresMs'] },
    ],
  },
  claims: { indexes: [{ name: 'space_slot', fields: ['spaceId', 'slotMs'] }] },
};
