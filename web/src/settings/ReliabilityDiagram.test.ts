import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { ReliabilityDiagram } from './ReliabilityDiagram.js';

it('draws one point per bin at (mean predicted, observed), sized by its cases, with the diagonal and a legend', () => {
  const svg = renderToStaticMarkup(
    createElement(ReliabilityDiagram, {
      title: 'ward-5',
      axes: { predicted: 'predicted', observed: 'observed' },
      series: [
        {
          label: 'raw',
          color: '#999',
          bins: [
            { from: 0.9, to: 1, n: 40, meanConfidence: 0.95, accuracy: 0.5 },
            { from: 0.5, to: 0.6, n: 10, meanConfidence: 0.55, accuracy: 0.5 },
          ],
        },
        {
          label: 'calibrated',
          color: '#15c',
          bins: [{ from: 0.5, to: 0.6, n: 50, meanConfidence: 0.52, accuracy: 0.5 }],
        },
      ],
    }),
  );
  expect(svg).toContain('aria-label="ward-5"');
  // 240 px square, 36 px padding: x = 36 + 168·p, y = 204 − 168·p.
  // Radius 2 + 6·√(n / the most cases of any bin): 40 of 50 → 7.4, 10 → 4.7, 50 → 8.
  expect(svg).toContain('<circle cx="195.6" cy="120" r="7.4"');
  expect(svg).toContain('<circle cx="128.4" cy="120" r="4.7"');
  expect(svg).toContain('<circle cx="123.36" cy="120" r="8"');
  expect(svg).toContain('<line x1="36" y1="204" x2="204" y2="36"');
  expect(svg).toContain('n = 40');
  expect(svg).toContain('>calibrated</text>');
});
