import { Router } from 'express';
import { requireScope } from '../../auth/authenticate';
import { BadRequestCode, BadRequestError } from '../../errors';
import { singleParameters } from '../../http/parameters';
import type { ActivityStore } from './activity-store';

/** GET /activities?activityId=…: the canonical Activity (Communication 2.5). */
export function activityRoutes(store: ActivityStore, isIri: (value: string) => boolean): Router {
  const router = Router();
  router.get('/activities', requireScope({ resource: 'activities', write: false }), async (req, res) => {
    const { activityId } = singleParameters(req.query, { required: ['activityId'], resource: 'GET activities' });
    if (!isIri(activityId!)) {
      throw new BadRequestError(BadRequestCode.InvalidParameter, `activityId must be an IRI, got "${activityId}"`);
    }
    // 2.5.s2.b1: an Activity Object even when the LRS has no definition for it.
    const activity = (await store.getMany([activityId!])).get(activityId!) ?? { objectType: 'Activity', id: activityId };
    res.json(activity);
  });
  return router;
}
