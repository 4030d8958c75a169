import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { headingAnchors, relativeLinks } from './markdown.ts'

// Every relative link in the documentation points at a file that exists, and a link to a heading
// (`page.md#section`) at a heading that exists, so that moving or renaming a page or a section
// cannot leave a dead link behind.

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function markdownIn(folder: string): string[] {
  const path = join(root, folder)
  if (!existsSync(path)) return []
  return readdirSync(path)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(folder, name))
}

function readmesUnder(folder: string): string[] {
  return readdirSync(join(root, folder))
    .map((name) => join(folder, name, 'README.md'))
    .filter((path) => existsSync(join(root, path)))
}

const pages = ['README.md', ...markdownIn('docs'), ...readmesUnder('packages'), ...readmesUnder('examples')]

/** Says what is wrong with a link from `page`, or null when it resolves. */
function brokenReason(page: string, target: string): string | null {
  const [pathPart = '', fragment] = target.split('#', 2)
  const file = pathPart === '' ? join(root, page) : resolve(dirname(join(root, page)), decodeURI(pathPart))
  if (relative(root, file).startsWith('..')) return 'points outside the repository'
  if (!existsSync(file)) return 'no such file or folder'
  if (fragment === undefined || fragment === '' || !file.endsWith('.md') || statSync(file).isDirectory()) {
    return null
  }
  return headingAnchors(readFileSync(file, 'utf8')).has(fragment) ? null : `no heading #${fragment}`
}

describe('relative links in the documentation', () => {
  it('finds the pages to check', () => {
    expect(pages).toContain('README.md')
    expect(pages).toContain(join('docs', 'README.md'))
  })

  for (const page of pages) {
    it(page, () => {
      const broken = relativeLinks(readFileSync(join(root, page), 'utf8'))
        .map((link) => ({ ...link, reason: brokenReason(page, link.target) }))
        .filter((link) => link.reason !== null)
        .map((link) => `${page}:${link.line} ${link.target}: ${link.reason}`)
      expect(broken).toEqual([])
    })
  }
})
