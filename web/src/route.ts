import { useEffect, useState } from 'react';

/**
 * Hash routes: #/ (patients), #/patients/<id>/<tab>, #/consult, #/queue, #/models, #/settings/<section>,
 * and #/p/<token>, a patient's pre-consultation link. Links work without a server-side router.
 */
export interface Route {
  readonly page: 'patients' | 'patient' | 'consult' | 'queue' | 'models' | 'settings' | 'link' | 'teaching';
  readonly patientId?: string;
  /** settings: the section; link: the patient's token. */
  readonly section?: string;
  readonly token?: string;
  readonly tab?: string;
  readonly params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query);
  if (parts[0] === 'patients' && parts[1])
    return { page: 'patient', patientId: decodeURIComponent(parts[1]), tab: parts[2] ?? 'overview', params };
  if (parts[0] === 'consult') return { page: 'consult', params };
  if (parts[0] === 'queue') return { page: 'queue', params };
  if (parts[0] === 'teaching') return { page: 'teaching', params };
  if (parts[0] === 'models') return { page: 'models', params };
  if (parts[0] === 'settings') return { page: 'settings', ...(parts[1] ? { section: parts[1] } : {}), params };
  if (parts[0] === 'p' && parts[1]) return { page: 'link', token: decodeURIComponent(parts[1]), params };
  return { page: 'patients', params };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function go(hash: string): void {
  location.hash = hash;
}
