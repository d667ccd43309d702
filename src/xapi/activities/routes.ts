import { Router } from 'express';
import { requireScope } from '../../auth/authenticate';
import { singleParameters } from '../../http/parameters';
import { parseIriParameter } from '../parameters';
import type { ActivityStore } from './activity-store';

/** GET /activities?activityId=…: the canonical Activity (Communication 2.5). */
export function activityRoutes(store: ActivityStore): Router {
  const router = Router();
  router.get('/activities', requireScope({ resource: 'activities', write: false }), async (req, res) => {
    const { activityId } = singleParameters(req.query, { required: ['activityId'], resource: 'GET activities' });
    const id = parseIriParameter('activityId', activityId!);
    // 2.5.s2.b1: an Activity Object even when the LRS has no definition for it.
    const activity = (await store.getMany([id])).get(id) ?? { objectType: 'Activity', id };
    res.json(activity);
  });
  return router;
}
