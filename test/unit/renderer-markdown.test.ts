import { createElement, type ReactElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it as test } from 'vitest'
import { MarkdownBlocks, MarkdownStream } from '../../src/renderer/ui/Markdown'

/**
 * A streaming message parses only its tail on each delta (finished blocks render once): at every
 * step it must show exactly what parsing the whole text shows.
 */

/** The text parsed whole, in one piece. */
const whole = (text: string) => renderToStaticMarkup(createElement('div', { className: 'md' }, createElement(MarkdownBlocks, { text })))

const SAMPLES = [
  [
    '## The fix\n\nFound it: `attempt++ >= opts.retries` compares **before** incrementing.',
    '\n\n- pre-increment the counter\n- only retry errors that `isRetryable()` accepts\n\n',
    '1. first\n2. second\n\n   still the second item\n\n3. third\n\nAfter the list, a paragraph\nwith a second line.\n\n',
    '```ts\nconst result = await fn()\n\nreturn result\n```\n\n> a quote\nlazily continued\n\n> another\n\n',
    '| a | b |\n|---|---|\n| 1 | 2 |\n\nSetext heading\n===\n\nand\n---\n\n***\n\n    indented code\n\n    more code\n\n',
    '<div>raw html stays text</div>\n\n- [ ] task\n- [x] done\n\nhttps://example.com and ~~gone~~ and *em*\n',
  ].join(''),
  // A link definition reaches back to earlier blocks.
  'see [the docs][d] for more\n\nand again [d]\n\n[d]: https://example.com/docs\n\nafter',
]

/** Lines that start one kind of block and, once complete, are another; blocks that go on after a blank line. */
const TRICKY = [
  'para\n#x is not a heading\n\nnext\n# heading\n\npara\n1. list\n\npara\n1) x\n\npara\n-\n\npara\n- item\n\n# title\n\n    code after a blank\n\nend',
  'para\n\n  - indented item\n\n      its code\n\n<!-- a comment\n\nstill --> after\n\n- item\n\nafter the list\n\n- item\nlazy line\n\nend',
  '| a |\n|---|\nrow\n\n> quote\nlazy\n\n1. one\n\n2. two\n\n```\nunclosed fence\n\nstill code',
  '\n\n  indented para\n\n- a\n\n- b\n\n\n- c\n\n\tcode with a tab\n\n- d\n\n e\n\n- f\n\n  g\n\n    h\n\nend',
  'line one\r\nline two\r\n\r\nthird\r\n* star\r\n+ plus\n\nend',
]

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
}

/** Streams `text` in steps; returns the text of the last render's tail (what it parsed). */
function stream(text: string, step: () => number): string {
  const s = new MarkdownStream()
  let tail = ''
  for (let end = 0; end < text.length; ) {
    end = Math.min(text.length, end + step())
    const prefix = text.slice(0, end)
    const element = s.render(prefix) as ReactElement<{ children: [unknown, ReactElement<{ source: string }>] }>
    tail = element.props.children[1].props.source
    expect(renderToStaticMarkup(element), JSON.stringify(prefix.slice(-40))).toBe(whole(prefix))
  }
  return tail
}

describe('streaming markdown', () => {
  test('shows what the whole text shows, delta by delta', () => {
    for (const text of TRICKY) stream(text, () => 1)
    for (const [i, text] of [...SAMPLES, ...TRICKY].entries()) {
      const random = rng(i + 1)
      stream(text, () => 1 + Math.floor(random() * 24))
    }
  })

  test('plain text added to a paragraph shows as a parse shows it, where it would make a link, a list or markup', () => {
    // Each pair: a paragraph so far, then what comes; the second render may skip the parse.
    const pairs = [
      ['see www', '.example x'], ['see www.', 'example'], ['mail a', '@b.co'], ['mail a@b.c', 'om'], ['go http', '://x'],
      ['_a_', 'b'], ['a_b_', 'c'], ['**a**', 'b'], ['`a', 'b` c'], ['a &amp', ';'], ['see [a](b', 'c) d'], ['see [a]', '(b)'],
      ['para\n1', ') x'], ['para\n1', '. x'], ['para\n-', ' x'], ['x\n  1', ') y'], ['para', '  '], ['para', ' a  '], ['para(1)', ' more (2)'],
      ['a "quote', '" and it\'s'], ['trailing  ', 'x'], ['a\\', 'b'], ['! a', 'b'], ['<span', ' x'], ['~~a~~', 'b'],
      ['- a', 'b c'], ['- 1', ') x'], ['- a\n  - b', ' c'], ['1. a\n\n2. b', ' c'], ['- a\n\n  b', 'c d'], ['- [ ] a', 'b'],
      ['- a\nb', ' c'], ['* a', ' b'], ['- a\n\n      code', ' x'], ['> a', ' b'], ['# a', ' b'],
    ]
    for (const [before, added] of pairs) {
      const s = new MarkdownStream()
      expect(renderToStaticMarkup(s.render(before) as ReactElement)).toBe(whole(before))
      expect(renderToStaticMarkup(s.render(before + added) as ReactElement), JSON.stringify(before + added)).toBe(whole(before + added))
    }
    // Long runs of plain text with now and then markup, in random steps.
    const random = rng(99)
    const words = ['word', 'a', '(12)', 'it\'s', 'x/y', '**b**', '`c()`', 'www.x.io', '_u_', '\n\n', '\n- ', '\n  - ', '\n1. ', '1)', 'e@f.g', '&amp;', '[l](m)']
    let text = ''
    for (let i = 0; i < 300; i++) text += (random() < 0.8 ? ' ' : '') + words[Math.floor(random() * words.length)]
    stream(text, () => 1 + Math.floor(random() * 12))
  })

  test('parses only the last blocks', () => {
    // After a paragraph and a blank line: only the paragraph being written.
    expect(stream('One paragraph.\n\nAnother, **longer** one.\n\nThe last one, being written', () => 3)).toBe('The last one, being written')
    // A line that starts with a letter ends the list before it.
    expect(stream(SAMPLES[0], () => 5)).toBe('https://example.com and ~~gone~~ and *em*\n')
    // A list item may go on after a blank line: until the next line is complete, the list stays in the tail.
    expect(stream('- one\n\n- two\n\n  more of two', () => 3)).toBe('- one\n\n- two\n\n  more of two')
    // Definitions reach across blocks: the text is parsed whole.
    expect(stream(SAMPLES[1], () => 5)).toBe(SAMPLES[1])
  })

  test('a rewritten text starts over', () => {
    const s = new MarkdownStream()
    for (const text of ['one\n\ntwo\n\nthree', 'one\n\ntwo\n\nthree four\n\n', 'other\n\n- x', 'one\n\n']) {
      expect(renderToStaticMarkup(s.render(text))).toBe(whole(text))
      expect(renderToStaticMarkup(s.render(text))).toBe(whole(text))
    }
  })
})
