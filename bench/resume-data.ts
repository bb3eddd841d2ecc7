// Bench data: varied copies of the JSON Resume sample grown to ~5 KB each (bench/resumes.ts
// in process, bench/product.ts on the real start command).
import { readFileSync } from 'node:fs'

const SAMPLE = JSON.parse(readFileSync(new URL('../samples/jsonresume/sample.resume.json', import.meta.url), 'utf8')) as Record<string, any>

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Barbara', 'Dennis', 'Frances', 'Ken', 'Radia']
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Turing', 'Liskov', 'Ritchie', 'Allen', 'Thompson', 'Perlman']
const COMPANIES = ['Hooli', 'Raviga', 'Aviato', 'Bachmanity', 'Endframe', 'Nucleus', 'Sliceline', 'Coleman-Blair']
const VERBS = ['Designed', 'Led', 'Shipped', 'Rewrote', 'Scaled', 'Automated', 'Migrated', 'Mentored']
const THINGS = [
  'the ingestion pipeline from a nightly batch to a streaming service processing 40k events per second',
  'a team of six engineers through the move from a monolith to independently deployed services',
  'the public REST API, its OpenAPI description and the client SDKs generated from it',
  'the billing system onto a double-entry ledger, cutting reconciliation time from days to minutes',
  'the search index, bringing p99 query latency under 80 ms for the largest customers',
  'the release process to continuous delivery with canary deployments and automatic rollback',
  'the PostgreSQL cluster to a newer major version with under a minute of downtime',
  'four junior developers, two of whom now lead teams of their own'
]

export function resumeContent (i: number): Record<string, unknown> {
  const doc = structuredClone(SAMPLE)
  const first = FIRST[i % FIRST.length]!
  const last = LAST[(i * 3 + 1) % LAST.length]!
  const handle = `${first}.${last}`.toLowerCase()
  doc.basics.name = `${first} ${last}`
  doc.basics.label = ['Programmer', 'Staff Engineer', 'Engineering Manager', 'Data Engineer'][i % 4]
  doc.basics.email = `${handle}@mail.example.com`
  doc.basics.url = `https://${handle.replace('.', '-')}.example.com`
  doc.basics.summary = `${first} ${doc.basics.summary.slice(doc.basics.summary.indexOf(' ') + 1)}`
  doc.basics.profiles[0].username = `${handle}${i}`
  // Two more jobs with varied highlights: what takes the sample (~3.9 KB) to ~5 KB.
  for (let j = 0; j < 2; j++) {
    const company = COMPANIES[(i + j * 5) % COMPANIES.length]!
    doc.work.push({
      name: company,
      location: ['Berlin, DE', 'Remote', 'London, UK', 'Palo Alto, CA'][(i + j) % 4],
      description: `${company} builds software for teams that move fast`,
      position: j === 0 ? 'Senior Software Engineer' : 'Software Engineer',
      url: `https://${company.toLowerCase().replace(/[^a-z]/g, '')}.example.com`,
      startDate: `${2015 + j * 2}-0${1 + ((i + j) % 9)}-01`,
      endDate: `${2017 + j * 2}-0${1 + ((i * 2 + j) % 9)}-01`,
      summary: `Worked on the platform team of ${company} (resume ${i + 1}), owning reliability and the developer experience of the core services.`,
      highlights: Array.from({ length: 2 }, (_, k) => `${VERBS[(i + j + k) % VERBS.length]} ${THINGS[(i * 2 + j * 3 + k) % THINGS.length]}`)
    })
  }
  doc.skills[0].keywords.push(['TypeScript', 'Go', 'Rust', 'Python'][i % 4]!)
  doc.meta.lastModified = `2024-0${1 + (i % 9)}-${String(10 + i).padStart(2, '0')}T09:30:00`
  return doc
}
