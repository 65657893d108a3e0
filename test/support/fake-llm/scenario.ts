/**
 * What the fake LLM answers, decided from markers in the user's prompt, the same for every wire API:
 *   RUN:<cmd>         call the agent's own shell tool with <cmd>; after the result, answer TOOL_DONE: <output>
 *   ASK:<q>|<a>,<b>   ask the user <q> with options a, b through the agent's question tool (Claude's
 *                     AskUserQuestion; Codex's request_user_input, which it runs in Plan mode only);
 *                     after the answer, TOOL_DONE: <tool result>
 *   SLOW:<n>          stream n chunks ("tick 1 " …), 150 ms apart (for interrupting mid-stream)
 *   REMEMBER:<word>   (plain text) … and later RECALL: answer RECALLED: <word> if an earlier message of the
 *                     request holds REMEMBER:<word>, else RECALLED: nothing (proves the agent kept context)
 *   anything else     ECHO: <prompt>
 */

/** A request, reduced to what the decision needs. Protocol modules build it from their wire format. */
export interface Conversation {
  /** Text of the newest user message. */
  lastUser: string
  /** Results of tool calls made after the newest user message. */
  toolResults: string[]
  /** Names of the tools the agent offered. */
  tools: string[]
  /** Every text of the request before the newest user message (history, system prompt). */
  earlier: string
}

export type Decision =
  | { type: 'text'; chunks: string[]; delayMs: number }
  | { type: 'tool'; name: string; args: Record<string, unknown>; callId: string }

/** The argument shape of each agent's shell tool, by tool name. */
const SHELL_TOOLS: Record<string, (cmd: string) => Record<string, unknown>> = {
  exec_command: (cmd) => ({ cmd }), // codex
  shell: (cmd) => ({ command: ['bash', '-lc', cmd] }), // codex, older tool mode
  Bash: (cmd) => ({ command: cmd, description: 'fake-llm scripted command' }), // claude
  bash: (cmd) => ({ command: cmd }), // pi
  run_shell_command: (cmd) => ({ command: cmd, description: 'fake-llm scripted command' }), // gemini
}

/** The argument shape of each agent's tool for asking the user, by tool name. */
const QUESTION_TOOLS: Record<string, (question: string, labels: string[]) => Record<string, unknown>> = {
  AskUserQuestion: (question, labels) => ({
    questions: [{ question, header: 'Choice', multiSelect: false, options: labels.map((label) => ({ label, description: `pick ${label}` })) }],
  }),
  request_user_input: (question, labels) => ({
    questions: [{ id: 'choice', header: 'Choice', question, options: labels.map((label) => ({ label, description: `pick ${label}` })) }],
  }),
}

let calls = 0

export function decide(c: Conversation): Decision {
  const text = (s: string): Decision => ({ type: 'text', chunks: splitChunks(s), delayMs: 0 })
  if (c.toolResults.length > 0) return text(`TOOL_DONE: ${c.toolResults.join('\n')}`)
  const run = /RUN:(.+)$/m.exec(c.lastUser)
  if (run) {
    const name = Object.keys(SHELL_TOOLS).find((t) => c.tools.includes(t))
    if (!name) return text(`NO_SHELL_TOOL among: ${c.tools.join(', ')}`)
    return { type: 'tool', name, args: SHELL_TOOLS[name](run[1].trim()), callId: `call_fake_${++calls}` }
  }
  const ask = /ASK:([^|\n]+)\|(.+)$/m.exec(c.lastUser)
  if (ask) {
    const name = Object.keys(QUESTION_TOOLS).find((t) => c.tools.includes(t))
    if (!name) return text(`NO_QUESTION_TOOL among: ${c.tools.join(', ')}`)
    const args = QUESTION_TOOLS[name](ask[1].trim(), ask[2].split(',').map((l) => l.trim()))
    return { type: 'tool', name, args, callId: `call_fake_${++calls}` }
  }
  const slow = /SLOW:(\d+)/.exec(c.lastUser)
  if (slow) return { type: 'text', chunks: Array.from({ length: Number(slow[1]) }, (_, i) => `tick ${i + 1} `), delayMs: 150 }
  if (/RECALL/.test(c.lastUser) && !/REMEMBER:/.test(c.lastUser)) {
    const word = /REMEMBER:([\w-]+)/.exec(c.earlier)?.[1]
    return text(`RECALLED: ${word ?? 'nothing'}`)
  }
  return text(`ECHO: ${c.lastUser.trim()}`)
}

/** A few chunks, so agents see real streaming deltas. */
function splitChunks(s: string): string[] {
  const out: string[] = []
  for (let i = 0; i < s.length; i += 12) out.push(s.slice(i, i + 12))
  return out.length ? out : ['']
}

/** Token usage the fake reports for any reply, so usage plumbing has numbers to carry. */
export const FAKE_USAGE = { input: 120, output: 30 }
