import { describe, expect, it } from 'vitest';
import { LlmClient } from './client.js';
import { loadLlmConfig, redactedLlmConfig } from './config.js';

describe('model configuration', () => {
  it('is empty without any variable: MedSeek runs without a model', () => {
    const c = loadLlmConfig({});
    expect(c.providers).toEqual([]);
    expect(LlmClient.fromConfig(c).configured).toBe(false);
  });

  it('reads one OpenAI-compatible server from MEDSEEK_LLM_*, external unless trusted', () => {
    const c = loadLlmConfig({
      MEDSEEK_LLM_BASE_URL: 'http://gpu01:8000/v1',
      MEDSEEK_LLM_MODEL: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-32B',
      MEDSEEK_LLM_API_KEY: 'k',
    });
    expect(c.providers[0]).toMatchObject({
      name: 'server',
      kind: 'vllm',
      baseURL: 'http://gpu01:8000/v1',
      model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-32B',
      trust: 'external',
      jsonMode: 'json_schema',
      apiKey: 'k',
    });
    const local = loadLlmConfig({
      MEDSEEK_LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      MEDSEEK_LLM_MODEL: 'deepseek-r1:8b',
      MEDSEEK_LLM_TRUST: 'local',
    });
    expect(local.providers[0]).toMatchObject({ kind: 'ollama', trust: 'local' });
  });

  it('adds DeepSeek from DEEPSEEK_API_KEY, always external, reasoner without response_format', () => {
    const c = loadLlmConfig({ DEEPSEEK_API_KEY: 'sk-x', MEDSEEK_LLM_TRUST: 'local' });
    expect(c.providers[0]).toMatchObject({
      name: 'deepseek',
      kind: 'deepseek',
      baseURL: 'https://api.deepseek.com',
      model: 'deepseek-chat',
      trust: 'external',
      jsonMode: 'json_object',
    });
    const r = loadLlmConfig({ DEEPSEEK_API_KEY: 'sk-x', MEDSEEK_DEEPSEEK_MODEL: 'deepseek-reasoner' });
    expect(r.providers[0]).toMatchObject({ model: 'deepseek-reasoner', jsonMode: 'none' });
  });

  it('adds an in-process GGUF model, always local', () => {
    const c = loadLlmConfig({ MEDSEEK_LLM_GGUF: '/models/qwen-7b-q4.gguf' });
    expect(c.providers[0]).toMatchObject({
      kind: 'gguf',
      trust: 'local',
      path: '/models/qwen-7b-q4.gguf',
      model: 'qwen-7b-q4.gguf',
      concurrency: 1,
    });
  });

  it('reads several providers from a config file, keys from the environment', () => {
    const file = JSON.stringify({
      providers: [
        {
          name: 'ward-vllm',
          preset: 'vllm',
          baseURL: 'http://10.0.0.5:8000/v1',
          model: 'qwen',
          trust: 'local',
          concurrency: 32,
        },
        { name: 'ds', preset: 'deepseek', apiKeyEnv: 'DS_KEY', trust: 'local', price: { input: 1, output: 2 } },
      ],
      external: 'never',
      retry: { attempts: 5 },
    });
    const c = loadLlmConfig({ DS_KEY: 'sk-file' }, file);
    expect(c.providers.map((p) => [p.name, p.trust, p.concurrency])).toEqual([
      ['ward-vllm', 'local', 32],
      ['ds', 'external', 8],
    ]);
    expect(c.providers[1]!.apiKey).toBe('sk-file');
    expect(c).toMatchObject({ external: 'never', retry: { attempts: 5, baseDelayMs: 250 } });
    expect(JSON.stringify(redactedLlmConfig(c))).not.toContain('sk-file');
  });

  it('names the field and the entry when the file is wrong', () => {
    expect(() => loadLlmConfig({}, '{"providers": [{"preset": "vllm", "model": "m", "concurrency": 0}]}')).toThrow(
      /providers\.0\.concurrency/,
    );
    expect(() => loadLlmConfig({}, '{"providers": [{"preset": "deepseek", "apiKeyEnv": "NOPE"}]}')).toThrow(
      /providers\[0\].*NOPE is not set/,
    );
    expect(() => loadLlmConfig({}, '{"providers": [{"model": "m"}]}')).toThrow(/providers\[0\].*preset/);
    expect(() => loadLlmConfig({}, 'nope')).toThrow(/not JSON/);
    expect(() => loadLlmConfig({ MEDSEEK_LLM_BASE_URL: 'http://x:1/v1', MEDSEEK_LLM_KIND: 'gpt' })).toThrow(
      /MEDSEEK_LLM_KIND/,
    );
  });
});
