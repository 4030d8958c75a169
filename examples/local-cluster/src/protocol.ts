/** Messages between the demo's controller and its node processes, over Node's IPC channel. */

/** How the controller starts one node process (passed as JSON in argv). */
export interface NodeConfig {
  readonly dataDir: string
  readonly members: readonly string[]
  /** Known addresses of the other members. */
  readonly peers: Readonly<Record<string, readonly string[]>>
  /** Addresses to listen on; ports 0 on the first start, the same ports on a restart. */
  readonly listen: readonly string[]
  readonly seed: number
}

/** What the controller asks of a node. */
export type Request =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string }
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'status' }
  | { readonly kind: 'eventual-set'; readonly key: string; readonly value: string }
  | { readonly kind: 'eventual-read' }

/** A node's status as the controller sees it. */
export interface NodeReport {
  readonly nodeId: string
  readonly role: string
  readonly term: number
  readonly leader: string | null
  readonly commit: number
  readonly applied: number
  readonly keys: number
  readonly digest: string
}

/** A strong write's acknowledgement. */
export interface WriteAck {
  readonly applied: boolean
  readonly previous: string | null
  readonly index: number
  readonly term: number
  readonly fencingToken: string
}

/** Controller → node. */
export interface RequestEnvelope {
  readonly type: 'request'
  readonly id: number
  readonly request: Request
}

/** Node → controller. */
export type NodeMessage =
  | { readonly type: 'ready'; readonly nodeId: string; readonly addresses: readonly string[] }
  | { readonly type: 'response'; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly type: 'response'
      readonly id: number
      readonly ok: false
      readonly error: string
      readonly code: string
    }
