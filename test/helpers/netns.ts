/**
 * Hosts in Linux network namespaces for end-to-end tests: N namespaces joined by a full mesh of
 * veth pairs, so any subset can be cut off from any other by taking down the links between them.
 *
 * Addressing: host i owns 10.201.0.(i+1)/32 on its loopback device; each veth carries no address,
 * only a /32 route to the one peer at its other end. A host thus has one address whatever links
 * are up, and a cut link makes that peer unreachable at once (the route goes with the link).
 * Every namespace is private to this machine: nothing here routes beyond the veths.
 *
 * Cleanup: namespace names carry this process's pid; veth ends are created directly inside the
 * namespaces, so deleting a namespace deletes its links. `destroy()` kills the processes left in
 * each namespace and deletes it; a process `exit` hook does the same for clusters a test forgot;
 * and every `createNetnsCluster` first sweeps namespaces whose owning pid is gone (a run that was
 * killed with SIGKILL).
 */
import { type ChildProcess, execFile, execFileSync, type SpawnOptions, spawn } from 'node:child_process'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const namePrefix = 'tandem-e2e-'
const stalePattern = /^tandem-e2e-(\d+)-/
const ipBinary = 'ip'

/** Why namespaces cannot be used here, or `null` when they can (root with a working `ip netns`). */
export function netnsUnavailableReason(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'network namespaces need root (ip netns add); run the tests as root'
  try {
    execFileSync(ipBinary, ['netns', 'list'], { stdio: 'pipe' })
  } catch (error) {
    return `\`ip netns list\` failed: ${(error as Error).message}`
  }
  return null
}

/** Options of {@link createNetnsCluster}. */
export interface NetnsClusterOptions {
  /** How many hosts (2..200). */
  readonly size: number
}

/** The result of a command run in a namespace. */
export interface ExecResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** N hosts in their own namespaces, fully meshed; see the file comment. */
export interface NetnsCluster {
  readonly size: number
  /** Namespace names, index = host number. */
  readonly namespaces: readonly string[]
  /** Host i's IPv4 address. */
  address(host: number): string
  /** Runs `command args` in host i's namespace and waits for it; never throws on a non-zero exit. */
  exec(host: number, command: string, args: readonly string[], timeoutMs?: number): Promise<ExecResult>
  /** Starts `command args` in host i's namespace (`ip netns exec`); fds, env and IPC are inherited as given. */
  spawn(host: number, command: string, args: readonly string[], options?: SpawnOptions): ChildProcess
  /** Takes down every link between a host of `left` and a host of `right`. */
  cut(left: readonly number[], right: readonly number[]): Promise<void>
  /** Brings back up every link between a host of `left` and a host of `right`. */
  heal(left: readonly number[], right: readonly number[]): Promise<void>
  /** Splits the hosts into groups that reach only their own group (every other link cut). */
  partition(groups: readonly (readonly number[])[]): Promise<void>
  /** Brings every link back up with its route. */
  healAll(): Promise<void>
  /** Whether the link between two hosts is up. */
  linkUp(a: number, b: number): boolean
  /** Kills what runs in the namespaces and deletes them; idempotent. */
  destroy(): Promise<void>
}

const live = new Set<string>()
let exitHookInstalled = false
let clusterCounter = 0

/** Deletes namespaces whose owning process (the pid in their name) no longer runs. */
export function sweepStaleNamespaces(): string[] {
  const swept: string[] = []
  for (const name of listNamespaces()) {
    const match = stalePattern.exec(name)
    if (match === null) continue
    const pid = Number(match[1])
    if (pid === process.pid || pidAlive(pid)) continue
    deleteNamespaceSync(name)
    swept.push(name)
  }
  return swept
}

/** Namespace names `ip netns list` shows. */
export function listNamespaces(): string[] {
  const out = execFileSync(ipBinary, ['netns', 'list'], { encoding: 'utf8', stdio: 'pipe' })
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.length > 0)
}

/** Creates the namespaces and the mesh. Throws (after cleaning up) when any step fails. */
export async function createNetnsCluster(options: NetnsClusterOptions): Promise<NetnsCluster> {
  const { size } = options
  if (!Number.isInteger(size) || size < 2 || size > 200) throw new RangeError(`size ${size} not in 2..200`)
  sweepStaleNamespaces()
  installExitHook()
  const base = `${namePrefix}${process.pid}-${clusterCounter++}-`
  const namespaces = Array.from({ length: size }, (_, i) => `${base}h${i}`)
  const up = new Map<string, boolean>()
  const address = (host: number): string => {
    checkHost(host, size)
    return `10.201.0.${host + 1}`
  }
  // Interface names are per namespace: host i's link to host j is `p<j>` inside host i.
  const link = (to: number): string => `p${to}`

  let destroyed = false
  const destroy = async (): Promise<void> => {
    if (destroyed) return
    destroyed = true
    for (const name of namespaces) {
      deleteNamespaceSync(name)
      live.delete(name)
    }
  }

  try {
    for (const name of namespaces) {
      live.add(name)
      await ip(['netns', 'add', name])
    }
    for (let i = 0; i < size; i++) {
      const ns = namespaces[i] as string
      await ip(['-n', ns, 'link', 'set', 'lo', 'up'])
      await ip(['-n', ns, 'addr', 'add', `${address(i)}/32`, 'dev', 'lo'])
    }
    for (let i = 0; i < size; i++) {
      for (let j = i + 1; j < size; j++) {
        const [nsI, nsJ] = [namespaces[i] as string, namespaces[j] as string]
        await ip([
          'link',
          'add',
          link(j),
          'netns',
          nsI,
          'type',
          'veth',
          'peer',
          'name',
          link(i),
          'netns',
          nsJ,
        ])
        await setLink(i, j, true)
      }
    }
  } catch (error) {
    await destroy()
    throw error
  }

  async function setLink(a: number, b: number, wantUp: boolean): Promise<void> {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const ns = namespaces[from] as string
      if (wantUp) {
        await ip(['-n', ns, 'link', 'set', link(to), 'up'])
        // Taking a link down drops its routes, so bringing it up adds the route again.
        await ip(['-n', ns, 'route', 'replace', `${address(to)}/32`, 'dev', link(to), 'src', address(from)])
      } else {
        await ip(['-n', ns, 'link', 'set', link(to), 'down'])
      }
    }
    up.set(key, wantUp)
  }

  const cluster: NetnsCluster = {
    size,
    namespaces,
    address,
    async exec(host, command, args, timeoutMs = 10_000) {
      checkHost(host, size)
      try {
        const { stdout, stderr } = await execFileAsync(
          ipBinary,
          ['netns', 'exec', namespaces[host] as string, command, ...args],
          { timeout: timeoutMs, encoding: 'utf8' },
        )
        return { code: 0, stdout, stderr }
      } catch (error) {
        const failed = error as { code?: number | string; stdout?: string; stderr?: string }
        return {
          code: typeof failed.code === 'number' ? failed.code : -1,
          stdout: failed.stdout ?? '',
          stderr: failed.stderr ?? String(error),
        }
      }
    },
    spawn(host, command, args, spawnOptions = {}) {
      checkHost(host, size)
      return spawn(ipBinary, ['netns', 'exec', namespaces[host] as string, command, ...args], spawnOptions)
    },
    async cut(left, right) {
      for (const a of left)
        for (const b of right) {
          checkHost(a, size)
          checkHost(b, size)
          if (a === b) throw new RangeError(`host ${a} is on both sides of the cut`)
          await setLink(a, b, false)
        }
    },
    async heal(left, right) {
      for (const a of left)
        for (const b of right) {
          checkHost(a, size)
          checkHost(b, size)
          if (a === b) throw new RangeError(`host ${a} is on both sides of the heal`)
          if (!cluster.linkUp(a, b)) await setLink(a, b, true)
        }
    },
    async partition(groups) {
      const groupOf = new Map<number, number>()
      groups.forEach((group, index) => {
        for (const host of group) {
          checkHost(host, size)
          if (groupOf.has(host)) throw new RangeError(`host ${host} is in two groups`)
          groupOf.set(host, index)
        }
      })
      for (let i = 0; i < size; i++)
        for (let j = i + 1; j < size; j++) {
          const together = groupOf.has(i) && groupOf.get(i) === groupOf.get(j)
          if (cluster.linkUp(i, j) !== together) await setLink(i, j, together)
        }
    },
    async healAll() {
      for (let i = 0; i < size; i++)
        for (let j = i + 1; j < size; j++) if (!cluster.linkUp(i, j)) await setLink(i, j, true)
    },
    linkUp(a, b) {
      return up.get(a < b ? `${a}-${b}` : `${b}-${a}`) === true
    },
    destroy,
  }
  return cluster
}

function checkHost(host: number, size: number): void {
  if (!Number.isInteger(host) || host < 0 || host >= size) throw new RangeError(`no host ${host}`)
}

async function ip(args: readonly string[]): Promise<void> {
  try {
    await execFileAsync(ipBinary, args, { timeout: 10_000 })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? ''
    throw new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || (error as Error).message}`)
  }
}

/**
 * Kills every process still inside the namespace (they were started there by this run's tests:
 * deleting the name alone would leave them running, detached), then deletes it with its links.
 */
function deleteNamespaceSync(name: string): void {
  try {
    const pids = execFileSync(ipBinary, ['netns', 'pids', name], { encoding: 'utf8', stdio: 'pipe' })
    for (const pid of pids.split('\n').map((line) => Number(line.trim()))) {
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Already gone.
        }
      }
    }
  } catch {
    // The namespace may already be gone; deleting it below reports nothing then either.
  }
  try {
    execFileSync(ipBinary, ['netns', 'delete', name], { stdio: 'pipe' })
  } catch {
    // Not there (deleted by another path): nothing to clean.
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // A test that threw before its afterAll, or a worker torn down early: delete what is left.
  process.once('exit', () => {
    for (const name of live) deleteNamespaceSync(name)
    live.clear()
  })
}
