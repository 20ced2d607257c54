/**
 * DeepSeek-R1 and its distills think before they answer. The DeepSeek API returns the thought as
 * `reasoning_content`; local servers (vLLM without a reasoning parser, Ollama, llama.cpp) often
 * leave it inline as `<think>…</think>`. Either way MedSeek keeps it apart from the answer and
 * stores it as the model's rationale (core `ModelUse.rationale`).
 */

const OPEN = '<think>';
const CLOSE = '</think>';

/** Splits a complete answer into reasoning and content. An unclosed `<think>` is all reasoning. */
export function splitThink(text: string): { content: string; reasoning?: string } {
  const parts: string[] = [];
  let content = '';
  let rest = text;
  // R1 distills sometimes omit the opening tag (the template adds it): a lone `</think>` closes
  // everything before it.
  const firstOpen = rest.indexOf(OPEN);
  const firstClose = rest.indexOf(CLOSE);
  if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen)) {
    parts.push(rest.slice(0, firstClose));
    rest = rest.slice(firstClose + CLOSE.length);
  }
  for (;;) {
    const open = rest.indexOf(OPEN);
    if (open < 0) {
      content += rest;
      break;
    }
    content += rest.slice(0, open);
    const close = rest.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) {
      parts.push(rest.slice(open + OPEN.length));
      break;
    }
    parts.push(rest.slice(open + OPEN.length, close));
    rest = rest.slice(close + CLOSE.length);
  }
  const reasoning = parts
    .map((p) => p.trim())
    .filter(Boolean)
    .join('\n\n');
  return reasoning ? { content: content.trim(), reasoning } : { content: content.trim() };
}

/**
 * The same split for a stream: feed chunks as they come, get back what is answer and what is
 * thought, with tags that straddle chunk boundaries held back until they are complete.
 */
export class ThinkStreamSplitter {
  private inThink = false;
  private pending = '';

  push(chunk: string): { content: string; reasoning: string } {
    let text = this.pending + chunk;
    this.pending = '';
    let content = '';
    let reasoning = '';
    while (text.length > 0) {
      const tag = this.inThink ? CLOSE : OPEN;
      const at = text.indexOf(tag);
      if (at >= 0) {
        if (this.inThink) reasoning += text.slice(0, at);
        else content += text.slice(0, at);
        this.inThink = !this.inThink;
        text = text.slice(at + tag.length);
        continue;
      }
      // Hold back a suffix that could be the start of the tag.
      let keep = 0;
      for (let k = Math.min(tag.length - 1, text.length); k > 0; k--) {
        if (tag.startsWith(text.slice(-k))) {
          keep = k;
          break;
        }
      }
      const emit = text.slice(0, text.length - keep);
      if (this.inThink) reasoning += emit;
      else content += emit;
      this.pending = text.slice(text.length - keep);
      break;
    }
    return { content, reasoning };
  }

  /** What is left at the end of the stream. */
  flush(): { content: string; reasoning: string } {
    const rest = this.pending;
    this.pending = '';
    return this.inThink ? { content: '', reasoning: rest } : { content: rest, reasoning: '' };
  }
}
