import { describe, expect, it } from 'vitest'
import { describeTool } from '../../src/main/core/agents/claude-content'
import { toolKindOf } from '../../src/main/core/agents/acp-content'
import { translatePi } from '../../src/main/core/agents/pi'

// Tool names come from the agent: one named like a built-in of Object is an unknown tool, not a function.
describe('tool kinds from agent-supplied names', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`"${name}" is a tool of kind other`, () => {
      expect(describeTool(name, {}).toolKind).toBe('other')
      expect(toolKindOf(name)).toBe('other')
      const started = translatePi([{ type: 'agent_start' }, { type: 'tool_execution_start', toolCallId: 't1', toolName: name, args: {} }])
      expect(started.find((e) => e.type === 'tool.started')).toMatchObject({ toolKind: 'other' })
    })
  }
  it('known names keep their kinds', () => {
    expect(describeTool('Bash', { command: 'ls' }).toolKind).toBe('execute')
    expect(toolKindOf('read')).toBe('read')
  })
})
