export { createTandemNode, TandemNode } from './node.js'
