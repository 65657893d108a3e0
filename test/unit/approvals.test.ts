import { describe, expect, it } from 'vitest'
import { checkAnswers, policyDecision, recordedAnswers, type ApprovalRequest } from '../../src/main/core/lanes/approvals'

const command: ApprovalRequest = {
  type: 'approval.requested',
  requestId: 'r1',
  title: 'Run ls',
  readOnly: true,
  options: [
    { id: 'allow', label: 'Allow', kind: 'allow_once' },
    { id: 'deny', label: 'Deny', kind: 'reject_once' },
  ],
}

const questions: ApprovalRequest = {
  type: 'approval.requested',
  requestId: 'r2',
  title: 'Claude asks 3 questions',
  options: [
    { id: 'answer', label: 'Answer', kind: 'other' },
    { id: 'deny', label: 'Decline', kind: 'reject_once' },
  ],
  questions: [
    { id: 'db', question: 'Which database?', options: [{ label: 'Postgres' }, { label: 'SQLite' }] },
    { id: 'extras', question: 'Which extras?', options: [{ label: 'Auth' }, { label: 'Admin' }], multiSelect: true, other: true },
    { id: 'token', question: 'Your token?', options: [], secret: true },
  ],
}

describe('approval policy', () => {
  it('auto-approves reads under auto_reads, everything under auto_all, nothing under ask', () => {
    expect(policyDecision('ask', command)).toBeUndefined()
    expect(policyDecision('auto_reads', command)).toBe('allow')
    expect(policyDecision('auto_reads', { ...command, readOnly: false })).toBeUndefined()
    expect(policyDecision('auto_all', { ...command, readOnly: false })).toBe('allow')
  })

  it('never answers questions for the user', () => {
    expect(policyDecision('auto_all', questions)).toBeUndefined()
    expect(policyDecision('auto_all', { ...questions, options: [...questions.options, { id: 'yes', label: 'Yes', kind: 'allow_once' }] })).toBeUndefined()
  })
})

describe('answers to questions', () => {
  const full = { db: ['SQLite'], extras: ['Auth', 'my own'], token: ['hunter2'] }

  it('takes an answer to every question: option labels, typed text where the question allows it', () => {
    expect(checkAnswers(questions, 'answer', full)).toEqual({ ok: true, answers: full })
  })

  it('refuses what the agent could not take, saying which question', () => {
    const refused = (answers: Record<string, string[]> | undefined, optionId = 'answer') => {
      const r = checkAnswers(questions, optionId, answers)
      return r.ok ? undefined : r.message
    }
    expect(refused({ ...full, db: [] })).toBe('“Which database?” needs an answer')
    expect(refused({ ...full, db: ['  '] })).toBe('“Which database?” needs an answer')
    expect(refused({ extras: ['Auth'], token: ['x'] })).toBe('“Which database?” needs an answer')
    expect(refused({ ...full, db: ['Postgres', 'SQLite'] })).toBe('“Which database?” takes one answer')
    expect(refused({ ...full, db: ['MySQL'] })).toBe('“Which database?” has no option "MySQL"')
    expect(refused({ ...full, nope: ['x'] })).toBe('No question nope in request r2')
    expect(refused(full, 'deny')).toBe('Option deny takes no answers')
    expect(checkAnswers(command, 'allow', { a: ['b'] })).toMatchObject({ ok: false })
  })

  it('declining sends nothing; a request without questions takes none', () => {
    expect(checkAnswers(questions, 'deny', undefined)).toEqual({ ok: true })
    expect(checkAnswers(command, 'allow', undefined)).toEqual({ ok: true })
  })

  it('the transcript keeps answers, a secret one masked', () => {
    expect(recordedAnswers(questions, full)).toEqual({ db: ['SQLite'], extras: ['Auth', 'my own'], token: ['•••'] })
  })
})
