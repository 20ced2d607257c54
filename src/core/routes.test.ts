import { describe, expect, it } from 'vitest';
import { routeOf, routeWords } from './routes.js';

describe('route map', () => {
  it.each([
    ['口服', 'PO', '26643006'],
    ['PO', 'PO', '26643006'],
    ['by mouth', 'PO', '26643006'],
    ['Oral route', 'PO', '26643006'],
    ['iv', 'IV', '47625008'],
    ['i.v.', 'IV', '47625008'],
    ['静滴', 'IVGTT', '47625008'],
    ['im', 'IM', '78421000'],
    ['皮下注射', 'SC', '34206005'],
    ['ih', 'SC', '34206005'],
    ['雾化吸入', 'INH', '447694001'],
    ['18679011000001101', 'INH', '447694001'],
    ['舌下含服', 'SL', '37839007'],
    ['外用', 'TOP', '6064005'],
    ['topical use', 'TOP', '6064005'],
    ['纳肛', 'PR', '37161004'],
    ['鼻饲', 'NG', '127492001'],
    ['滴眼', 'OP', '54485002'],
  ])('%s → %s (SNOMED CT %s)', (written, code, snomed) => {
    expect(routeOf(written)).toMatchObject({ code, snomed });
  });

  it('gives IV push and drip one route name and one SNOMED CT code', () => {
    expect(routeOf('静推')?.name).toBe(routeOf('静脉滴注')?.name);
    expect(routeOf('IVGTT')?.snomed).toBe(routeOf('IV')?.snomed);
  });

  it('keeps words too ambiguous for prose (静脉 is also "vein") out of the text forms', () => {
    const inText = new Set(routeWords().map(([w]) => w));
    expect(inText.has('静滴')).toBe(true);
    expect(inText.has('静脉')).toBe(false);
    expect(routeOf('静脉')?.code).toBe('IV');
  });

  it('knows no route it was not given', () => {
    expect(routeOf('intrathecal')).toBeUndefined();
    expect(routeOf(undefined)).toBeUndefined();
  });
});
