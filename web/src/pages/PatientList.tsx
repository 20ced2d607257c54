import { useState } from 'react';
import { get } from '../api.js';
import { Show, useLoad } from '../components/Async.js';
import { useI18n } from '../i18n.js';
import { sexLabel } from '../components/facts.js';
import type { PatientSummary } from '../types.js';

export function PatientList() {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const state = useLoad(
    () => get<{ patients: PatientSummary[] }>(`/api/patients${q ? `?q=${encodeURIComponent(q)}` : ''}`),
    q,
  );
  return (
    <section className="page">
      <h1>{t('patients')}</h1>
      <input
        className="search"
        type="search"
        placeholder={t('search')}
        aria-label={t('search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <Show state={state}>
        {({ patients }) =>
          patients.length === 0 ? (
            <p>{t('noPatients')}</p>
          ) : (
            <ul className="patient-list">
              {patients.map((p) => (
                <li key={p.id}>
                  <a href={`#/patients/${encodeURIComponent(p.id)}/overview`}>
                    <strong data-verbatim>{p.name}</strong>
                    <span>{sexLabel(p.gender, lang)}</span>
                    <span>{p.birthDate}</span>
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}
