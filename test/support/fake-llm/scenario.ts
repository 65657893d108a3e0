/**
 * What the fake LLM answers, decided from markers in the user's prompt, the same for every wire API:
 *   RUN:<cmd>         call the agent's own shell tool with <cmd>; after the result, answer TOOL_DONE: <output>
 *   ASK:<q>|<a>,<b>   ask the user <q> with options a, b through the agent's question tool (Claude's
 *                     AskUserQuestion; Codex's request_user_input, which it runs in Plan mode only);
 *                     after the answer, TOOL_DONE: <tool result>
 *   SLOW:<n>          stream n chunks ("tick 1 " …), 150 ms apart (for interrupting mid-stream)
 *   REMEMBER:<word>   (plain text) … and later RECALL: answer RECALLED: <word> if an earlier message of the
 *                     request holds REMEMBER:<word>, else RECALLED: nothing (proves the agent kept context)
 *   ORCHESTRATE:<workspaceId>|<profileId>|<task>
 *                     drive Switchyard's MCP tools (whatever prefix the agent gives them): create_lane with
 *                     the task as its prompt, then wait_for_lane, then answer CHILD_SAID: <the child's
 *                     answer>; a create that returns no lane answers ORCHESTRATE_FAILED: <its result>
 *   TOOLS?            answer TOOLS: <the names of the tools the agent offered>
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
  const orchestrate = /ORCHESTRATE:([^|\s]+)\|([^|\s]+)\|(.+)$/m.exec(c.lastUser)
  if (orchestrate) return orchestration(c, orchestrate[1], orchestrate[2], orchestrate[3].trim(), text)
  if (/TOOLS\?/.test(c.lastUser)) return text(`TOOLS: ${c.tools.join(', ')}`)
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

/** The steps of ORCHESTRATE, chosen by how many tool results came back since the prompt. */
function orchestration(c: Conversation, workspaceId: string, profileId: string, task: string, text: (s: string) => Decision): Decision {
  const tool = (suffix: string) => c.tools.find((t) => t === suffix || t.endsWith(`__${suffix}`) || t.endsWith(`.${suffix}`))
  const create = tool('create_lane')
  const wait = tool('wait_for_lane')
  if (!create || !wait) return text(`NO_SWITCHYARD_TOOLS among: ${c.tools.join(', ')}`)
  const [created, waited] = c.toolResults
  if (created === undefined) {
    return { type: 'tool', name: create, args: { workspaceId, profileId, title: 'child', prompt: task, worktree: { enabled: false } }, callId: `call_fake_${++calls}` }
  }
  // The lane comes back as JSON, possibly escaped once more inside the agent's own result format.
  const laneId = /\\?"id\\?":\s*\\?"([A-Za-z0-9_-]+)/.exec(created)?.[1]
  if (!laneId) return text(`ORCHESTRATE_FAILED: ${created}`)
  if (waited === undefined) return { type: 'tool', name: wait, args: { laneId, timeoutSeconds: 60 }, callId: `call_fake_${++calls}` }
  return text(`CHILD_SAID: ${waited}`)
}

/** A few chunks, so agents see real streaming deltas. */
function splitChunks(s: string): string[] {
  const out: string[] = []
  for (let i = 0; i < s.length; i += 12) out.push(s.slice(i, i + 12))
  return out.length ? out : ['']
}

/** Token usage the fake reports for any reply, so usage plumbing has numbers to carry. */
export const FAKE_USAGE = { input: 120, output: 30 }
