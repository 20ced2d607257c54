import { useState } from 'react';
import { type FeedbackRequest, post } from '../api.js';
import { useI18n } from '../i18n.js';

/** Accept / reject / correct, with a reason: every card and claim carries one. */
export function Feedback({
  patientId,
  targetKind,
  targetId,
  producer,
}: {
  patientId: string;
  targetKind: FeedbackRequest['targetKind'];
  targetId: string;
  producer?: string;
}) {
  const { t } = useI18n();
  const [verdict, setVerdict] = useState<'accept' | 'reject' | 'correct' | null>(null);
  const [reason, setReason] = useState('');
  const [correction, setCorrection] = useState('');
  const [state, setState] = useState<'idle' | 'sent' | 'error'>('idle');
  const [message, setMessage] = useState('');
  const send = async (v: 'accept' | 'reject' | 'correct') => {
    try {
      await post(`/api/patients/${encodeURIComponent(patientId)}/feedback`, {
        targetKind,
        targetId,
        verdict: v,
        reason: reason || undefined,
        correction: correction || undefined,
        producer,
      } satisfies FeedbackRequest);
      setState('sent');
    } catch (e) {
      setState('error');
      setMessage((e as Error).message);
    }
  };
  if (state === 'sent') return <span className="feedback-done">✓ {t('thanks')}</span>;
  return (
    <span className="feedback">
      <button type="button" onClick={() => send('accept')} aria-label={`${t('accept')} ${targetId}`}>
        {t('accept')}
      </button>
      <button type="button" onClick={() => setVerdict('reject')} aria-pressed={verdict === 'reject'}>
        {t('reject')}
      </button>
      <button type="button" onClick={() => setVerdict('correct')} aria-pressed={verdict === 'correct'}>
        {t('correct')}
      </button>
      {verdict && verdict !== 'accept' && (
        <span className="feedback-form">
          <input
            aria-label={t('reason')}
            placeholder={t('reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          {verdict === 'correct' && (
            <input
              aria-label={t('correct')}
              placeholder={t('correct')}
              value={correction}
              onChange={(e) => setCorrection(e.target.value)}
            />
          )}
          <button
            type="button"
            onClick={() => send(verdict)}
            disabled={!reason.trim() || (verdict === 'correct' && !correction.trim())}
          >
            {t('send')}
          </button>
        </span>
      )}
      {state === 'error' && <span className="error-inline">{message}</span>}
    </span>
  );
}
