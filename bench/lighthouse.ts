// npm run lighthouse: the storefront's catalogue and a product page, scored by Lighthouse (mobile: its
// default emulated phone and throttling) in Debian's Chromium, against the production build with the demo
// catalogue. Writes the rows into BENCHMARKS.md between the lighthouse markers (bench-lighthouse.md when
// they are missing). Each page is measured three times; the median run is kept.
import fs from 'node:fs'

import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'

import { ensureProductionBuild, startBenchShop } from './server'

const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium'
const RUNS = 3
const PAGES = [
  ['catalogue', '/'],
  ['search "молока"', '/?q=%D0%BC%D0%BE%D0%BB%D0%BE%D0%BA%D0%B0'],
  ['product page', '/p/CHEESE-RUSSIAN'],
] as const

type Result = { page: string; performance: number; accessibility: number; bestPractices: number; lcpMs: number; tbtMs: number; cls: number; jsKb: number; totalKb: number }

async function score(url: string, port: number) {
  const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'] })
  const lhr = result!.lhr
  const summary = (lhr.audits['resource-summary']?.details as { items?: Array<{ resourceType: string; transferSize: number }> } | undefined)?.items ?? []
  const size = (type: string) => (summary.find((i) => i.resourceType === type)?.transferSize ?? 0) / 1024
  return {
    performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
    bestPractices: Math.round((lhr.categories['best-practices']?.score ?? 0) * 100),
    lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? 0,
    tbtMs: lhr.audits['total-blocking-time']?.numericValue ?? 0,
    cls: lhr.audits['cumulative-layout-shift']?.numericValue ?? 0,
    jsKb: size('script'),
    totalKb: size('total'),
  }
}

async function main() {
  ensureProductionBuild()
  const shop = await startBenchShop()
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', '--no-sandbox'] })
  const results: Result[] = []
  try {
    // The demo catalogue (20 products with photos, 3 pickup points).
    await shop.restartServer({ SEED_DEMO: 'true' })
    for (const [page, path] of PAGES) {
      await fetch(`${shop.url}${path}`) // warm: the first render of a route compiles nothing, but fills caches
      const runs = []
      for (let i = 0; i < RUNS; i++) runs.push(await score(`${shop.url}${path}`, chrome.port))
      runs.sort((a, b) => a.performance - b.performance)
      results.push({ page, ...runs[Math.floor(RUNS / 2)]! })
      console.log(`  ${page}: ${JSON.stringify(runs.map((r) => r.performance))}`)
    }
  } finally {
    await chrome.kill()
    await shop.stop()
  }
  write(results)
}

function write(results: Result[]) {
  const fmt = (n: number, d = 0) => n.toFixed(d)
  const text = [
    `Run: ${new Date().toISOString()}; Lighthouse 12 (mobile: emulated phone, simulated slow 4G and 4× CPU), Debian's Chromium, the production build with the demo catalogue; the median of ${RUNS} runs per page.`,
    '',
    '| page | performance | accessibility | best practices | LCP ms | TBT ms | CLS | JS transferred KB | all transferred KB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.page} | ${r.performance} | ${r.accessibility} | ${r.bestPractices} | ${fmt(r.lcpMs)} | ${fmt(r.tbtMs)} | ${fmt(r.cls, 3)} | ${fmt(r.jsKb)} | ${fmt(r.totalKb)} |`),
  ].join('\n')
  console.log(`\n${text}`)
  const file = 'BENCHMARKS.md'
  const [start, end] = ['<!-- bench:lighthouse:start -->', '<!-- bench:lighthouse:end -->']
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
  if (current.includes(start) && current.includes(end)) {
    fs.writeFileSync(file, `${current.slice(0, current.indexOf(start) + start.length)}\n${text}\n${current.slice(current.indexOf(end))}`)
  } else fs.writeFileSync('bench-lighthouse.md', text)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
