import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Debian's speech tools for tests: espeak-ng makes a recording, sox resamples it, pocketsphinx
 * (0.8, with its en-us acoustic model) recognises it. Found on PATH; `missingSpeechTools()` says
 * which are absent so a test can skip with a clear message (or fail under CI).
 */
const run = promisify(execFile);

export const SPEECH_TOOLS = ['espeak-ng', 'sox', 'pocketsphinx_continuous'] as const;

export function onPath(bin: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

export function missingSpeechTools(tools: readonly string[] = SPEECH_TOOLS): string[] {
  return tools.filter((t) => !onPath(t));
}

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'medseek-speech-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `text` spoken by espeak-ng as a WAV file (22,050 Hz mono). Slow (120 wpm) US English is recognised best. */
export async function espeakWav(text: string, options: { voice?: string; wpm?: number } = {}): Promise<Buffer> {
  return inTempDir(async (dir) => {
    const out = join(dir, 'speech.wav');
    await run('espeak-ng', ['-v', options.voice ?? 'en-us', '-s', String(options.wpm ?? 120), '-w', out, text]);
    return readFile(out);
  });
}

/**
 * The vocabulary pocketsphinx listens for: a short complaint (symptoms, body parts, durations). Its
 * general language model turns espeak-ng's voice into nonsense ("I have a cough and a fever" came
 * back as "i cannot got any of the loop"); held to these words it hears the key words.
 */
const GRAMMAR = `#JSGF V1.0;
grammar complaint;
public <utterance> = <word>+;
<word> = i | have | a | an | and | my | the | it | is | for | since | no | yes | not | three | two | days | week |
  yesterday | cough | fever | headache | pain | chest | head | hurts | sore | throat | short | of | breath | rash |
  nausea | vomiting | dizzy | tired | back | stomach | ache | cold | chills;
`;

/**
 * What pocketsphinx hears in a WAV recording: resampled to 16 kHz mono 16-bit (what its en-us model
 * wants) with a little silence either side, decoded against the complaint grammar. A low word
 * insertion penalty keeps it from filling gaps with short words.
 */
export async function pocketsphinxTranscribe(wav: Uint8Array): Promise<string> {
  return inTempDir(async (dir) => {
    const input = join(dir, 'in.wav');
    const pcm = join(dir, 'in16.wav');
    const grammar = join(dir, 'complaint.gram');
    await writeFile(input, wav);
    await writeFile(grammar, GRAMMAR);
    await run('sox', [input, '-r', '16000', '-c', '1', '-b', '16', pcm, 'pad', '0.3', '0.3']);
    const { stdout } = await run('pocketsphinx_continuous', ['-infile', pcm, '-jsgf', grammar, '-wip', '1e-3'], {
      maxBuffer: 1024 * 1024,
    });
    return stdout.replace(/\s+/g, ' ').trim();
  });
}

/** A WAV file of a pure tone (16 kHz mono 16-bit PCM), for tests that need audio but no speech tools. */
export function toneWav(ms: number, hz = 440): Buffer {
  const rate = 16_000;
  const n = Math.round((rate * ms) / 1000);
  const out = Buffer.alloc(44 + n * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + n * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  return out;
}
