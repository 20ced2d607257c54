import { LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Lang } from '../i18n.js';
import type { Fact } from '../types.js';
import { factName, formatNumber, unitLabel } from './facts.js';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkAreaComponent, MarkLineComponent, SVGRenderer]);

/** One lab's values over time, with its reference range shaded and critical limits (when known) as red lines. */
export function LabChart({
  facts,
  lang,
  critical,
}: {
  facts: Fact[];
  lang: Lang;
  critical?: Record<string, { low?: number; high?: number }>;
}) {
  const series = useMemo(() => {
    const by = new Map<string, Fact[]>();
    for (const f of facts) {
      if (!f.time?.start || !f.value) continue;
      const k = f.concept.code;
      by.set(k, [...(by.get(k) ?? []), f]);
    }
    return [...by.entries()]
      .map(([code, fs]) => ({ code, facts: fs.sort((a, b) => a.time!.start!.localeCompare(b.time!.start!)) }))
      .sort((a, b) => b.facts.length - a.facts.length);
  }, [facts]);
  const [code, setCode] = useState<string | undefined>(undefined);
  const chosen = series.find((s) => s.code === code) ?? series[0];
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || !chosen) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'svg', locale: lang === 'zh' ? 'ZH' : 'EN' });
    const unit = unitLabel(chosen.facts[0]?.value?.unit ?? '', lang);
    const range = chosen.facts.find((f) => f.referenceRange)?.referenceRange;
    const crit = critical?.[chosen.code];
    chart.setOption({
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v)),
      },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: unit, scale: true },
      series: [
        {
          type: 'line',
          data: chosen.facts.map((f) => [f.time!.start, f.value!.value]),
          markArea:
            range && (range.low !== undefined || range.high !== undefined)
              ? {
                  silent: true,
                  itemStyle: { color: 'rgba(46, 160, 67, 0.12)' },
                  data: [[{ yAxis: range.low ?? 0 }, { yAxis: range.high ?? range.low }]],
                }
              : undefined,
          markLine: crit
            ? {
                symbol: 'none',
                lineStyle: { color: '#c62828', type: 'dashed' },
                data: [crit.low, crit.high].filter((v) => v !== undefined).map((v) => ({ yAxis: v })),
              }
            : undefined,
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [chosen, critical, lang]);
  if (!chosen) return <p className="muted">—</p>;
  return (
    <div className="lab-chart">
      <select
        aria-label={lang === 'zh' ? '检验项目' : 'Lab test'}
        value={chosen.code}
        onChange={(e) => setCode(e.target.value)}
      >
        {series.map((s) => (
          <option key={s.code} value={s.code}>
            {factName(s.facts[0]!, lang)} ({s.facts.length})
          </option>
        ))}
      </select>
      <div ref={el} className="chart" role="img" aria-label={factName(chosen.facts[0]!, lang)} />
    </div>
  );
}
