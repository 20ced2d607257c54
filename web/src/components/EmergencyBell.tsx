import { useEffect, useState } from 'react';
import { subscribe } from '../api.js';
import { useI18n } from '../i18n.js';
import { go } from '../route.js';
import type { ConsultEvent } from '../types.js';

/**
 * Tells a clinician anywhere in the workspace that a pre-consultation ended in an emergency: a red
 * link in the top bar to the queue, and a tone. (The queue page shows the same events itself.)
 */
export function EmergencyBell() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [pending, setPending] = useState<ConsultEvent[]>([]);
  useEffect(
    () =>
      subscribe('/api/consult/events', (event, data) => {
        if (event !== 'emergency') return;
        const e = JSON.parse(data) as ConsultEvent;
        setPending((p) => [e, ...p.filter((x) => x.sessionId !== e.sessionId)]);
        chime();
      }),
    [],
  );
  if (!pending.length) return null;
  const latest = pending[0]!;
  return (
    <span role="alert">
      <button
        type="button"
        className="emergency-bell"
        onClick={() => {
          setPending([]);
          go('#/queue');
        }}
      >
        {zh ? `⚠ 急诊预警（${pending.length}）：` : `⚠ Emergency (${pending.length}): `}
        {latest.complaint.length > 24 ? `${latest.complaint.slice(0, 24)}…` : latest.complaint}
      </button>
    </span>
  );
}

/** Two short tones: the workspace may be in a background tab. Browsers that block audio stay silent; the banner remains. */
export function chime(): void {
  try {
    const Ctor =
      window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return;
    const ac = new Ctor();
    for (const [i, f] of [880, 660].entries()) {
      const o = ac.createOscillator();
      const g = ac.createGain();
      o.frequency.value = f;
      g.gain.value = 0.15;
      o.connect(g).connect(ac.destination);
      o.start(ac.currentTime + i * 0.25);
      o.stop(ac.currentTime + i * 0.25 + 0.2);
    }
    setTimeout(() => void ac.close(), 1000);
  } catch {
    // No audio here: the banner and the highlighted line still show it.
  }
}
