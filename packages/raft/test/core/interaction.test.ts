import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Cluster } from './harness/cluster.js'
import { parseScript, renderScript, runCommand } from './harness/script.js'

// Scripted interaction tests with golden transcripts (etcd/raft's testdata style). Run with
// REWRITE=1 to regenerate the transcripts, then READ the diff: a transcript is only right if it
// shows correct Raft behaviour.

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testdata')
const rewrite = process.env.REWRITE === '1'

describe('interaction transcripts', () => {
  const files = readdirSync(testdata)
    .filter((file) => file.endsWith('.txt'))
    .sort()

  it('has transcripts', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  for (const file of files) {
    it(file, () => {
      const path = join(testdata, file)
      const original = readFileSync(path, 'utf8')
      const blocks = parseScript(original)
      const cluster = new Cluster()
      const outputs = blocks.map((block) => {
        try {
          return runCommand(cluster, block.command)
        } catch (error) {
          return [`panic: ${(error as Error).message}`]
        }
      })
      const actual = renderScript(blocks, outputs)
      if (rewrite) {
        writeFileSync(path, actual)
        return
      }
      expect(actual).toEqual(original)
    })
  }
})
