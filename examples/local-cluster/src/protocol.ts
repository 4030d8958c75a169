/** Messages between the demo's controller and its node processes, over Node's IPC channel. */
import type { JoinOptions } from '@tandem/node'

/** How the controller starts one node process (passed as JSON in argv). */
export interface NodeConfig {
  readonly dataDir: string
  /** Addresses to listen on; ports 0 on the first start, the same ports on a restart. */
  readonly listen: readonly string[]
  /** Found the cluster (the first node's first start). */
  readonly init?: boolean
  /** Join it (what a member's `cluster.addLearner` returned). */
  readonly join?: JoinOptions
}

/** What the controller asks of a node. */
export type Request =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string }
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'eventual-set'; readonly key: string; readonly value: string }
  | { readonly kind: 'eventual-read' }
  | { readonly kind: 'status' }
  | { readonly kind: 'add-learner'; readonly memberId: string }
  | { readonly kind: 'promote'; readonly memberId: string }

/** A node's status as the controller sees it. */
export interface NodeReport {
  readonly memberId: string
  readonly role: string
  readonly term: number
  readonly leader: string | null
  readonly applied: number
  readonly voters: number
  /** Keys of the strong collection in C. */
  readonly keys: number
  /** SHA-256 of the strong collection's entries in C, sorted. */
  readonly digest: string
}

/** A strong write's acknowledgement. */
export interface WriteAck {
  readonly applied: boolean
  readonly index: number
  readonly term: number
  readonly fencingToken: string
  readonly writeId: string
}

/** Controller → node. */
export interface RequestEnvelope {
  readonly type: 'request'
  readonly id: number
  readonly request: Request
}

/** Node → controller. */
export type NodeMessage =
  | { readonly type: 'ready'; readonly memberId: string; readonly addresses: readonly string[] }
  | { readonly type: 'response'; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly type: 'response'
      readonly id: number
      readonly ok: false
      readonly error: string
      readonly code: string
    }
