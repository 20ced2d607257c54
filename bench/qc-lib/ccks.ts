import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BaseRecord, type Half, parseCleanRecord } from './records.js';

/**
 * Records built around real hospital text: each frame in bench/data/qc/ccks/ is a clean record written
 * for this bench whose 首次病程记录 病例特点 and 出院记录 诊疗经过 / 出院情况 are the sections of one
 * CCKS 2017 record (`{{ccks:病史特点}}`), filled in from ../shared/data/emr-ccks2017-ner at run time
 * (the CCKS text is not copied into this repository; its licence is unknown, research use). They are dev
 * records since 2026-12-06 (bench/data/qc/README.md).
 */
export function loadCcksRecords(framesDir: string, ccksJsonl: string, half: Half = 'dev'): BaseRecord[] {
  if (!existsSync(framesDir) || !existsSync(ccksJsonl)) return [];
  const sections = new Map<number, Record<string, { text: string }>>();
  for (const line of readFileSync(ccksJsonl, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { id: number; sections: Record<string, { text: string }> };
    sections.set(r.id, r.sections);
  }
  const out: BaseRecord[] = [];
  for (const name of readdirSync(framesDir).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = join(framesDir, name);
    const frame = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const id = frame.ccksId;
    if (typeof id !== 'number') throw new Error(`${file}: field ccksId: the CCKS record id (a number) is required`);
    const secs = sections.get(id);
    if (!secs) throw new Error(`${file}: field ccksId: record ${id} is not in ${ccksJsonl}`);
    const filled = JSON.stringify(frame).replace(/\{\{ccks:([^}]+)\}\}/g, (_m, sec: string) => {
      const t = secs[sec]?.text;
      if (t === undefined) throw new Error(`${file}: placeholder {{ccks:${sec}}}: CCKS record ${id} has no ${sec}`);
      return JSON.stringify(t.trim()).slice(1, -1);
    });
    const { ccksId: _c, ...rec } = JSON.parse(filled) as Record<string, unknown>;
    out.push(parseCleanRecord(rec, file, 'ccks', half));
  }
  return out;
}
