import { useState } from 'react';
import { type AlertDecision, type AlertDecisionRequest, post, type WorkspaceAlert } from '../api.js';
import { useI18n } from '../i18n.js';

type Action = WorkspaceAlert['suggestions'][number]['actions'][number];

/**
 * What a clinician can do about one alert: take one of its suggestions (stop order X, start the
 * formulary alternative Y, order a test) or override it with one of the reasons it offers. The
 * decision is sent to the server (stored as CDS feedback, audited) and the alert then shows it as done.
 */
export function AlertActions({
  alert,
  patientId,
  scope,
}: {
  alert: WorkspaceAlert;
  patientId: string;
  scope: 'stay' | 'now';
}) {
  const { t, lang } = useI18n();
  const say = (b: { en: string; zh: string }) => (lang === 'zh' ? b.zh : b.en);
  const colon = lang === 'zh' ? '：' : ': ';
  const [open, close] = lang === 'zh' ? ['（', '）'] : [' (', ')'];
  const [decision, setDecision] = useState<AlertDecision | undefined>(alert.decision);
  const [overriding, setOverriding] = useState(false);
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const send = async (request: AlertDecisionRequest) => {
    setBusy(true);
    setError('');
    try {
      const res = await post<{ decision: AlertDecision }>(
        `/api/patients/${encodeURIComponent(patientId)}/alerts/${encodeURIComponent(alert.id)}/decision`,
        request,
      );
      setDecision(res.decision);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const actionText = (a: Action) =>
    a.kind === 'stop'
      ? `${t('alertStop')} ${say(a.drug)}${a.order ? `${open}${a.order}${close}` : ''}`
      : a.kind === 'start'
        ? `${t('alertStart')} ${say(a.drug)}`
        : `${t('alertOrder')} ${say(a.what)}`;

  if (decision) {
    const taken = alert.suggestions.find((s) => s.id === decision.suggestionId);
    const why = alert.overrideReasons.find((r) => r.code === decision.reason);
    return (
      <p className="feedback-done" role="status">
        ✓{' '}
        {decision.outcome === 'accepted'
          ? `${t('alertAccepted')}${taken ? `${colon}${say(taken.label)}` : ''}`
          : `${t('alertOverridden')}${why ? `${open}${t('alertOverrideReason')}${colon}${say(why.display)}${close}` : ''}`}
        {decision.comment ? ` — ${decision.comment}` : ''}
        {' · '}
        <time dateTime={decision.at}>{new Date(decision.at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}</time>
      </p>
    );
  }
  if (alert.suggestions.length === 0 && alert.overrideReasons.length === 0) return null;
  return (
    <div className="feedback">
      {alert.suggestions.length > 0 && (
        <div>
          <strong>{t('alertSuggested')}</strong>
          {alert.suggestions.map((s) => (
            <div key={s.id}>
              <button
                type="button"
                disabled={busy}
                onClick={() => send({ decision: 'accept', suggestionId: s.id, scope })}
                title={s.actions.map(actionText).join('; ')}
              >
                {say(s.label)}
                {s.recommended ? ` (${t('alertRecommended')})` : ''}
              </button>{' '}
              <small className="muted">{s.actions.map(actionText).join(lang === 'zh' ? '；' : '; ')}</small>
            </div>
          ))}
        </div>
      )}
      {alert.overrideReasons.length > 0 && !overriding && (
        <button type="button" disabled={busy} onClick={() => setOverriding(true)}>
          {t('alertOverride')}
        </button>
      )}
      {overriding && (
        <span className="feedback-form">
          <select aria-label={t('alertOverrideReason')} value={reason} onChange={(e) => setReason(e.target.value)}>
            <option value="">{t('alertChooseReason')}</option>
            {alert.overrideReasons.map((r) => (
              <option key={r.code} value={r.code}>
                {say(r.display)}
              </option>
            ))}
          </select>
          <input
            aria-label={t('alertComment')}
            placeholder={t('alertComment')}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          <button
            type="button"
            disabled={busy || !reason}
            onClick={() =>
              send({ decision: 'override', reason, scope, ...(comment.trim() ? { comment: comment.trim() } : {}) })
            }
          >
            {t('send')}
          </button>
          <button type="button" onClick={() => setOverriding(false)}>
            {t('alertCancel')}
          </button>
        </span>
      )}
      {error && <span className="error-inline">{error}</span>}
    </div>
  );
}
