// The parts of bench/renderer.bench.mjs that run in the page (passed to page.evaluate / addInitScript:
// each is serialised on its own, so none refers to anything outside itself).

// long-task observer and frame counter, from before the app starts

export function probes() {
  const b = (window.__bench = { longTasks: [], frames: 0, counting: false })
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration })
  }).observe({ type: 'longtask', buffered: true })
  const frame = () => {
    if (b.counting) b.frames++
    b.onFrame?.()
    requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)
}

/**
 * The agents at work, as the host would deliver them: each agent lane gets `rate` text deltas a
 * second, each its own task (like one IPC message), with a tool call every ~3 s; each terminal lane
 * gets a chunk of coloured build output every 16 ms. A delta ends with `(n)`, its number in the lane,
 * so the page can tell which delta the screen shows. A late timer catches up (the agent does not wait
 * for the renderer), so a slow page gets the same load as a fast one.
 */
export function drive({ agents, terminals, rate, seconds, words }) {
  const b = window.__bench
  const mock = window.__mock
  const t0 = performance.now()
  const end = t0 + seconds * 1000
  b.pushed = {}
  b.pushedAt = {}
  b.latency = []
  b.counting = true
  b.frames = 0
  b.t0 = t0
  let rnd = 42
  const random = () => ((rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
  const word = () => words[Math.floor(random() * words.length)]

  const deltaText = (n) => {
    let text = ''
    const count = 2 + Math.floor(random() * 4)
    for (let w = 0; w < count; w++) text += ` ${word()}`
    if (n % 7 === 0) text += ` \`${word()}()\``
    if (n % 11 === 0) text += ` **${word()}**`
    text += ` (${n})`
    if (n % 23 === 0) text += '\n\n'
    else if (n % 17 === 0) text += '\n- '
    return text
  }

  for (let i = 0; i < agents; i++) {
    const laneId = `agent${i}`
    const period = 1000 / rate
    const phase = (period * i) / agents
    let n = 0
    let usage = 0
    b.pushedAt[laneId] = []
    const tick = () => {
      const now = performance.now()
      const due = Math.min(Math.floor((Math.min(now, end) - t0 - phase) / period) + 1, Math.floor((seconds * 1000) / period))
      while (n < due) {
        n++
        if (n % 90 === 40) {
          mock.push(laneId, { type: 'tool.started', toolCallId: `t${n}`, toolKind: 'execute', title: 'npm test -- retry', command: 'npm test -- retry' })
        } else if (n % 90 === 46) {
          const output = Array.from({ length: 20 }, (_, l) => ` ✓ retry › case ${l} (${l + 2} ms)`).join('\n')
          mock.push(laneId, { type: 'tool.completed', toolCallId: `t${n - 6}`, status: 'completed', output, exitCode: 0 })
          // The lane's usage changes now and then: a `lanes.status` upsert, as main sends one.
          usage += 1200
          const lane = mock.world.lanes.find((l) => l.id === laneId)
          mock.setLane({ ...lane, usage: { inputTokens: 18_000 + usage, outputTokens: usage / 4, costUsd: usage / 1e5 } })
        }
        mock.push(laneId, { type: 'text.delta', text: deltaText(n) })
        b.pushed[laneId] = n
        b.pushedAt[laneId][n] = performance.now()
      }
      if (now < end) setTimeout(tick, Math.max(0, t0 + phase + n * period - performance.now()))
    }
    setTimeout(tick, phase)
  }

  for (let i = 0; i < terminals; i++) {
    const laneId = `term${i}`
    const period = 16
    let n = 0
    const tick = () => {
      const now = performance.now()
      const due = Math.floor((Math.min(now, end) - t0) / period) + 1
      while (n < due) {
        n++
        let data = ''
        for (let l = 0; l < 12; l++) {
          data += `\x1b[32m✓\x1b[0m \x1b[2m[${n}:${l}]\x1b[0m src/module-${(n * 12 + l) % 997}.ts \x1b[33m${(n + l) % 90} ms\x1b[0m ${word()} ${word()} ${word()} ${word()}\r\n`
        }
        mock.push(laneId, { type: 'terminal.output', data })
      }
      if (now < end) setTimeout(tick, Math.max(0, t0 + n * period - performance.now()))
      else {
        mock.push(laneId, { type: 'terminal.output', data: `END-${laneId}\r\n` })
        b.pushed[laneId] = `END-${laneId}`
      }
    }
    setTimeout(tick, (period * i) / terminals)
  }

  // Agent → DOM latency, for every delta of every lane in view: a MutationObserver on the lane sees
  // the commit that put delta n's text in the DOM; all deltas up to n (one frame's batch) count then.
  const shownIn = (laneId) => {
    const lane = document.querySelector(`[data-lane-id="${laneId}"]`)
    const messages = lane?.querySelectorAll('.t-message')
    const text = messages?.[messages.length - 1]?.textContent ?? ''
    const m = /.*\((\d+)\)/s.exec(text)
    return m ? Number(m[1]) : 0
  }
  b.shownIn = shownIn
  const area = document.querySelector('.lanes').getBoundingClientRect()
  b.observers = []
  for (let i = 0; i < agents; i++) {
    const laneId = `agent${i}`
    const el = document.querySelector(`[data-lane-id="${laneId}"]`)
    const rect = el.getBoundingClientRect()
    if (!(rect.right > area.left && rect.left < area.right)) continue
    let lastShown = shownIn(laneId)
    const observer = new MutationObserver(() => {
      const shown = shownIn(laneId)
      const now = performance.now()
      for (let n = lastShown + 1; n <= shown; n++) {
        const at = b.pushedAt[laneId][n]
        if (at !== undefined && at >= t0) b.latency.push(now - at)
      }
      if (shown > lastShown) lastShown = shown
    })
    observer.observe(el, { subtree: true, childList: true, characterData: true })
    b.observers.push(observer)
  }
  b.lanesInView = b.observers.length
}

/** The end of the measured span: frames stop counting. */
export function stopCounting() {
  const b = window.__bench
  b.counting = false
  b.countedFor = performance.now() - b.t0
}

/**
 * Server mode: the agents stamp each delta "(n/<Date.now()>)"; for every lane in view a
 * MutationObserver sees the commit that puts delta n in the DOM, and each delta since the last one
 * seen (one frame's batch) counts from its own stamp. Stamps from before the start (history) do not count.
 */
export function watch({ agentIds }) {
  const b = window.__bench
  const since = Date.now()
  b.latency = []
  b.counting = true
  b.frames = 0
  b.t0 = performance.now()
  const messagesOf = (laneId) => {
    const all = document.querySelector(`[data-lane-id="${laneId}"]`)?.querySelectorAll('.t-message') ?? []
    // A command ends a message and the stream goes on in a new one: the last two hold the newest deltas.
    return Array.from(all).slice(-2).map((m) => m.textContent ?? '').join(' ')
  }
  const shownIn = (laneId) => {
    const m = /.*\((\d+)\/(\d+)\)/s.exec(messagesOf(laneId))
    return m && Number(m[2]) >= since ? Number(m[1]) : 0
  }
  b.shownIn = shownIn
  const area = document.querySelector('.lanes').getBoundingClientRect()
  b.observers = []
  for (const laneId of agentIds) {
    const el = document.querySelector(`[data-lane-id="${laneId}"]`)
    const rect = el.getBoundingClientRect()
    if (!(rect.right > area.left && rect.left < area.right)) continue
    let lastShown = 0
    const observer = new MutationObserver(() => {
      const text = messagesOf(laneId)
      const m = /.*\((\d+)\/(\d+)\)/s.exec(text)
      if (!m || Number(m[2]) < since || Number(m[1]) <= lastShown) return
      const now = Date.now()
      const shown = Number(m[1])
      for (let n = lastShown + 1; n <= shown; n++) {
        const at = text.lastIndexOf(`(${n}/`)
        if (at >= 0) b.latency.push(now - Number(text.slice(at + `(${n}/`.length, text.indexOf(')', at))))
      }
      lastShown = shown
    })
    observer.observe(el, { subtree: true, childList: true, characterData: true })
    b.observers.push(observer)
  }
  b.lanesInView = b.observers.length
}

/**
 * After the stream: how far behind each lane's screen is, and how long until it shows the last of it,
 * for the lanes in view and for all (lanes scrolled out of view may render less often).
 */
export function settle({ agentIds, terminalIds }) {
  const b = window.__bench
  b.counting = false
  for (const observer of b.observers ?? []) observer.disconnect()
  const stop = performance.now()
  const area = document.querySelector('.lanes').getBoundingClientRect()
  const lanes = [
    ...agentIds.map((id) => ({ id, agent: true })),
    ...terminalIds.map((id) => ({ id, agent: false })),
  ].map((lane) => {
    const rect = document.querySelector(`[data-lane-id="${lane.id}"]`).getBoundingClientRect()
    return { ...lane, inView: rect.right > area.left && rect.left < area.right }
  })
  const shows = (lane) =>
    lane.agent
      ? b.shownIn(lane.id) === b.pushed[lane.id]
      : (document.querySelector(`[data-lane-id="${lane.id}"] .xterm-rows`)?.textContent ?? '').includes(`END-${lane.id}`)
  const behind = (inView) => Math.max(0, ...lanes.filter((l) => l.agent && l.inView === inView).map((l) => b.pushed[l.id] - b.shownIn(l.id)))
  const result = { behindInView: behind(true), behindOut: behind(false), inView: null, back: null }
  const inView = lanes.filter((l) => l.inView)
  const last = lanes[lanes.length - 1]
  return new Promise((resolve) => {
    let scrolledAt = 0
    const check = () => {
      const now = performance.now()
      if (result.inView === null && inView.every(shows)) result.inView = now - stop
      // Then the last lane (out of view so far) is brought into view: how long until it shows all.
      if (result.inView !== null && scrolledAt === 0) {
        scrolledAt = now
        document.querySelector(`[data-lane-id="${last.id}"]`).scrollIntoView({ inline: 'end' })
      }
      if (scrolledAt && result.back === null && shows(last)) result.back = now - scrolledAt
      if (result.back === null && now - stop < 10_000) return requestAnimationFrame(check)
      // Two frames on (a lane scrolls to what it shows at the next frame), stuck to the bottom: the
      // end of the transcript is inside its scroller (lanes in view now).
      requestAnimationFrame(() => requestAnimationFrame(atBottom))
    }
    const atBottom = () => {
      const area = document.querySelector('.lanes').getBoundingClientRect()
      const visible = lanes.filter((l) => {
        const rect = document.querySelector(`[data-lane-id="${l.id}"]`).getBoundingClientRect()
        return l.agent && rect.right > area.left && rect.left < area.right
      })
      result.atBottom = `${
        visible.filter((l) => {
          const scroller = document.querySelector(`[data-lane-id="${l.id}"] .transcript`)
          return scroller && scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= 32
        }).length
      }/${visible.length}`
      resolve(result)
    }
    requestAnimationFrame(check)
  })
}

