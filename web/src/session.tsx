import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, get } from './api.js';

/** Who is using the workspace: `GET /api/auth/me`. */
export interface Me {
  readonly id: string;
  readonly name: string;
  readonly kind: 'api-key' | 'jwt' | 'session' | 'patient-link' | 'smart' | 'demo';
  readonly role: 'admin' | 'clinician' | 'patient';
  readonly patientId?: string;
  readonly consultSession?: string;
}

export interface SessionState {
  /** undefined while loading; null when nobody is logged in (401). */
  readonly me: Me | null | undefined;
  readonly error?: Error;
  /** Asks the server again (after a login, a logout, a redeemed patient link). */
  refresh(): void;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-runs the request on refresh()
  useEffect(() => {
    let live = true;
    get<Me>('/api/auth/me')
      .then((m) => {
        if (!live) return;
        setMe(m);
        setError(undefined);
      })
      .catch((e: Error) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 401) setMe(null);
        else setError(e);
      });
    return () => {
      live = false;
    };
  }, [tick]);
  return <Ctx.Provider value={{ me, ...(error ? { error } : {}), refresh }}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
