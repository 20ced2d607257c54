import { useEffect, useState } from 'react';
import { ApiError, get, post } from '../api.js';
import { type Lang, useI18n } from '../i18n.js';
import type { Fact } from '../types.js';
import { ErrorBox, Show, useLoad } from './Async.js';

/** One study as GET /api/patients/{id}/imaging sends it (src/server/routes/imaging.ts ImagingStudyView). */
interface StudyView {
  id: string;
  studyUid: string;
  accession?: string;
  started?: string;
  description?: string;
  modalities: string[];
  series: number;
  instances: number;
  viewerUrl?: string;
  keyImage?: { series: string; instance: string; url: string };
  reports: { id: string; status: string; title: string; conclusion?: string; text?: string; facts: Fact[] }[];
}
interface ImagingList {
  configured: boolean;
  viewer: boolean;
  studies: StudyView[];
}

const L = {
  title: { zh: '影像检查', en: 'Imaging' },
  pull: { zh: '从 PACS 获取影像', en: 'Pull from the PACS' },
  pulling: { zh: '正在获取…', en: 'Pulling…' },
  notConfigured: {
    zh: '未配置 PACS（MEDSEEK_PACS_URL），无法获取影像。',
    en: 'No PACS is configured (MEDSEEK_PACS_URL).',
  },
  none: { zh: '暂无影像检查。', en: 'No imaging studies.' },
  series: { zh: '序列', en: 'series' },
  images: { zh: '幅图像', en: 'images' },
  viewer: { zh: '在 PACS 阅片器中打开', en: 'Open in the PACS viewer' },
  keyImage: { zh: '关键图像', en: 'Key image' },
  noImage: { zh: '无可显示的图像', en: 'No image to show' },
  imageFailed: { zh: '图像加载失败', en: 'The image could not be loaded' },
  report: { zh: '影像报告', en: 'Report' },
  noReport: { zh: '此检查尚无结构化报告。', en: 'No structured report for this study.' },
  impression: { zh: '印象', en: 'Impression' },
  found: { zh: '报告中识别的要点', en: 'Read from the report' },
  pulled: { zh: '已获取检查数', en: 'Studies pulled' },
  skipped: { zh: '跳过', en: 'Skipped' },
  secondReader: { zh: '第二阅片者（AI）建议', en: 'Second reader (AI) suggestions' },
  secondReaderNote: {
    zh: '视觉模型对关键图像的判读，已与放射科报告逐条核对；仅供参考，不是报告，也不写入病历。',
    en:
      'A vision model’s read of the key image, each finding checked against the radiologist’s report: ' +
      'suggestions only, not the report, not stored in the record.',
  },
  askSecondReader: { zh: '请 AI 第二阅片', en: 'Ask the AI second reader' },
  reading: { zh: '判读中…', en: 'Reading…' },
  noSuggestions: { zh: '模型未列出任何发现。', en: 'The model listed no finding.' },
  reportSays: { zh: '报告为', en: 'report says' },
  modelSays: { zh: '模型为', en: 'model says' },
} as const;

/** A suggestion as POST …/second-read sends it (src/verify/second-read.ts SecondReadSuggestion). */
interface Suggestion {
  finding: {
    finding: string;
    laterality: string | null;
    sizeMm: number | null;
    site: string | null;
    category: { scale: string; value: string } | null;
  };
  verdict: 'agrees' | 'contradicts' | 'not-in-report';
  conflicts: { field: 'laterality' | 'size' | 'site' | 'category'; report: string; model: string }[];
  evidence: { quote?: string }[];
}
interface SecondRead {
  notice: string;
  model: { provider?: string; model?: string };
  suggestions: Suggestion[];
}
const VERDICT: Record<Suggestion['verdict'], { zh: string; en: string }> = {
  agrees: { zh: '与报告一致', en: 'agrees with the report' },
  contradicts: { zh: '与报告矛盾', en: 'contradicts the report' },
  'not-in-report': { zh: '报告未提及', en: 'not in the report' },
};
const FIELD: Record<Suggestion['conflicts'][number]['field'], { zh: string; en: string }> = {
  laterality: { zh: '侧别', en: 'side' },
  size: { zh: '大小', en: 'size' },
  site: { zh: '部位', en: 'site' },
  category: { zh: '分类', en: 'category' },
};

const STATUS: Record<string, { zh: string; en: string }> = {
  final: { zh: '已审核', en: 'final' },
  preliminary: { zh: '初步', en: 'preliminary' },
  partial: { zh: '未完成', en: 'partial' },
  amended: { zh: '已修订', en: 'amended' },
};
const SIDE: Record<string, { zh: string; en: string }> = {
  left: { zh: '左侧', en: 'left' },
  right: { zh: '右侧', en: 'right' },
  bilateral: { zh: '双侧', en: 'bilateral' },
};

/**
 * The patient's imaging: the studies pulled from the PACS, and for the chosen one its key image (fetched
 * through MedSeek's proxy: the browser never talks to the PACS) beside the radiologist's report, with what
 * the report states (assessment categories, sized lesions, laterality) marked in its text.
 */
export function ImagingPanel({ patientId }: { patientId: string }) {
  const { lang } = useI18n();
  const say = (k: keyof typeof L) => L[k][lang];
  const pid = encodeURIComponent(patientId);
  const [tick, setTick] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [note, setNote] = useState<string>();
  const [chosen, setChosen] = useState<string>();
  const data = useLoad(
    (signal) => get<ImagingList>(`/api/patients/${pid}/imaging`, { signal }),
    `${patientId}-${tick}`,
  );
  const pull = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await post<{ summary: { studies: unknown[]; skipped: { studyUid: string; reason: string }[] } }>(
        `/api/patients/${pid}/imaging/pull`,
        {},
      );
      setNote(
        `${say('pulled')}: ${r.summary.studies.length}` +
          (r.summary.skipped.length ? ` · ${say('skipped')}: ${r.summary.skipped.length}` : ''),
      );
      setTick((n) => n + 1);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card imaging-panel" aria-label={say('title')}>
      <h2>{say('title')}</h2>
      {error && <ErrorBox error={error} />}
      <Show state={data}>
        {(list) => {
          const study = list.studies.find((s) => s.id === chosen) ?? list.studies[0];
          return (
            <>
              {list.configured ? (
                <button type="button" disabled={busy} onClick={() => void pull()}>
                  {busy ? say('pulling') : say('pull')}
                </button>
              ) : (
                <p className="muted">{say('notConfigured')}</p>
              )}
              {note && <p className="muted">{note}</p>}
              {list.studies.length === 0 ? (
                <p className="muted">{say('none')}</p>
              ) : (
                <ul className="imaging-studies">
                  {list.studies.map((s) => (
                    <li key={s.id} aria-current={s.id === study?.id}>
                      <button type="button" className="link" onClick={() => setChosen(s.id)}>
                        {s.started?.slice(0, 10) ?? '—'} · <span data-verbatim>{s.modalities.join('/')}</span>
                        {s.description && (
                          <>
                            {' '}
                            · <span data-verbatim>{s.description}</span>
                          </>
                        )}
                      </button>{' '}
                      <small className="muted">
                        {s.series} {say('series')} · {s.instances} {say('images')}
                      </small>
                    </li>
                  ))}
                </ul>
              )}
              {study && <StudyDetail key={study.id} study={study} lang={lang} patientId={patientId} />}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function StudyDetail({ study, lang, patientId }: { study: StudyView; lang: Lang; patientId: string }) {
  const say = (k: keyof typeof L) => L[k][lang];
  return (
    <div className="imaging-study" data-study={study.studyUid}>
      <figure className="imaging-key">
        {study.keyImage ? <KeyImage url={study.keyImage.url} lang={lang} /> : <p className="muted">{say('noImage')}</p>}
        <figcaption>
          {say('keyImage')}
          {study.viewerUrl && (
            <>
              {' · '}
              <a href={study.viewerUrl} target="_blank" rel="noopener noreferrer">
                {say('viewer')}
              </a>
            </>
          )}
        </figcaption>
      </figure>
      <div className="imaging-report">
        <h3>{say('report')}</h3>
        {study.reports.length === 0 && <p className="muted">{say('noReport')}</p>}
        {study.reports.map((r) => (
          <article key={r.id} data-report={r.id}>
            <p>
              <strong data-verbatim>{r.title}</strong>{' '}
              <small className="muted">{STATUS[r.status]?.[lang] ?? r.status}</small>
            </p>
            {r.text ? (
              <MarkedText text={r.text} facts={r.facts} lang={lang} />
            ) : (
              r.conclusion && (
                <p>
                  {say('impression')}: <span data-verbatim>{r.conclusion}</span>
                </p>
              )
            )}
            {r.facts.length > 0 && (
              <>
                <h4>{say('found')}</h4>
                <ul className="imaging-facts">
                  {r.facts.map((f) => (
                    <li key={f.id}>{factLabel(f, lang)}</li>
                  ))}
                </ul>
              </>
            )}
          </article>
        ))}
      </div>
      {study.keyImage && study.reports.length > 0 && (
        <SecondReader patientId={patientId} studyId={study.id} lang={lang} />
      )}
    </div>
  );
}

/**
 * The AI second reader, asked on purpose: its findings in a box of their own (dashed, tinted), each with
 * its verdict against the radiologist's report. Never shown as the report.
 */
function SecondReader({ patientId, studyId, lang }: { patientId: string; studyId: string; lang: Lang }) {
  const say = (k: keyof typeof L) => L[k][lang];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [read, setRead] = useState<SecondRead>();
  const ask = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setRead(
        await post<SecondRead>(
          `/api/patients/${encodeURIComponent(patientId)}/imaging/${encodeURIComponent(studyId)}/second-read`,
          {},
        ),
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <aside className="second-reader" aria-label={say('secondReader')}>
      <h3>{say('secondReader')}</h3>
      <p className="muted">{say('secondReaderNote')}</p>
      {error && <ErrorBox error={error} />}
      {!read && (
        <button type="button" disabled={busy} onClick={() => void ask()}>
          {busy ? say('reading') : say('askSecondReader')}
        </button>
      )}
      {read && read.suggestions.length === 0 && <p className="muted">{say('noSuggestions')}</p>}
      {read && read.suggestions.length > 0 && (
        <ul>
          {read.suggestions.map((s) => (
            <li key={JSON.stringify(s.finding)} data-verdict={s.verdict}>
              <span data-verbatim>{suggestionLabel(s, lang)}</span>{' '}
              <strong className={`verdict-${s.verdict}`}>{VERDICT[s.verdict][lang]}</strong>
              {s.conflicts.map((c) => (
                <small key={c.field} className="muted">
                  {' '}
                  · {FIELD[c.field][lang]}: {say('reportSays')} <span data-verbatim>{c.report}</span>,{' '}
                  {say('modelSays')} <span data-verbatim>{c.model}</span>
                </small>
              ))}
              {s.evidence[0]?.quote && (
                <small className="muted">
                  {' '}
                  · “<span data-verbatim>{s.evidence.map((e) => e.quote).join(' … ')}</span>”
                </small>
              )}
            </li>
          ))}
        </ul>
      )}
      {read?.model.model && (
        <small className="muted" data-verbatim>
          {read.model.provider} · {read.model.model}
        </small>
      )}
    </aside>
  );
}

function suggestionLabel(s: Suggestion, lang: Lang): string {
  const f = s.finding;
  const side = f.laterality ? (SIDE[f.laterality]?.[lang] ?? f.laterality) : undefined;
  const category = f.category ? `${f.category.scale} ${f.category.value}` : undefined;
  return [f.finding, f.sizeMm !== null ? `${f.sizeMm} mm` : undefined, side, f.site, category]
    .filter(Boolean)
    .join(lang === 'zh' ? '，' : ', ');
}

/**
 * The rendered frame, fetched with the workspace's credentials (session cookie or bearer key) and shown
 * as a data: URL, which the workspace's Content-Security-Policy allows for images (blob: it does not).
 */
function KeyImage({ url, lang }: { url: string; lang: Lang }) {
  const [src, setSrc] = useState<string>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    const bearer = sessionStorage.getItem('medseek.patientToken') ?? localStorage.getItem('medseek.apiKey');
    fetch(url, {
      credentials: 'same-origin',
      signal: controller.signal,
      headers: { Accept: 'image/jpeg', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
    })
      .then(async (res) => {
        if (!res.ok) throw new ApiError(`HTTP ${res.status}`, res.status);
        const blob = await res.blob();
        const dataUrl = await new Promise<string>((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result));
          reader.onerror = () => reject(reader.error);
          reader.readAsDataURL(blob);
        });
        if (!controller.signal.aborted) setSrc(dataUrl);
      })
      .catch(() => {
        if (!controller.signal.aborted) setFailed(true);
      });
    return () => controller.abort();
  }, [url]);
  if (failed) return <p className="muted">{L.imageFailed[lang]}</p>;
  return src ? <img src={src} alt={L.keyImage[lang]} className="imaging-image" /> : <p className="muted">…</p>;
}

/** The report text with each fact's span marked (title: what was read there). */
function MarkedText({ text, facts, lang }: { text: string; facts: Fact[]; lang: Lang }) {
  const spans = facts
    .flatMap((f) => {
      const s = f.sources[0];
      return s?.kind === 'text' ? [{ start: s.start, end: s.end, label: factLabel(f, lang), id: f.id }] : [];
    })
    .sort((a, b) => a.start - b.start);
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue; // overlapping spans: the first one is marked
    parts.push(text.slice(at, s.start));
    parts.push(
      <mark key={s.id} title={s.label} data-fact={s.id}>
        {text.slice(s.start, s.end)}
      </mark>,
    );
    at = s.end;
  }
  parts.push(text.slice(at));
  return (
    <pre className="imaging-text" data-verbatim>
      {parts}
    </pre>
  );
}

function factLabel(f: Fact, lang: Lang): string {
  const name = (lang === 'zh' ? f.concept.displayZh : f.concept.display) ?? f.concept.display ?? f.concept.code;
  const value = f.valueText ?? (f.value ? `${f.value.value} ${f.value.unit}` : '');
  const side = f.laterality ? SIDE[f.laterality]?.[lang] : undefined;
  return [name, value, side].filter(Boolean).join(lang === 'zh' ? '，' : ', ');
}
