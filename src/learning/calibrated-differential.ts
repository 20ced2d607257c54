import { calibrate } from './calibration-map.js';
import type { CalibrationRelease } from './calibrations.js';

/** Which map calibrated a served differential (shown beside the probabilities: "calibrated, <id>"). */
export interface AppliedCalibration {
  readonly id: string;
  readonly method: 'platt';
  readonly createdAt: string;
  readonly createdBy: string;
  /** The department whose map was used; absent: the hospital-wide map. */
  readonly department?: string;
}

/**
 * The served differential with each disease's calibrated probability beside its raw one: the active map
 * (calibrations.ts) applied to the disease's share of the normalised posterior, the quantity it was fitted
 * on (the top-1 share; applied to every rank as the same monotone map, so the order is unchanged). The raw
 * `probability` and `share` stay as they were. No active map, or one fitted on another release: unchanged.
 */
export function calibrateDifferential<T extends { readonly share: number }>(
  entries: readonly T[],
  active: CalibrationRelease | undefined,
  modelRelease: string,
  department?: string,
): { differential: (T & { calibratedProbability?: number })[]; calibration?: AppliedCalibration } {
  if (!active || (active.modelRelease !== undefined && active.modelRelease !== modelRelease))
    return { differential: [...entries] };
  const own = department && active.map.departments[department] ? department : undefined;
  return {
    differential: entries.map((e) => ({
      ...e,
      calibratedProbability: Number(calibrate(active.map, e.share, own).toFixed(4)),
    })),
    calibration: {
      id: active.id,
      method: active.map.method,
      createdAt: active.createdAt,
      createdBy: active.createdBy,
      ...(own ? { department: own } : {}),
    },
  };
}
