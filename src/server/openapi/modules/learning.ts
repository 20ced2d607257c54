import { alertBurdenQuery, calibrationIdParams, calibrationRollbackBody } from '../../routes/learning-admin.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

/** `/api/admin/calibration…` and `/api/admin/alert-burden` (routes/learning-admin.ts), admins only. */
const P = '/api/admin';
const ok = (description: string) => ({ description, schema: JsonObject });

export const learningDoc: ModuleDoc = {
  tag: 'Learning',
  description:
    'What the hospital learns from its own outcomes and feedback, for administrators: calibration maps of the ' +
    'differential (fitted on confirmed cases, evaluated on held-back ones, activated only when not worse, rolled ' +
    'back in one call) and the alert burden of each rule with suggested changes that are never applied by themselves.',
  operations: [
    {
      method: 'get',
      path: `${P}/calibration`,
      summary: 'Calibration maps and their reliability',
      description:
        'Every calibration map of the differential, oldest first: who fitted it from what data and when, its status ' +
        'and history, and its held-back evaluation — Brier score, ECE and reliability bins (cases, mean predicted, ' +
        'share correct), overall and per department, for the raw posterior, the map it was compared with and itself.',
      responses: { 200: ok('`{calibrations}`.') },
    },
    {
      method: 'post',
      path: `${P}/calibration/:id/activate`,
      summary: 'Activate a calibration map',
      description:
        'Makes a candidate the active map of its network; refused (400) unless its held-back evaluation passed ' +
        'against the map active now. The workspace then shows calibrated probabilities with its id. Audited.',
      params: calibrationIdParams,
      responses: { 200: ok('The activated calibration.') },
    },
    {
      method: 'post',
      path: `${P}/calibration/rollback`,
      summary: 'Roll back a calibration map',
      description:
        'Retires the active map of a network and restores the one it replaced (or none: raw posteriors). Audited.',
      body: { schema: calibrationRollbackBody },
      responses: { 200: ok('`{networkId, active}`: the map active now, or null.') },
      notFound: false,
    },
    {
      method: 'get',
      path: `${P}/alert-burden`,
      summary: 'Alert burden per rule, unit and prescriber',
      description:
        'From the stored CDS feedback (the EHR’s and the workspace’s decisions; each alert’s latest outcome): ' +
        'override rates per rule, per unit and per prescriber, the override reasons given, a review flag (overridden ' +
        'more than reviewRate of the time over at least minDecided decisions) and, where alerts carry the value ' +
        'compared with a threshold, the threshold that would have silenced the most overridden alerts while every ' +
        'accepted one still fires. Read only: a change is made in the rule settings.',
      query: alertBurdenQuery,
      responses: { 200: ok('`{minDecided, reviewRate, since?, rules}`.') },
    },
  ],
};
