import type { simulate } from './simulate.js';

/**
 * The headline keys of a federated simulation: local, federated_eps1/8 (secure aggregation tolerating
 * `headline` colluders), pooled; beside them the per-hospital-noise figures and, when run, σ²/n per hospital.
 */
export function headlineFigures(sim: ReturnType<typeof simulate>, colluders: readonly number[]) {
  const headline = colluders[0]!;
  const eps = (e: number, t = headline) => sim.secure.find((f) => f.epsilon === e && f.colluders === t)!;
  const plain = (e: number) => sim.federated.find((f) => f.epsilon === e)!;
  return {
    local: sim.local.gtpa1,
    federated_eps1: eps(1).gtpa1,
    federated_eps8: eps(8).gtpa1,
    pooled: sim.pooled.gtpa1,
    perHospitalNoise: { federated_eps1: plain(1).gtpa1, federated_eps8: plain(8).gtpa1 },
    ...(colluders.includes(0) && headline !== 0
      ? { coordinatorOnly: { federated_eps1: eps(1, 0).gtpa1, federated_eps8: eps(8, 0).gtpa1 } }
      : {}),
    goal: {
      statement: 'federated at ε = 8 within 1 point of pooled and above local-only (issue 17)',
      eps8WithinOnePointOfPooled: sim.pooled.gtpa1 - eps(8).gtpa1 <= 1,
      eps8AboveLocal: eps(8).gtpa1 > sim.local.gtpa1,
    },
  };
}

/** The models of a federated simulation as bench federated writes them (DDXPlus and DXY alike). */
export function modelFigures(sim: ReturnType<typeof simulate>) {
  const { sourceOnly, local, pooled, federated, secure } = sim;
  return { sourceOnly, local, pooled, federated, secure };
}
