import { useEffect, useRef, useState } from 'react';
import { get, postForBlob, upload } from '../api.js';
import { type Lang, type StringKey, useI18n } from '../i18n.js';

/**
 * Voice in and out (issue 18, docs/voice.md). With a speech server configured (`GET /api/voice`) the
 * microphone records with MediaRecorder and the recording is transcribed on the hospital's server;
 * otherwise the browser's own SpeechRecognition / speechSynthesis are used where they exist and the
 * operator allows them. Either way the words go into the input box: the speaker checks them and sends.
 */
export interface VoiceStatus {
  readonly stt: { readonly available: boolean; readonly maxBytes?: number };
  readonly tts: { readonly available: boolean };
  readonly browserFallback: boolean;
}

const NO_SERVER: VoiceStatus = { stt: { available: false }, tts: { available: false }, browserFallback: true };
let loaded: Promise<VoiceStatus> | undefined;

/** The server's speech services, read once per page (a failed read is tried again next time). */
export function useVoiceStatus(): VoiceStatus | undefined {
  const [status, setStatus] = useState<VoiceStatus>();
  useEffect(() => {
    let live = true;
    loaded ??= get<VoiceStatus>('/api/voice').catch(() => {
      loaded = undefined;
      return NO_SERVER;
    });
    void loaded.then((s) => live && setStatus(s));
    return () => {
      live = false;
    };
  }, []);
  return status;
}

// The browser's speech recognition where it exists (Chrome's is prefixed).
type Recognition = {
  lang: string;
  interimResults: boolean;
  start(): void;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onend: (() => void) | null;
};
export function browserRecognition(): (new () => Recognition) | undefined {
  const w = window as unknown as {
    SpeechRecognition?: new () => Recognition;
    webkitSpeechRecognition?: new () => Recognition;
  };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition;
}

/** Containers MediaRecorder may make, in the order speech servers handle them best. */
const RECORDING_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];
const EXTENSION: Record<string, string> = { 'audio/webm': 'webm', 'audio/ogg': 'ogg', 'audio/mp4': 'm4a' };
/** A spoken answer or a dictated paragraph; the recorder stops by itself after this. */
const MAX_RECORDING_MS = 120_000;

type Mode = 'server' | 'browser' | 'none';
function modeOf(status: VoiceStatus | undefined): Mode {
  if (!status) return 'none';
  const canRecord = typeof MediaRecorder !== 'undefined' && Boolean(navigator.mediaDevices?.getUserMedia);
  if (status.stt.available && canRecord) return 'server';
  return status.browserFallback && browserRecognition() ? 'browser' : 'none';
}

/**
 * The microphone button. `path`: where a recording is transcribed (`/api/voice/transcriptions?…` for
 * the pre-consultation, `/api/patients/:id/dictation?…` for a note); `onText` receives the words.
 */
export function VoiceButton({
  path,
  onText,
  disabled = false,
}: {
  path: string;
  onText: (text: string) => void;
  disabled?: boolean;
}) {
  const { t, lang } = useI18n();
  const status = useVoiceStatus();
  const mode = modeOf(status);
  const [recording, setRecording] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<StringKey>();
  const recorder = useRef<MediaRecorder | undefined>(undefined);
  const stopTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Leaving the page stops the microphone.
  useEffect(
    () => () => {
      clearTimeout(stopTimer.current);
      if (recorder.current?.state === 'recording') recorder.current.stop();
    },
    [],
  );
  if (mode === 'none') return null;

  const heard = (text: string) => {
    const words = text.trim();
    setNote(words ? 'voiceCheck' : 'voiceNothing');
    if (words) onText(words);
  };

  const transcribe = async (blob: Blob) => {
    const type = blob.type.split(';')[0] ?? '';
    if (status?.stt.maxBytes && blob.size > status.stt.maxBytes) return setNote('voiceFailed');
    const form = new FormData();
    form.append('file', blob, `recording.${EXTENSION[type] ?? 'webm'}`);
    setBusy(true);
    setNote('voiceTranscribing');
    try {
      heard((await upload<{ transcript: { text: string } }>(path, form)).transcript.text);
    } catch {
      setNote('voiceFailed');
    } finally {
      setBusy(false);
    }
  };

  const record = async () => {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      return setNote('voiceNoMic');
    }
    const mimeType = RECORDING_TYPES.find((x) => MediaRecorder.isTypeSupported(x));
    const rec = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => {
      if (e.data.size) chunks.push(e.data);
    };
    rec.onstop = () => {
      clearTimeout(stopTimer.current);
      for (const track of stream.getTracks()) track.stop();
      setRecording(false);
      void transcribe(new Blob(chunks, { type: rec.mimeType || mimeType || 'audio/webm' }));
    };
    recorder.current = rec;
    rec.start();
    setRecording(true);
    setNote('voiceRecording');
    stopTimer.current = setTimeout(() => rec.state === 'recording' && rec.stop(), MAX_RECORDING_MS);
  };

  const listenInBrowser = () => {
    const R = browserRecognition();
    if (!R) return;
    const rec = new R();
    rec.lang = lang === 'zh' ? 'zh-CN' : 'en-US';
    rec.interimResults = false;
    rec.onresult = (e) => heard(e.results[0]?.[0]?.transcript ?? '');
    rec.onend = () => setRecording(false);
    setRecording(true);
    setNote(undefined);
    rec.start();
  };

  const click = () => {
    if (mode === 'browser') return listenInBrowser();
    if (recording) return recorder.current?.stop();
    void record();
  };

  return (
    <>
      <button
        type="button"
        className={`voice-button${recording ? ' recording' : ''}`}
        data-voice={mode}
        onClick={click}
        disabled={disabled || busy}
        aria-pressed={recording}
        aria-label={t('voiceInput')}
        title={recording && mode === 'server' ? t('voiceStop') : t('voiceInput')}
      >
        <MicIcon />
      </button>
      {note && (
        <small className="voice-note" role="status">
          {t(note)}
        </small>
      )}
    </>
  );
}

let playing: HTMLAudioElement | undefined;

/**
 * Reads a MedSeek question aloud: the server's TTS (the session's latest question) where it is
 * configured, else the browser's speechSynthesis where allowed. Quietly does nothing otherwise.
 */
export async function readAloud(
  status: VoiceStatus | undefined,
  what: { text: string; session?: string; lang: Lang },
): Promise<void> {
  playing?.pause();
  window.speechSynthesis?.cancel();
  if (status?.tts.available && what.session) {
    try {
      const audio = new Audio(URL.createObjectURL(await postForBlob('/api/voice/speech', { session: what.session })));
      playing = audio;
      await audio.play();
      return;
    } catch {
      // The browser's voice, if allowed, rather than silence.
    }
  }
  if (!status?.browserFallback || !('speechSynthesis' in window)) return;
  const u = new SpeechSynthesisUtterance(what.text);
  u.lang = what.lang === 'zh' ? 'zh-CN' : 'en-US';
  window.speechSynthesis.speak(u);
}

/** Whether anything can read aloud here: the server's TTS or (allowed) the browser's. */
export function canReadAloud(status: VoiceStatus | undefined): boolean {
  return Boolean(status && (status.tts.available || (status.browserFallback && 'speechSynthesis' in window)));
}

/** The pre-consultation's "read aloud" switch. */
export function ReadAloudToggle({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  const { t } = useI18n();
  const status = useVoiceStatus();
  if (!canReadAloud(status)) return null;
  return (
    <button type="button" className="read-aloud" aria-pressed={on} onClick={() => onChange(!on)}>
      <SpeakerIcon /> {t('readAloud')}
    </button>
  );
}

/** A clinician dictating a note about a patient: the transcript in a box to check and copy. */
export function DictationBox({ patientId }: { patientId: string }) {
  const { t, lang } = useI18n();
  const status = useVoiceStatus();
  const [text, setText] = useState('');
  const [copied, setCopied] = useState(false);
  if (modeOf(status) === 'none') return null;
  return (
    <div className="card dictation">
      <h2>
        {t('dictate')}{' '}
        <VoiceButton
          path={`/api/patients/${encodeURIComponent(patientId)}/dictation?lang=${lang}`}
          onText={(words) => setText((x) => (x ? `${x} ${words}` : words))}
        />
      </h2>
      <textarea aria-label={t('dictation')} value={text} rows={4} onChange={(e) => setText(e.target.value)} />
      <button
        type="button"
        disabled={!text.trim()}
        onClick={() => void navigator.clipboard?.writeText(text).then(() => setCopied(true))}
      >
        {copied ? t('copied') : t('copyText')}
      </button>
    </div>
  );
}

// Drawn, not emoji: phones and kiosks without an emoji font would show a box.
export function MicIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path
        fill="currentColor"
        d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z"
      />
    </svg>
  );
}

function SpeakerIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <path
        fill="currentColor"
        d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"
      />
    </svg>
  );
}
