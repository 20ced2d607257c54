import { Fragment, useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { get } from './http.js';
import { ruleSettingsLink } from './rule-prefill.js';

interface Counts {
  decided: number;
  accepted: number;
  overridden: number;
  overrideRate: number;
}
interface RuleBurden extends Counts {
  ruleId: string;
  reasons: Record<string, number>;
  byUnit: (Counts & { unit: string | null })[];
  byPrescriber: (Counts & { prescriber: string | null })[];
  review: boolean;
  threshold?: {
    param: string;
    direction: 'below' | 'above';
    unit?: string;
    current?: number;
    value: number;
    removesOverridden: number;
    overriddenWithValue: number;
    removedShare: number;
    acceptedKept: number;
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
/**
 * `6.0 → 6.55 mmol/L`: the threshold the alerts were compared with (where they said) and the suggested one;
 * `to 21.5` (`改为 21.5`) when the alerts did not say.
 */
const fromTo = (t: NonNullable<RuleBurden['threshold']>, zh: boolean) =>
  `${t.current !== undefined ? `${t.current} → ` : zh ? '改为 ' : 'to '}${t.value}${t.unit ? ` ${t.unit}` : ''}`;

/**
 * Alert burden for administrators: override rates per rule, unit and prescriber from the stored CDS feedback, with
 * suggested changes. A suggestion is never applied here: its button opens the rule's settings prefilled, to be saved
 * (as a new, reversible version) or not.
 */
export function AlertBurdenSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [data, setData] = useState<{ minDecided: number; reviewRate: number; rules: RuleBurden[] }>();
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<string>();
  useEffect(() => {
    get<{ minDecided: number; reviewRate: number; rules: RuleBurden[] }>('/api/admin/alert-burden').then(
      setData,
      (e: Error) => setError(e.message),
    );
  }, []);
  if (error) return <p className="error-inline">{error}</p>;
  if (!data) return <p className="muted">…</p>;
  const none = zh ? '未知' : 'unknown';
  return (
    <section aria-label={zh ? '警报负担' : 'Alert burden'}>
      <p className="muted">
        {zh
          ? `各规则的警报被不采纳的比例（按科室、按医生）。不采纳超过 ${pct(data.reviewRate)} ` +
            `且至少 ${data.minDecided} 次决定的规则建议复核；建议不会自动生效，点击按钮打开规则设置。`
          : `How often each rule's alerts are overridden, per unit and per prescriber. A rule overridden more than ` +
            `${pct(data.reviewRate)} of the time over at least ${data.minDecided} decisions is suggested for review; ` +
            'nothing changes by itself: a button opens the rule settings, prefilled.'}
      </p>
      {data.rules.length === 0 && <p className="muted">{zh ? '尚无警报反馈。' : 'No alert feedback yet.'}</p>}
      <table className="calls">
        <thead>
          <tr>
            <th>{zh ? '规则' : 'Rule'}</th>
            <th>{zh ? '决定' : 'Decided'}</th>
            <th>{zh ? '不采纳' : 'Overridden'}</th>
            <th>{zh ? '不采纳率' : 'Override rate'}</th>
            <th>{zh ? '原因' : 'Reasons'}</th>
            <th>{zh ? '建议' : 'Suggestion'}</th>
          </tr>
        </thead>
        <tbody>
          {data.rules.map((r) => (
            <Fragment key={r.ruleId}>
              <tr>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-expanded={open === r.ruleId}
                    onClick={() => setOpen(open === r.ruleId ? undefined : r.ruleId)}
                  >
                    <code>{r.ruleId}</code>
                  </button>
                </td>
                <td>{r.decided}</td>
                <td>{r.overridden}</td>
                <td>{pct(r.overrideRate)}</td>
                <td>
                  {Object.entries(r.reasons)
                    .map(([code, k]) => `${code} ×${k}`)
                    .join(', ')}
                </td>
                <td>
                  {r.threshold && (
                    <a className="button" href={ruleSettingsLink(r.ruleId, r.threshold.param, r.threshold.value)}>
                      {zh
                        ? `阈值 ${r.threshold.param} ${fromTo(r.threshold, true)}：可减少 ` +
                          `${pct(r.threshold.removedShare)} 的不采纳警报，已采纳的 ${r.threshold.acceptedKept} 条仍会触发`
                        : `Set ${r.threshold.param} ${fromTo(r.threshold, false)}: removes ` +
                          `${pct(r.threshold.removedShare)} ` +
                          `of overridden alerts, all ${r.threshold.acceptedKept} accepted ones still fire`}
                    </a>
                  )}{' '}
                  {r.review && (
                    <a className="button" href={ruleSettingsLink(r.ruleId)}>
                      {zh ? '复核此规则' : 'Review this rule'}
                    </a>
                  )}
                </td>
              </tr>
              {open === r.ruleId && (
                <tr>
                  <td colSpan={6}>
                    <strong>{zh ? '按科室' : 'By unit'}</strong>:{' '}
                    {r.byUnit
                      .map((u) => `${u.unit ?? none} ${u.overridden}/${u.decided} (${pct(u.overrideRate)})`)
                      .join(' · ')}
                    <br />
                    <strong>{zh ? '按医生' : 'By prescriber'}</strong>:{' '}
                    {r.byPrescriber
                      .map((p) => `${p.prescriber ?? none} ${p.overridden}/${p.decided} (${pct(p.overrideRate)})`)
                      .join(' · ')}
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}
