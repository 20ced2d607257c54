/** One bin of a reliability curve, as src/learning/evaluation.ts reports it. */
export interface ReliabilityBin {
  from: number;
  to: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

export interface ReliabilitySeries {
  label: string;
  color: string;
  bins: readonly ReliabilityBin[];
}

const SIZE = 240;
const PAD = 36;
const INNER = SIZE - 2 * PAD;
const x = (p: number) => PAD + p * INNER;
const y = (p: number) => SIZE - PAD - p * INNER;

/**
 * A reliability diagram drawn as plain SVG: observed share correct (y) against mean predicted probability (x)
 * per bin, each point's area proportional to its cases, with the diagonal of perfect calibration. Points above
 * the diagonal are under-confident, below it over-confident.
 */
export function ReliabilityDiagram({
  title,
  series,
  axes,
}: {
  title: string;
  series: readonly ReliabilitySeries[];
  axes: { predicted: string; observed: string };
}) {
  const most = Math.max(1, ...series.flatMap((s) => s.bins.map((b) => b.n)));
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <svg
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      width={SIZE}
      height={SIZE}
      role="img"
      aria-label={title}
      className="reliability"
      style={{ fontSize: 10 }}
    >
      <title>{title}</title>
      <rect x={PAD} y={PAD} width={INNER} height={INNER} fill="none" stroke="#ccc" />
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={y(0)} y2={y(0) + 4} stroke="#999" />
          <text x={x(t)} y={y(0) + 14} textAnchor="middle">
            {t}
          </text>
          <line x1={x(0) - 4} x2={x(0)} y1={y(t)} y2={y(t)} stroke="#999" />
          <text x={x(0) - 6} y={y(t) + 3} textAnchor="end">
            {t}
          </text>
        </g>
      ))}
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="#999" strokeDasharray="4 3" />
      <text x={x(0.5)} y={SIZE - 4} textAnchor="middle">
        {axes.predicted}
      </text>
      <text x={10} y={y(0.5)} textAnchor="middle" transform={`rotate(-90 10 ${y(0.5)})`}>
        {axes.observed}
      </text>
      {series.map((s) => (
        <g key={s.label} data-series={s.label}>
          <polyline
            fill="none"
            stroke={s.color}
            strokeWidth={1.5}
            points={s.bins.map((b) => `${x(b.meanConfidence)},${y(b.accuracy)}`).join(' ')}
          />
          {s.bins.map((b) => (
            <circle
              key={b.from}
              cx={x(b.meanConfidence)}
              cy={y(b.accuracy)}
              r={Number((2 + 6 * Math.sqrt(b.n / most)).toFixed(1))}
              fill={s.color}
              fillOpacity={0.5}
            >
              <title>{`${s.label}: ${b.from.toFixed(1)}–${b.to.toFixed(1)} · n = ${b.n} · ${b.meanConfidence.toFixed(
                3,
              )} → ${b.accuracy.toFixed(3)}`}</title>
            </circle>
          ))}
        </g>
      ))}
      {series.map((s, i) => (
        <g key={`legend-${s.label}`}>
          <circle cx={PAD + 6} cy={PAD + 10 + 14 * i} r={4} fill={s.color} />
          <text x={PAD + 14} y={PAD + 13 + 14 * i}>
            {s.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
