import { measure } from './memory'
const runs = Number(process.argv[2] ?? 5)
const mb = Number(process.argv[3] ?? 50)
const over: number[] = []
for (let i = 0; i < runs; i++) {
  const m = await measure(`big:${mb}`)
  over.push(m.kernelPeakMb - m.baselineMb)
  console.log(JSON.stringify({ over: m.kernelPeakMb - m.baselineMb, sampled: m.peakMb - m.baselineMb, live: m.liveKernelPeakMb - m.baselineMb, base: m.baselineMb, t: m.transcriptMb, rx: m.receivedMb, big: m.largestFrameMb, replayed: m.replayedEvents }))
}
over.sort((a, b) => a - b)
console.log(`median +${over[Math.floor(runs / 2)]} MB over baseline (kernel maxRSS), runs: ${over.join(' ')}`)
