import { readFileSync } from 'node:fs';
import type { Bilingual } from '../../core/index.js';

let plainQuestions_: Record<string, Bilingual> | undefined;

/** Plain-language questions per DDXPlus evidence code (data/plain-questions.json). */
export function plainQuestions(): Record<string, Bilingual> {
  plainQuestions_ ??= (
    JSON.parse(readFileSync(new URL('./data/plain-questions.json', import.meta.url), 'utf8')) as {
      questions: Record<string, Bilingual>;
    }
  ).questions;
  return plainQuestions_;
}
