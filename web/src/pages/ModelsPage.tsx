import { get } from '../api.js';
import { Show, useLoad } from '../components/Async.js';
import { useI18n } from '../i18n.js';

interface Call {
  id: string;
  at: string;
  purpose?: string;
  provider: string;
  model: string;
  deidentified: boolean;
  cached: boolean;
  ok: boolean;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  error?: string;
}

/** Which model produced what, and whether the text sent to it was de-identified. */
export function ModelsPage() {
  const { t, lang } = useI18n();
  const state = useLoad(
    () =>
      get<{
        providers: { name: string; kind: string; model: string; trust: string; circuit: string }[];
        calls: Call[];
      }>('/api/llm/calls'),
    'calls',
  );
  return (
    <section className="page">
      <h1>{t('models')}</h1>
      <Show state={state}>
        {({ providers, calls }) => (
          <>
            <h2>{lang === 'zh' ? '已配置的模型' : 'Configured models'}</h2>
            {providers.length === 0 ? (
              <p className="muted">
                {lang === 'zh'
                  ? '未配置模型：所有结果来自确定性方法（模板、规则、知识图谱）。'
                  : 'No model configured: every output comes from the deterministic path (templates, rules, knowledge graph).'}
              </p>
            ) : (
              <ul>
                {providers.map((p) => (
                  <li key={p.name}>
                    {p.name} · {p.kind} · {p.model} · {p.trust} · {p.circuit}
                  </li>
                ))}
              </ul>
            )}
            <h2>{lang === 'zh' ? '调用记录' : 'Calls'}</h2>
            <table className="calls">
              <thead>
                <tr>
                  <th>{lang === 'zh' ? '时间' : 'When'}</th>
                  <th>{lang === 'zh' ? '用途' : 'Purpose'}</th>
                  <th>{lang === 'zh' ? '模型' : 'Model'}</th>
                  <th>{t('deidentified')}</th>
                  <th>{lang === 'zh' ? '结果' : 'Outcome'}</th>
                  <th>{lang === 'zh' ? '令牌数' : 'Tokens'}</th>
                </tr>
              </thead>
              <tbody>
                {calls.map((c) => (
                  <tr key={c.id}>
                    <td>{c.at.replace('T', ' ').slice(0, 19)}</td>
                    <td>{c.purpose}</td>
                    <td>
                      {c.provider} / {c.model}
                    </td>
                    <td>{c.deidentified ? '✓' : '—'}</td>
                    <td>{c.ok ? (c.cached ? 'cache' : 'ok') : (c.error ?? 'failed')}</td>
                    <td>{(c.promptTokens ?? 0) + (c.completionTokens ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Show>
    </section>
  );
}
