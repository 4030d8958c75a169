/**
 * The little Markdown reading the documentation tests need: the first fenced block of a language,
 * the relative links of a page, and the anchors its headings get on GitHub. Hand-written on
 * purpose: the docs use plain CommonMark, and a Markdown parser would be a dependency for forty lines.
 */

/** Returns the body of the first fenced block opened by exactly ```` ```lang ````, or null. */
export function firstFencedBlock(markdown: string, lang: string): string | null {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => line.trimEnd() === `\`\`\`${lang}`)
  if (start < 0) return null
  const end = lines.findIndex((line, i) => i > start && line.trimEnd() === '```')
  if (end < 0) return null
  return `${lines.slice(start + 1, end).join('\n')}\n`
}

/** Replaces fenced blocks and inline code with blank text, keeping line numbers. */
function withoutCode(markdown: string): string {
  let inFence = false
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence
        return ''
      }
      return inFence ? '' : line.replace(/`[^`]*`/g, '``')
    })
    .join('\n')
}

/** A link found in a page: where it points and the 1-based line it is on. */
export interface MarkdownLink {
  readonly target: string
  readonly line: number
}

/**
 * Lists the links of a page that point into the repository: inline `[text](target)`, images and
 * reference definitions, outside code; links with a scheme (`https:`, `mailto:`) are left out.
 */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = []
  withoutCode(markdown)
    .split('\n')
    .forEach((text, i) => {
      const targets = [
        ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
          (match) => match[1] as string,
        ),
        ...[...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/g)].map((match) => match[1] as string),
      ]
      for (const target of targets) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
        links.push({ target, line: i + 1 })
      }
    })
  return links
}

/**
 * The anchors GitHub gives a page's headings: the rendered heading text lower-cased, punctuation
 * dropped (letters, digits, `_`, `-` and spaces kept), spaces turned into hyphens, and `-1`, `-2`
 * … appended to repeats.
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let inFence = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading === null) continue
    const text = (heading[1] as string)
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .toLowerCase()
    const slug = text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/** Returns the bodies of every fenced block opened by exactly ```` ```lang ````, in order. */
export function fencedBlocks(markdown: string, lang: string): string[] {
  const lines = markdown.split('\n')
  const blocks: string[] = []
  for (let start = 0; start < lines.length; start++) {
    if (lines[start]?.trimEnd() !== `\`\`\`${lang}`) continue
    const end = lines.findIndex((line, i) => i > start && line.trimEnd() === '```')
    if (end < 0) break
    blocks.push(`${lines.slice(start + 1, end).join('\n')}\n`)
    start = end
  }
  return blocks
}
