import {
  alertBurdenQuery,
  calibrationIdParams,
  calibrationRollbackBody,
  curationDecisionBody,
  curationIdParams,
  curationQuery,
  learningFitBody,
  releaseIdParams,
} from '../../routes/learning-admin.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

/** `/api/admin/calibration…`, `/api/admin/alert-burden` and `/api/admin/learning/…` (routes/learning-admin.ts), admins only. */
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
    {
      method: 'get',
      path: `${P}/learning/confirmed-cases`,
      summary: 'Stored confirmed cases',
      description:
        'How many confirmed cases each network holds, by source: differential rows clinicians accepted, and ' +
        'pre-consultations matched to the diagnosis their visit recorded.',
      responses: { 200: ok('`{counts: [{networkId, source, cases, latest}]}`.') },
    },
    {
      method: 'post',
      path: `${P}/learning/confirmed-cases/match`,
      summary: 'Match pre-consultations to their visit’s diagnosis',
      description:
        'Each completed pre-consultation started through a patient link whose appointment’s visit recorded exactly ' +
        'one diagnosis of the session’s network becomes a confirmed case with the session’s answers as findings ' +
        '(stored once). Audited.',
      responses: { 200: ok('`{sessions, matched, stored, ambiguous}`.') },
      notFound: false,
    },
    {
      method: 'post',
      path: `${P}/learning/fit`,
      summary: 'Fit from the stored confirmed cases',
      description:
        'Holds back a share of the network’s stored confirmed cases (by a hash of each case’s id), fits a ' +
        'calibration map and/or a learned release on the rest and evaluates each on the held-back ones; a candidate ' +
        'worse than what is active is refused. Nothing is activated. Audited.',
      body: { schema: learningFitBody },
      responses: {
        201: ok('`{networkId, stored, setAside, fitted, heldBack, calibration?, release?}`.'),
      },
      notFound: false,
    },
    {
      method: 'get',
      path: `${P}/learning/releases`,
      summary: 'Learned releases and their evaluations',
      description:
        'Every learned release, oldest first: who proposed it from what data, its diff against the source and its ' +
        'held-back evaluation (GTPA@1/3/5, Brier score) beside the baseline’s.',
      responses: { 200: ok('`{releases}`.') },
    },
    {
      method: 'post',
      path: `${P}/learning/releases/:id/activate`,
      summary: 'Activate a learned release',
      description: 'Refused (400) unless its held-back evaluation passed against the release active now. Audited.',
      params: releaseIdParams,
      responses: { 200: ok('The activated release.') },
    },
    {
      method: 'post',
      path: `${P}/learning/releases/rollback`,
      summary: 'Roll back a learned release',
      description: 'Retires the active learned release of a network and restores the one it replaced. Audited.',
      body: { schema: calibrationRollbackBody },
      responses: { 200: ok('`{networkId, active}`: the release active now, or null.') },
      notFound: false,
    },
    {
      method: 'get',
      path: `${P}/learning/curation`,
      summary: 'Lexicon and assertion-cue candidates',
      description:
        'Candidates from clinicians’ corrections of extracted facts (term → concept, cue → assertion), most ' +
        'corrected first, with the spans they came from and their status.',
      query: curationQuery,
      responses: { 200: ok('`{candidates}`.') },
    },
    {
      method: 'post',
      path: `${P}/learning/curation/:id/decision`,
      summary: 'Accept or reject a curation candidate',
      description: 'Accepted candidates are exported for the knowledge team; extraction is not changed. Audited.',
      params: curationIdParams,
      body: { schema: curationDecisionBody },
      responses: { 200: ok('The candidate as decided.') },
    },
    {
      method: 'get',
      path: `${P}/learning/curation/export`,
      summary: 'Accepted candidates as a lexicon addition',
      description:
        'The accepted candidates as lexicon entries, rows for src/nlp/data/lexicon-builtin.tsv and ConText rows ' +
        'for context-<lang>.tsv, for a knowledge release.',
      responses: { 200: ok('`{lexicon, lexiconTsv, cues, contextTsv}`.') },
    },
  ],
};
