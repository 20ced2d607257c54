import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { when } from './Field.js';
import { get, post } from './http.js';
import { type ReliabilityBin, ReliabilityDiagram } from './ReliabilityDiagram.js';

interface Report {
  n: number;
  brier: number;
  ece: number;
  bins: ReliabilityBin[];
  byDepartment: Record<string, Omit<Report, 'byDepartment'>>;
}
interface Calibration {
  id: string;
  networkId: string;
  modelRelease?: string;
  status: 'candidate' | 'active' | 'refused' | 'retired';
  createdBy: string;
  createdAt: string;
  data: { label: string; cases: number };
  map: { method: string; pooled: { a: number; b: number; n: number }; departments: Record<string, { n: number }> };
  evaluation?: {
    heldBack: { label: string; cases: number };
    baselineId: string | null;
    raw: Report;
    candidate: Report;
    passed: boolean;
    reasons: string[];
  };
  history: { at: string; by: string; action: string; note?: string }[];
}

const RAW = '#9e9e9e';
const CALIBRATED = '#1565c0';

/**
 * Calibration of the differential for administrators: each calibration map (learned from confirmed cases, see
 * src/learning/calibrations.ts) with its reliability diagrams on held-back cases, overall and per department, raw
 * posterior against calibrated; activate a candidate that passed its evaluation, or roll the active map back.
 */
export function CalibrationSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [list, setList] = useState<Calibration[]>();
  const [error, setError] = useState<string>();
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a change)
  useEffect(() => {
    get<{ calibrations: Calibration[] }>('/api/admin/calibration').then(
      (r) => setList(r.calibrations),
      (e: Error) => setError(e.message),
    );
  }, [n]);
  const act = (p: Promise<unknown>) =>
    p.then(
      () => {
        setError(undefined);
        setN((x) => x + 1);
      },
      (e: Error) => setError(e.message),
    );
  if (error && !list) return <p className="error-inline">{error}</p>;
  if (!list) return <p className="muted">…</p>;
  // Newest first: the active map of each network, then candidates, then the rest.
  const order = { active: 0, candidate: 1, refused: 2, retired: 3 } as const;
  const shown = [...list].sort((a, b) => order[a.status] - order[b.status] || b.createdAt.localeCompare(a.createdAt));
  const status = (s: Calibration['status']) =>
    zh ? { active: '使用中', candidate: '候选', refused: '已拒绝', retired: '已停用' }[s] : s;
  return (
    <section aria-label={zh ? '概率校准' : 'Calibration'}>
      <p className="muted">
        {zh
          ? '鉴别诊断概率的校准：由已确诊病例拟合，在留出病例上评估（Brier 分数与 ECE），不劣于当前才可启用。图中点越接近对角线越可靠；点的大小表示病例数。'
          : 'Calibration of the differential’s probabilities: fitted on confirmed cases, evaluated on held-back ' +
            'cases ' +
            '(Brier score and ECE), activated only when not worse than what is active. The closer the points lie to ' +
            'the diagonal, the more reliable; a point’s size shows its cases.'}
      </p>
      {error && <p className="error-inline">{error}</p>}
      {shown.length === 0 && (
        <p className="muted">
          {zh ? '尚无校准（工作台显示原始后验概率）。' : 'No calibration yet (the workspace shows raw posteriors).'}
        </p>
      )}
      {shown.map((c) => {
        const e = c.evaluation;
        const departments = e ? Object.keys(e.candidate.byDepartment) : [];
        const axes = { predicted: zh ? '预测概率' : 'predicted', observed: zh ? '实际正确比例' : 'observed' };
        const diagram = (title: string, raw?: Omit<Report, 'byDepartment'>, cal?: Omit<Report, 'byDepartment'>) =>
          raw && cal ? (
            <figure key={title} style={{ display: 'inline-block', margin: 8, width: 260, verticalAlign: 'top' }}>
              <ReliabilityDiagram
                title={title}
                axes={axes}
                series={[
                  { label: zh ? '原始' : 'raw', color: RAW, bins: raw.bins },
                  { label: zh ? '校准后' : 'calibrated', color: CALIBRATED, bins: cal.bins },
                ]}
              />
              <figcaption>
                <strong>{title}</strong> · n = {cal.n} · Brier {raw.brier} → {cal.brier} · ECE {raw.ece} → {cal.ece}
              </figcaption>
            </figure>
          ) : null;
        return (
          <article key={c.id} className="card" aria-label={c.id}>
            <h3>
              <code>{c.id}</code> <span className={`status-${c.status}`}>{status(c.status)}</span>
            </h3>
            <p className="muted">
              {zh ? '拟合自' : 'Fitted on'} {c.data.label} ({c.data.cases}) · {c.createdBy} · {when(c.createdAt)}
              {c.modelRelease ? ` · ${zh ? '知识库版本' : 'release'} ${c.modelRelease}` : ''} · Platt a ={' '}
              {c.map.pooled.a}, b = {c.map.pooled.b}
            </p>
            {e ? (
              <>
                <p>
                  {zh ? '留出评估' : 'Held-back evaluation'}: {e.heldBack.label} ({e.heldBack.cases}) ·{' '}
                  {e.passed ? (zh ? '通过' : 'passed') : `${zh ? '未通过' : 'failed'}: ${e.reasons.join('; ')}`}
                </p>
                <div>
                  {diagram(zh ? '全院' : 'All departments', e.raw, e.candidate)}
                  {departments.map((d) => diagram(d, e.raw.byDepartment[d], e.candidate.byDepartment[d]))}
                </div>
                <table className="calls">
                  <thead>
                    <tr>
                      <th>{zh ? '区间' : 'Bin'}</th>
                      <th>{zh ? '病例数' : 'Cases'}</th>
                      <th>{zh ? '校准后预测' : 'Predicted (calibrated)'}</th>
                      <th>{zh ? '实际' : 'Observed'}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {e.candidate.bins.map((b) => (
                      <tr key={b.from}>
                        <td>
                          {b.from.toFixed(1)}–{b.to.toFixed(1)}
                        </td>
                        <td>{b.n}</td>
                        <td>{b.meanConfidence.toFixed(3)}</td>
                        <td>{b.accuracy.toFixed(3)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : (
              <p className="muted">{zh ? '尚未在留出病例上评估。' : 'Not yet evaluated on held-back cases.'}</p>
            )}
            {c.status === 'candidate' && e?.passed && (
              <button
                type="button"
                onClick={() => act(post(`/api/admin/calibration/${encodeURIComponent(c.id)}/activate`, {}))}
              >
                {zh ? '启用' : 'Activate'}
              </button>
            )}
            {c.status === 'active' && (
              <button
                type="button"
                onClick={() => act(post('/api/admin/calibration/rollback', { networkId: c.networkId }))}
              >
                {zh ? '回滚' : 'Roll back'}
              </button>
            )}
          </article>
        );
      })}
    </section>
  );
}
